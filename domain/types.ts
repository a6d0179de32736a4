/**
 * The product's vocabulary. Names here are the HTTP contract's names (the served OpenAPI document): extend,
 * never rename.
 */

export const EXCEPTION_TYPES = [
  'DELAYED',
  'LOST',
  'DAMAGED',
  'WRONG_ITEM',
  'MISSING_ITEM',
  'ADDRESS_CHANGE',
  'INTERCEPT',
  'REFUSED',
  'RETURN_EXCHANGE',
] as const;
export type ExceptionType = (typeof EXCEPTION_TYPES)[number];

export const CARRIERS = ['JD', 'SF', 'HUOLALA', 'SHENGSHENG', 'OTHER'] as const;
export type Carrier = (typeof CARRIERS)[number];

export const PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
export type Priority = (typeof PRIORITIES)[number];

/**
 * `OPEN`, `AWAITING_FEEDBACK`, `CLOSED` and `CANCELLED` are contract; the ones in between name
 * what the case is waiting on, so a supervisor reading `CaseStatus` in the Temporal UI knows
 * whose move it is.
 */
export const CASE_STATUSES = [
  'OPEN',
  'IN_PROGRESS',
  'WAITING_CARRIER',
  'WAITING_CUSTOMER',
  'WAITING_SUPPLIER',
  'WAITING_WAREHOUSE',
  'WAITING_RETURN',
  'VERIFYING_LOSS',
  'CLAIM_REVIEW',
  'CLAIM_PAYOUT',
  'RESOLVED',
  'AWAITING_FEEDBACK',
  'CLOSED',
  'CANCELLED',
] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];

/** The case is over: closed after feedback, or cancelled. */
export const TERMINAL_STATUSES: readonly CaseStatus[] = ['CLOSED', 'CANCELLED'];
/** Nothing left to work: resolved (waiting for feedback) or over. */
export const FINISHED_STATUSES: readonly CaseStatus[] = ['RESOLVED', 'AWAITING_FEEDBACK', ...TERMINAL_STATUSES];

export const ROLES = ['agent', 'supervisor', 'expert', 'auditor', 'system'] as const;
export type Role = (typeof ROLES)[number];

/** Escalation tiers (權限分級): 1 frontline agent, 2 supervisor, 3 expert / manager. */
export type EscalationTier = 1 | 2 | 3;
export const MAX_TIER: EscalationTier = 3;

export const NOTIFICATION_CHANNELS = ['sms', 'inapp', 'wecom'] as const;
export type NotificationChannel = (typeof NOTIFICATION_CHANNELS)[number];

export interface CustomerContact {
  id: string;
  name: string;
  phone: string;
  storeId?: string;
  /** Where the customer wants to hear from us; defaults to SMS + in-app. */
  channels?: NotificationChannel[];
  /** The customer's segment: its SLA targets are the policy's times `segmentFactor` (absent: standard). */
  segment?: CustomerSegment;
}

export const CUSTOMER_SEGMENTS = ['standard', 'vip', 'key-account'] as const;
export type CustomerSegment = (typeof CUSTOMER_SEGMENTS)[number];

/** A delivery address as carriers and the WMS take it. */
export interface DeliveryAddress {
  name: string;
  phone: string;
  province: string;
  city: string;
  district: string;
  detail: string;
}

export const RETURN_REMEDIES = ['exchange', 'refund'] as const;
export type ReturnRemedy = (typeof RETURN_REMEDIES)[number];

export interface OrderItem {
  sku: string;
  qty: number;
}

/** Who did something, as written to the audit trail. */
export interface Actor {
  kind: 'user' | 'system' | 'carrier' | 'customer' | 'workflow';
  id: string;
  role?: Role;
}

/** Someone acting through the API: the principal and the role the rules are checked against. */
export type RoleActor = Actor & { role: Role };

export const WORKFLOW_ACTOR: Actor = { kind: 'workflow', id: 'case-workflow' };

import { z } from 'zod';
import { ACTION_LIMITS, OUTCOME_PATTERN } from '../domain/action-limits';
import { CLAIM_KINDS } from '../domain/claim';
import { SEVERITIES } from '../domain/severity';
import { CALL_DIRECTIONS, CALL_OUTCOMES, CONTACT_LIMITS, PROMISE_KINDS, REPLY_CHANNELS } from '../domain/agent-contact';
import { decodeCursor } from '../store/read-model';
import { CASE_ACTION_NAMES, EVIDENCE_KINDS, REMEDIES } from '../domain/case-actions';
import { parseDuration } from '../domain/durations';
import { CLOCK_NAMES } from '../domain/sla-policy';
import { EXCEPTION_SUB_STATUSES, TRACKING_STATUSES } from '../domain/tracking';
import { CARRIERS, CASE_STATUSES, CUSTOMER_SEGMENTS, EXCEPTION_TYPES, NOTIFICATION_CHANNELS, PRIORITIES, RETURN_REMEDIES } from '../domain/types';

/** Request shapes of the HTTP contract (the served OpenAPI document, docs/agents.md), validated at the edge. */

const { maxQty, maxItems, maxFen } = ACTION_LIMITS;
const fen = z
  .number()
  .int('amounts are whole fen (分)')
  .min(0, 'amounts cannot be negative')
  .max(maxFen, `at most ${maxFen.toLocaleString('en')} fen`);
const text = (max: number) => z.string().trim().min(1, 'must not be empty').max(max, `at most ${max} characters`);

const items = z
  .array(z.strictObject({ sku: text(ACTION_LIMITS.sku), qty: z.number().int().positive().max(maxQty, `at most ${maxQty}`) }))
  .min(1)
  .max(maxItems);

const deliveryAddress = z.strictObject({
  name: text(64),
  phone: z.string().regex(/^1\d{10}$|^0\d{2,3}-?\d{7,8}$/, 'must be a mainland mobile or landline number'),
  province: text(32),
  city: text(32),
  district: text(32),
  detail: text(200),
});

export const openCaseBody = z
  .strictObject({
    type: z.enum(EXCEPTION_TYPES, { error: `must be one of ${EXCEPTION_TYPES.join(', ')}` }),
    orderId: text(64),
    waybillNo: z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9-]{6,40}$/, 'must be 6–40 letters, digits or dashes'),
    carrier: z.enum(CARRIERS, { error: `must be one of ${CARRIERS.join(', ')}` }),
    customer: z.strictObject({
      id: text(64),
      name: text(64),
      phone: z.string().regex(/^1\d{10}$/, 'must be an 11-digit mainland mobile number'),
      storeId: text(64).optional(),
      segment: z.enum(CUSTOMER_SEGMENTS, { error: `must be one of ${CUSTOMER_SEGMENTS.join(', ')}` }).optional(),
      channels: z
        .array(z.enum(NOTIFICATION_CHANNELS))
        .min(1)
        .max(3)
        .refine((channels) => new Set(channels).size === channels.length, 'must not list a channel twice')
        .optional(),
    }),
    description: text(2000),
    priority: z.enum(PRIORITIES, { error: `must be one of ${PRIORITIES.join(', ')}` }).default('normal'),
    severity: z.enum(SEVERITIES, { error: `must be one of ${SEVERITIES.join(', ')}` }).default('general'),
    region: z
      .string()
      .regex(/^\d{6}$|^[A-Za-z-]{2,32}$/, 'must be a 6-digit area code or a region name')
      .optional(),
    declaredValue: fen.optional(),
    insured: z.boolean().optional(),
    freight: fen.optional(),
    orderValue: fen.optional(),
    supplierId: text(64).optional(),
    items: items.optional(),
    newAddress: deliveryAddress.optional(),
    returnRemedy: z.enum(RETURN_REMEDIES, { error: `must be one of ${RETURN_REMEDIES.join(', ')}` }).optional(),
  })
  .refine((body) => body.type !== 'ADDRESS_CHANGE' || body.newAddress !== undefined, {
    path: ['newAddress'],
    message: 'an ADDRESS_CHANGE case needs the new address',
  });
export type OpenCaseBody = z.infer<typeof openCaseBody>;

export const feedbackBody = z.strictObject({
  score: z.number().int('score must be a whole number').min(1, 'score is 1 to 5').max(5, 'score is 1 to 5'),
  comment: z.string().max(2000).optional(),
  channel: z.enum(['sms', 'inapp', 'wecom', 'phone', 'web'], { error: 'must be sms, inapp, wecom, phone or web' }),
});
export type FeedbackBody = z.infer<typeof feedbackBody>;

const reason = { reason: text(ACTION_LIMITS.reason) };

/**
 * A promise to the customer: what, and by when. `by` is an absolute time in the future (at most
 * 30 days ahead); the route turns it into "this long from now", scaled by SLA_TIME_SCALE.
 */
const promiseBody = z.strictObject({
  kind: z.enum(PROMISE_KINDS, { error: `must be one of ${PROMISE_KINDS.join(', ')}` }),
  by: z.iso
    .datetime({ offset: true, error: 'must be an ISO 8601 date-time' })
    .refine((value) => Date.parse(value) > Date.now(), 'must be in the future')
    .refine((value) => Date.parse(value) - Date.now() <= CONTACT_LIMITS.maxPromiseMs, 'must be at most 30 days ahead'),
  what: text(CONTACT_LIMITS.promiseWhat),
});

/** `POST /v1/cases/{caseId}/actions`: one body shape per action, told apart by `action`. */
export const caseActionBody = z.discriminatedUnion(
  'action',
  [
    z.strictObject({ action: z.literal('note'), text: text(ACTION_LIMITS.noteText) }),
    z.strictObject({ action: z.literal('assign'), assignee: text(ACTION_LIMITS.assignee) }),
    z.strictObject({ action: z.literal('escalate'), ...reason }),
    z.strictObject({
      action: z.literal('set-priority'),
      priority: z.enum(PRIORITIES, { error: `must be one of ${PRIORITIES.join(', ')}` }),
      reason: reason.reason.optional(),
    }),
    z.strictObject({ action: z.literal('request-evidence'), what: text(ACTION_LIMITS.evidenceText) }),
    z.strictObject({
      action: z.literal('add-evidence'),
      evidence: z.strictObject({
        kind: z.enum(EVIDENCE_KINDS, { error: `must be one of ${EVIDENCE_KINDS.join(', ')}` }),
        description: text(ACTION_LIMITS.evidenceText),
        url: z
          .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
          .max(ACTION_LIMITS.evidenceUrl)
          .optional(),
      }),
    }),
    z.strictObject({
      action: z.literal('propose-claim'),
      kind: z.enum(CLAIM_KINDS, { error: `must be one of ${CLAIM_KINDS.join(', ')}` }),
      actualLossFen: fen.min(1, 'must be at least 1 fen'),
      damagedShare: z.number().gt(0, 'must be more than 0').max(1, 'must be at most 1').optional(),
      ...reason,
    }),
    z.strictObject({
      action: z.literal('approve-claim'),
      note: text(ACTION_LIMITS.approvalNote).optional(),
      reason: reason.reason.optional(),
      amountFen: fen.min(1).optional(),
    }),
    z.strictObject({ action: z.literal('reject-claim'), ...reason }),
    z.strictObject({ action: z.literal('reship'), items: items.optional(), ...reason }),
    z.strictObject({
      action: z.literal('extend-sla'),
      clock: z.enum(CLOCK_NAMES, { error: `must be one of ${CLOCK_NAMES.join(', ')}` }),
      by: z
        .string()
        .max(32, 'at most 32 characters')
        .refine((value) => (parseDuration(value) ?? 0) > 0, 'must be a duration such as "2h" or "30m"')
        .refine((value) => (parseDuration(value) ?? 0) <= ACTION_LIMITS.maxSlaExtensionMs, 'must be at most 30 days'),
      ...reason,
    }),
    z.strictObject({
      action: z.literal('choose-remedy'),
      remedy: z.enum(REMEDIES, { error: `must be one of ${REMEDIES.join(', ')}` }),
      newAddress: deliveryAddress.optional(),
      note: reason.reason.optional(),
    }),
    z.strictObject({
      action: z.literal('resolve'),
      outcome: z.string().regex(OUTCOME_PATTERN, 'must be a short lower-case code such as "delivered" or "refunded"'),
      summary: text(ACTION_LIMITS.resolutionSummary),
    }),
    z.strictObject({ action: z.literal('reopen'), ...reason }),
    z.strictObject({ action: z.literal('cancel'), ...reason }),
    z.strictObject({ action: z.literal('take'), reason: reason.reason.optional() }),
    z.strictObject({
      action: z.literal('set-severity'),
      severity: z.enum(SEVERITIES, { error: `must be one of ${SEVERITIES.join(', ')}` }),
      ...reason,
    }),
    z.strictObject({ action: z.literal('record-plan'), plan: text(ACTION_LIMITS.resolutionSummary) }),
    z.strictObject({
      action: z.literal('reply'),
      channel: z.enum(REPLY_CHANNELS, { error: `must be one of ${REPLY_CHANNELS.join(', ')}` }),
      text: text(CONTACT_LIMITS.replyText),
      scriptId: text(CONTACT_LIMITS.scriptId).optional(),
      promise: promiseBody.optional(),
    }),
    z.strictObject({
      action: z.literal('log-call'),
      direction: z.enum(CALL_DIRECTIONS, { error: `must be one of ${CALL_DIRECTIONS.join(', ')}` }),
      outcome: z.enum(CALL_OUTCOMES, { error: `must be one of ${CALL_OUTCOMES.join(', ')}` }),
      durationSeconds: z
        .number()
        .int('must be a whole number of seconds')
        .min(0, 'must not be negative')
        .max(CONTACT_LIMITS.maxCallSeconds, `at most ${CONTACT_LIMITS.maxCallSeconds} seconds`),
      summary: text(CONTACT_LIMITS.callSummary),
      promise: promiseBody.optional(),
    }),
  ],
  { error: `action must be one of ${CASE_ACTION_NAMES.filter((name) => name !== 'feedback').join(', ')}` },
);
export type CaseActionBody = z.infer<typeof caseActionBody>;

export const genericTrackingPush = z.strictObject({
  eventId: text(128),
  waybillNo: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9-]{6,40}$/, 'must be 6–40 letters, digits or dashes'),
  carrier: z.enum(CARRIERS),
  status: z.enum(TRACKING_STATUSES.filter((status) => status !== 'Pending') as [string, ...string[]]),
  subStatus: z.enum(EXCEPTION_SUB_STATUSES).optional(),
  rawCode: z.string().max(64).optional(),
  occurredAt: z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time' }),
  location: z.string().max(200).optional(),
  description: z.string().max(1000).optional(),
});
const csv = <T extends readonly [string, ...string[]]>(values: T) =>
  z
    .string()
    .transform((value) =>
      value
        .split(',')
        .map((part) => part.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.enum(values)));

export const listCasesQuery = z.strictObject({
  status: csv(CASE_STATUSES).optional(),
  type: csv(EXCEPTION_TYPES).optional(),
  carrier: csv(CARRIERS).optional(),
  tier: z.coerce.number().int().min(1).max(3).optional(),
  breached: z
    .enum(['true', 'false'])
    .transform((value) => value === 'true')
    .optional(),
  assignee: z.string().max(64).optional(),
  /** true: only cases opened from tracking that an agent must complete (OMS did not know the waybill). */
  incomplete: z
    .enum(['true', 'false'])
    .transform((value) => value === 'true')
    .optional(),
  q: z.string().trim().min(1).max(64).optional(),
  cursor: z
    .string()
    .max(200)
    .refine((value) => decodeCursor(value) !== undefined, 'must be a nextCursor this API returned')
    .optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});
const SUPPLIER_REPLY_ACTIONS = ['reshipped', 'accepted', 'refused', 'message'] as const;

/** `POST /v1/webhooks/supplier/{supplierId}`: a supplier's reply to a follow-up (供應商跟進). */
export const supplierReplyBody = z
  .strictObject({
    replyId: text(128),
    caseId: text(64),
    action: z.enum(SUPPLIER_REPLY_ACTIONS, { error: `must be one of ${SUPPLIER_REPLY_ACTIONS.join(', ')}` }),
    message: text(2000),
    waybillNo: z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9-]{6,40}$/, 'must be 6–40 letters, digits or dashes')
      .optional(),
    carrier: z.enum(CARRIERS, { error: `must be one of ${CARRIERS.join(', ')}` }).optional(),
  })
  .refine((body) => body.action !== 'reshipped' || body.waybillNo !== undefined, {
    path: ['waybillNo'],
    message: 'a reshipped reply must carry the new waybill number',
  });
export type SupplierReplyBody = z.infer<typeof supplierReplyBody>;

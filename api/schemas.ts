import { z } from 'zod';
import { EXCEPTION_SUB_STATUSES, TRACKING_STATUSES } from '../domain/tracking';
import { CARRIERS, CASE_STATUSES, EXCEPTION_TYPES, NOTIFICATION_CHANNELS, PRIORITIES } from '../domain/types';

/** Request shapes of the HTTP contract (../shared/api.md), validated at the edge. */

const fen = z.number().int('amounts are whole fen (分)').min(0, 'amounts cannot be negative').max(10_000_000_00);
const text = (max: number) => z.string().trim().min(1, 'must not be empty').max(max, `at most ${max} characters`);

export const openCaseBody = z.strictObject({
  type: z.enum(EXCEPTION_TYPES, { error: `must be one of ${EXCEPTION_TYPES.join(', ')}` }),
  orderId: text(64),
  waybillNo: z.string().trim().regex(/^[A-Za-z0-9-]{6,40}$/, 'must be 6–40 letters, digits or dashes'),
  carrier: z.enum(CARRIERS, { error: `must be one of ${CARRIERS.join(', ')}` }),
  customer: z.strictObject({
    id: text(64),
    name: text(64),
    phone: z.string().regex(/^1\d{10}$/, 'must be an 11-digit mainland mobile number'),
    storeId: text(64).optional(),
    channels: z.array(z.enum(NOTIFICATION_CHANNELS)).min(1).max(3).optional(),
  }),
  description: text(2000),
  priority: z.enum(PRIORITIES, { error: `must be one of ${PRIORITIES.join(', ')}` }).default('normal'),
  region: z.string().regex(/^\d{6}$|^[A-Za-z-]{2,32}$/, 'must be a 6-digit area code or a region name').optional(),
  declaredValue: fen.optional(),
  insured: z.boolean().optional(),
  freight: fen.optional(),
  supplierId: text(64).optional(),
  items: z.array(z.strictObject({ sku: text(64), qty: z.number().int().positive() })).max(100).optional(),
});
export type OpenCaseBody = z.infer<typeof openCaseBody>;

export const feedbackBody = z.strictObject({
  score: z.number().int('score must be a whole number').min(1, 'score is 1 to 5').max(5, 'score is 1 to 5'),
  comment: z.string().max(2000).optional(),
  channel: z.enum(['sms', 'inapp', 'wecom', 'phone', 'web'], { error: 'must be sms, inapp, wecom, phone or web' }),
});
export type FeedbackBody = z.infer<typeof feedbackBody>;

export const genericTrackingPush = z.strictObject({
  eventId: text(128),
  waybillNo: z.string().trim().regex(/^[A-Za-z0-9-]{6,40}$/, 'must be 6–40 letters, digits or dashes'),
  carrier: z.enum(CARRIERS),
  status: z.enum(TRACKING_STATUSES.filter((status) => status !== 'Pending') as [string, ...string[]]),
  subStatus: z.enum(EXCEPTION_SUB_STATUSES).optional(),
  rawCode: z.string().max(64).optional(),
  occurredAt: z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time' }),
  location: z.string().max(200).optional(),
  description: z.string().max(1000).optional(),
});
export type GenericTrackingPush = z.infer<typeof genericTrackingPush>;

const csv = <T extends readonly [string, ...string[]]>(values: T) =>
  z
    .string()
    .transform((value) => value.split(',').map((part) => part.trim()).filter(Boolean))
    .pipe(z.array(z.enum(values)));

export const listCasesQuery = z.strictObject({
  status: csv(CASE_STATUSES).optional(),
  type: csv(EXCEPTION_TYPES).optional(),
  carrier: csv(CARRIERS).optional(),
  tier: z.coerce.number().int().min(1).max(3).optional(),
  breached: z.enum(['true', 'false']).transform((value) => value === 'true').optional(),
  assignee: z.string().max(64).optional(),
  q: z.string().trim().min(1).max(64).optional(),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});
export type ListCasesQuery = z.infer<typeof listCasesQuery>;

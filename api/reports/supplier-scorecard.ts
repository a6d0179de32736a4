import type { Db } from '../../store/database';
import { supplierFollowUpRows } from '../../store/reports';
import { supplierCaseRows } from '../../store/scorecards';
import { offsetLabel, type ReportRange } from './range';

/**
 * The supplier scorecard: per supplier, the cases that named it (wrong, missing and damaged
 * parts) and how it answered our follow-ups (reply time against the policy's
 * `supplier.responseTarget`, escalations to its manager). Shipments and orders carry no supplier,
 * so ship-on-time and the rates per shipment are not measurable: the answer says so in `unmeasured`.
 */

type Row = Record<string, unknown>;

const num = (value: unknown): number => (value === null || value === undefined ? 0 : Number(value));
const numOrNull = (value: unknown): number | null => (value === null || value === undefined ? null : Number(value));
const rate = (part: number, whole: number): number | null => (whole > 0 ? Math.round((part / whole) * 10_000) / 10_000 : null);

const UNMEASURED = ['shipOnTimeRate', 'wrongItemRate', 'missingItemRate', 'damageRate'];

export async function supplierScorecard(db: Db, range: ReportRange, replyTargetMs: number) {
  const [cases, followUps] = await Promise.all([supplierCaseRows(db, range), supplierFollowUpRows(db, range)]);
  const perSupplier = followUps.filter((row) => num(row.level) === 0);
  const ids = [...new Set([...cases, ...perSupplier].map((row) => String(row.supplier_id)))].sort();
  const suppliers = ids.map((supplierId) => {
    const c: Row | undefined = cases.find((row) => row.supplier_id === supplierId);
    const f: Row | undefined = perSupplier.find((row) => row.supplier_id === supplierId);
    const p90 = numOrNull(f?.p90);
    return {
      supplierId,
      cases: num(c?.cases),
      wrongItem: num(c?.wrong_item),
      missingItem: num(c?.missing_item),
      damaged: num(c?.damaged),
      followUps: num(f?.follow_ups),
      replied: num(f?.replied),
      replyRate: rate(num(f?.replied), num(f?.follow_ups)),
      replyP50Ms: numOrNull(f?.p50),
      replyP90Ms: { value: p90, target: replyTargetMs, met: p90 === null ? null : p90 <= replyTargetMs },
      escalated: num(f?.escalations),
      escalationRate: rate(num(f?.escalations), num(f?.follow_ups)),
    };
  });
  return {
    report: 'supplier-scorecard',
    from: range.from,
    to: range.to,
    timeZone: offsetLabel(range.utcOffsetMinutes),
    unmeasured: { figures: UNMEASURED, reason: 'shipments and orders carry no supplier' },
    suppliers,
    csvRows: suppliers,
  };
}

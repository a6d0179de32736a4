import type { ApprovalLimits, ClaimsPolicy } from './sla-policy';
import type { ExceptionType, Role } from './types';

/**
 * The claim calculator (理賠). Pure: the workflow calls it with the case's facts and the claims
 * section of the policy it was opened under. Every amount is integer fen (1 yuan = 100 fen);
 * fractional results (a damaged share, a non-integer freight multiple) are rounded half up to the
 * whole fen once, at the end of each rule.
 *
 * The rules, in order:
 *
 * 1. The share. `damagedShare` (0..1) is the part of the goods that is lost or damaged (partial
 *    damage, part of a shipment missing); absent means the whole loss (1).
 *
 * 2. Insured parcels (保價, `insured: true`, which requires `declaredValueFen`) pay
 *        min(declaredValue, actualLoss) × share.
 *    The declared value is the ceiling the carrier accepted the risk for, and insurance
 *    indemnifies, it never enriches: declaring ¥1000 for goods worth ¥600 pays ¥600. For partial
 *    damage the same share applies to that capped value, so a half-damaged part insured above its
 *    value pays half its value, and a half-damaged part under-insured pays half the declared value.
 *
 * 3. Uninsured parcels pay the actual loss × share, capped at `uninsuredFreightMultiple` × freight
 *    (3× freight: the Postal Law benchmark carriers' terms follow). Without a freight amount (or
 *    with a freight of 0, which means the freight is unknown rather than free) the cap cannot be
 *    computed: the result pays nothing and is flagged `needsReview` for a person to decide, rather
 *    than guessing either way. A zero loss needs no cap and no review.
 *
 * 4. Recovery. With `recoverFrom: 'carrier'` the platform can recover the carrier's liability,
 *    which is computed by the same rule (2 or 3); with `recoverFrom: 'supplier'` (a wrong or
 *    missing item the supplier shipped) the supplier owes the full amount paid. Whether the platform
 *    pays first (先行赔付) changes the order of payment, not the amounts.
 */

export interface CompensationInput {
  type: ExceptionType;
  /** Declared (insured) value in fen. */
  declaredValueFen?: number;
  /** Whether the shipment was insured (保價); absent = not insured. */
  insured?: boolean;
  /** Freight paid for the shipment, in fen. */
  freightFen?: number;
  /** The customer's loss: value of the lost / damaged goods, in fen. */
  actualLossFen: number;
  /** Part of the goods lost or damaged, 0..1; absent = all of it. */
  damagedShare?: number;
  /** The platform pays the customer first and recovers later; absent = the policy's default. */
  platformPaysFirst?: boolean;
  recoverFrom: 'carrier' | 'supplier';
}

type CompensationBasis = 'insured' | 'uninsured-actual' | 'uninsured-capped';

export interface CompensationResult {
  /** What the customer is paid, in fen. */
  amountFen: number;
  basis: CompensationBasis;
  /** The uninsured cap (multiple × freight), when it could be computed. */
  capFen?: number;
  platformPaysFirst: boolean;
  recoverFrom: 'carrier' | 'supplier';
  /** What the platform can recover from the carrier / supplier, in fen. */
  recoverableFen: number;
  /** Human lines explaining the computation (zh-CN), for the claim proposal and the audit trail. */
  explanation: string[];
  /** Set when the calculator cannot decide: why a person has to. */
  needsReview?: string;
}

/** Round half up to a whole fen, tolerating binary floating-point noise (0.285 × 100 = 28.4999…). */
export function roundFen(value: number): number {
  const floor = Math.floor(value);
  return value - floor >= 0.5 - 1e-6 ? floor + 1 : floor;
}

/** "¥1,234.56" from fen, for the explanation lines. */
export function formatYuan(fen: number): string {
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(Math.round(fen));
  const yuan = String(Math.floor(abs / 100)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${sign}¥${yuan}.${String(abs % 100).padStart(2, '0')}`;
}

function checkFen(field: string, value: number | undefined, required: boolean): void {
  if (value === undefined) {
    if (required) throw new RangeError(`${field} is required${field === 'declaredValueFen' ? ' when insured is true' : ''}`);
    return;
  }
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new RangeError(`${field} must be a finite number of fen, got ${String(value)}`);
  if (value < 0) throw new RangeError(`${field} must not be negative, got ${value}`);
  if (!Number.isSafeInteger(value)) throw new RangeError(`${field} must be a whole number of fen, got ${value}`);
}

function checkInput(input: CompensationInput, claims: Pick<ClaimsPolicy, 'uninsuredFreightMultiple'>): void {
  checkFen('actualLossFen', input.actualLossFen, true);
  checkFen('declaredValueFen', input.declaredValueFen, input.insured === true && input.recoverFrom === 'carrier');
  checkFen('freightFen', input.freightFen, false);
  const share = input.damagedShare;
  if (share !== undefined && (typeof share !== 'number' || !Number.isFinite(share) || share < 0 || share > 1)) {
    throw new RangeError(`damagedShare must be a number from 0 to 1, got ${String(share)}`);
  }
  const multiple = claims.uninsuredFreightMultiple;
  if (typeof multiple !== 'number' || !Number.isFinite(multiple) || multiple <= 0) {
    throw new RangeError(`claims.uninsuredFreightMultiple must be a positive number, got ${String(multiple)}`);
  }
  if (input.recoverFrom !== 'carrier' && input.recoverFrom !== 'supplier') {
    throw new RangeError(`recoverFrom must be "carrier" or "supplier", got ${String(input.recoverFrom)}`);
  }
}

interface Liability {
  amountFen: number;
  basis: CompensationBasis;
  capFen?: number;
  needsReview?: string;
  lines: string[];
}

/** Rules 1–4: what is owed to the customer for this loss. */
function liability(input: CompensationInput, multiple: number): Liability {
  const share = input.damagedShare ?? 1;
  const shareText = share === 1 ? '' : ` × 损失比例 ${formatShare(share)}`;

  if (input.recoverFrom === 'supplier') {
    const amountFen = roundFen(input.actualLossFen * share);
    const lines = [
      `供应商责任（错发/漏发）：不适用承运商保价与运费上限，按实际损失 ${formatYuan(input.actualLossFen)}${shareText} = ${formatYuan(amountFen)} 赔付`,
    ];
    return { amountFen, basis: 'uninsured-actual', lines };
  }

  if (input.insured === true) {
    const declared = input.declaredValueFen as number; // checkInput: required when insured
    const base = Math.min(declared, input.actualLossFen);
    const amountFen = roundFen(base * share);
    const lines = [
      `保价件：申报价值 ${formatYuan(declared)}，实际损失 ${formatYuan(input.actualLossFen)}，取较低者 ${formatYuan(base)}`,
      `赔付 = ${formatYuan(base)}${shareText} = ${formatYuan(amountFen)}`,
    ];
    return { amountFen, basis: 'insured', lines };
  }

  const lines: string[] = [];
  const uncapped = roundFen(input.actualLossFen * share);
  lines.push(`未保价件：实际损失 ${formatYuan(input.actualLossFen)}${shareText} = ${formatYuan(uncapped)}`);
  if (uncapped === 0) {
    lines.push('损失为 0，无需赔付');
    return { amountFen: 0, basis: 'uninsured-actual', lines };
  }
  const freight = input.freightFen;
  if (freight === undefined || freight === 0) {
    const needsReview =
      freight === undefined
        ? `uninsured parcel without a freight amount: the ${multiple}× freight cap cannot be computed`
        : `uninsured parcel with a freight of 0: the ${multiple}× freight cap cannot be computed`;
    const missing = freight === undefined ? '缺少运费' : '运费为 0';
    lines.push(`${missing}，无法计算 ${multiple} 倍运费上限：需人工审核（未封顶金额 ${formatYuan(uncapped)}）`);
    return { amountFen: 0, basis: 'uninsured-actual', needsReview, lines };
  }
  const capFen = roundFen(freight * multiple);
  if (uncapped > capFen) {
    lines.push(`超过 ${multiple} 倍运费上限（运费 ${formatYuan(freight)} × ${multiple} = ${formatYuan(capFen)}），按上限赔付 ${formatYuan(capFen)}`);
    return { amountFen: capFen, basis: 'uninsured-capped', capFen, lines };
  }
  lines.push(`未超过 ${multiple} 倍运费上限 ${formatYuan(capFen)}，按实际损失赔付 ${formatYuan(uncapped)}`);
  return { amountFen: uncapped, basis: 'uninsured-actual', capFen, lines };
}

function formatShare(share: number): string {
  return `${Math.round(share * 10_000) / 100}%`;
}

/**
 * Computes the compensation of one claim. Throws a RangeError naming the field for a negative,
 * non-integer (fen) or non-finite input, or a share outside 0..1.
 */
export function computeCompensation(
  input: CompensationInput,
  claims: Pick<ClaimsPolicy, 'uninsuredFreightMultiple'> & Partial<Pick<ClaimsPolicy, 'platformPaysFirst'>>,
): CompensationResult {
  checkInput(input, claims);
  const multiple = claims.uninsuredFreightMultiple;
  const owed = liability(input, multiple);
  const platformPaysFirst = input.platformPaysFirst ?? claims.platformPaysFirst ?? false;

  // Rule 5: the carrier's liability follows the same rule (2 or 3) as the customer's amount, so it
  // is that amount; the supplier that shipped the wrong / missing item owes everything the
  // customer is paid. Nothing is recoverable before a person has settled a claim that needs review.
  const recoverableFen = owed.needsReview ? 0 : owed.amountFen;

  const explanation = [...owed.lines];
  if (!owed.needsReview && owed.amountFen > 0) {
    const party = input.recoverFrom === 'carrier' ? '承运商' : '供应商';
    explanation.push(
      platformPaysFirst
        ? `平台先行赔付 ${formatYuan(owed.amountFen)}，再向${party}追偿 ${formatYuan(recoverableFen)}`
        : `由${party}赔付后平台再行支付；可向${party}追偿 ${formatYuan(recoverableFen)}`,
    );
  }

  return {
    amountFen: owed.amountFen,
    basis: owed.basis,
    ...(owed.capFen !== undefined ? { capFen: owed.capFen } : {}),
    platformPaysFirst,
    recoverFrom: input.recoverFrom,
    recoverableFen,
    explanation,
    ...(owed.needsReview ? { needsReview: owed.needsReview } : {}),
  };
}

export type ApprovalTier = 'auto' | 'supervisor' | 'expert' | 'beyond-expert';

function checkAmount(amountFen: number): void {
  if (typeof amountFen !== 'number' || !Number.isFinite(amountFen) || amountFen < 0) {
    throw new RangeError(`amountFen must be a non-negative number of fen, got ${String(amountFen)}`);
  }
}

/**
 * Who has to approve a claim of this amount: at or below the agent limit it is approved
 * automatically, at or below the supervisor limit a supervisor approves, at or below the expert
 * limit an expert; above that no role may approve it alone.
 */
export function approvalTier(amountFen: number, limits: ApprovalLimits): ApprovalTier {
  checkAmount(amountFen);
  if (amountFen <= limits.agent) return 'auto';
  if (amountFen <= limits.supervisor) return 'supervisor';
  if (amountFen <= limits.expert) return 'expert';
  return 'beyond-expert';
}

/** Whether this role may approve a claim of this amount; auditors and the system never approve. */
export function mayApprove(role: Role, amountFen: number, limits: ApprovalLimits): boolean {
  checkAmount(amountFen);
  switch (role) {
    case 'agent':
      return amountFen <= limits.agent;
    case 'supervisor':
      return amountFen <= limits.supervisor;
    case 'expert':
      return amountFen <= limits.expert;
    default:
      return false;
  }
}

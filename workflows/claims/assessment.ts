import { type ApprovalTier, computeCompensation, roundFen } from '../../domain/compensation';
import type { ClaimSettlementInput } from './contract';

/**
 * The claim calculator's answer for a proposal, and the approval tier it needs.
 */

export const atLeastSupervisor = (tier: ApprovalTier): ApprovalTier => (tier === 'auto' ? 'supervisor' : tier);

interface Assessment {
  amountFen: number;
  /** What an approver may set without an expert's override (see ClaimView.ceilingFen). */
  ceilingFen: number;
  basis: string;
  explanation: string[];
  recoverableFen: number;
  needsReview?: string;
}

/** The calculator's answer, or a case for a person when the facts do not allow one. */
export function assess(input: ClaimSettlementInput): Assessment {
  const { proposal } = input;
  if (proposal.kind === 'goodwill') {
    return {
      amountFen: proposal.actualLossFen,
      ceilingFen: proposal.actualLossFen,
      basis: 'goodwill',
      explanation: ['安抚补偿：按提议金额支付，不向承运商追偿'],
      recoverableFen: 0,
    };
  }
  try {
    const result = computeCompensation(
      {
        type: input.type,
        actualLossFen: proposal.actualLossFen,
        ...(proposal.damagedShare !== undefined ? { damagedShare: proposal.damagedShare } : {}),
        ...(input.goods.declaredValueFen !== undefined ? { declaredValueFen: input.goods.declaredValueFen } : {}),
        ...(input.goods.insured !== undefined ? { insured: input.goods.insured } : {}),
        ...(input.goods.freightFen !== undefined ? { freightFen: input.goods.freightFen } : {}),
        recoverFrom: input.recoverFrom === 'supplier' ? 'supplier' : 'carrier',
      },
      input.policy.claims,
    );
    return {
      amountFen: result.amountFen,
      // Undecided by the calculator: the customer's stated loss is the most a person may grant.
      ceilingFen: result.needsReview ? statedLoss(proposal) : result.amountFen,
      basis: result.basis,
      explanation: result.needsReview ? [...result.explanation, result.needsReview] : result.explanation,
      recoverableFen: result.recoverableFen,
      ...(result.needsReview ? { needsReview: result.needsReview } : {}),
    };
  } catch (error) {
    // Facts the calculator refuses (insured without a declared value, ...): a person decides.
    const why = error instanceof RangeError ? error.message : String(error);
    return { amountFen: 0, ceilingFen: statedLoss(proposal), basis: 'review', explanation: [`无法自动核算：${why}`], recoverableFen: 0, needsReview: why };
  }
}

const statedLoss = (proposal: ClaimSettlementInput['proposal']): number => roundFen(proposal.actualLossFen * (proposal.damagedShare ?? 1));

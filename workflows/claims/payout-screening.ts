import type { ClaimsPolicy } from '../../domain/sla-policy';
import type { PayoutScreeningVerdict } from '../../store/payout-screenings';
import { payoutScreening } from '../activity-proxies';
import type { ClaimSettlementInput } from './contract';

/** The daily caps count within the business day in China (+08:00, no daylight saving). */
const CHINA_UTC_OFFSET_MINUTES = 480;

/** Whether the policy screens automatic payouts at all (a payee to confirm, or a daily cap). */
export function screensPayouts(claims: ClaimsPolicy): boolean {
  const caps = claims.dailyCapsFen;
  return claims.confirmPayee === true || caps?.perAgent !== undefined || caps?.perPayee !== undefined;
}

/** Asks the OMS and the day's totals whether this payout may go without a second person. */
export async function screenPayout(input: ClaimSettlementInput, amountFen: number): Promise<PayoutScreeningVerdict> {
  const { claims } = input.policy;
  return payoutScreening.screenPayout({
    claimId: input.claimId,
    caseId: input.caseId,
    waybillNo: input.waybillNo,
    proposedBy: input.proposedBy.id,
    payeeId: input.payeeId,
    amountFen,
    confirmPayee: claims.confirmPayee === true,
    ...(claims.dailyCapsFen ? { dailyCapsFen: claims.dailyCapsFen } : {}),
    utcOffsetMinutes: CHINA_UTC_OFFSET_MINUTES,
  });
}

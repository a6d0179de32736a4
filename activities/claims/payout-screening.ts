import type { Db } from '../../store/database';
import { screenPayout, type PayoutScreeningVerdict } from '../../store/payout-screenings';
import type { OmsClient } from '../oms/oms-client';

export interface ScreenPayoutInput {
  claimId: string;
  caseId: string;
  waybillNo: string;
  proposedBy: string;
  payeeId: string;
  amountFen: number;
  /** Ask the OMS whether the payee is the customer of the waybill's order. */
  confirmPayee: boolean;
  dailyCapsFen?: { perAgent?: number; perPayee?: number };
  /** The business time zone's offset: the caps count within its local day. */
  utcOffsetMinutes: number;
}

/** The local date (YYYY-MM-DD) of an instant at a fixed offset from UTC. */
export function businessDayOf(at: Date, utcOffsetMinutes: number): string {
  return new Date(at.getTime() + utcOffsetMinutes * 60_000).toISOString().slice(0, 10);
}

/**
 * Payout screening (store/payout-screenings.ts) with the OMS's word on the payee: confirmed when
 * the order that shipped the case's waybill belongs to the payee. An unknown waybill confirms
 * nothing; an OMS that cannot answer fails the attempt, and Temporal retries it.
 */
export function createPayoutScreeningActivities(deps: { db: Db; oms: OmsClient }) {
  return {
    async screenPayout(input: ScreenPayoutInput): Promise<PayoutScreeningVerdict> {
      const payeeConfirmed = input.confirmPayee ? (await deps.oms.lookUpOrderByWaybill(input.waybillNo))?.customer.customerId === input.payeeId : true;
      return screenPayout(deps.db, {
        claimId: input.claimId,
        caseId: input.caseId,
        proposedBy: input.proposedBy,
        payeeId: input.payeeId,
        amountFen: input.amountFen,
        businessDay: businessDayOf(new Date(), input.utcOffsetMinutes),
        payeeConfirmed,
        ...(input.dailyCapsFen ? { dailyCapsFen: input.dailyCapsFen } : {}),
      });
    },
  };
}

export type PayoutScreeningActivities = ReturnType<typeof createPayoutScreeningActivities>;

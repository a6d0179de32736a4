import type { OmsOrder } from '../../domain/oms-order';
import type { OmsClient } from './oms-client';

/** The order system (OMS): who a waybill's order belongs to. */
export function createOmsActivities(deps: { oms: OmsClient }) {
  return {
    /** The order that shipped this waybill, or null when the OMS does not know it (never a failure). */
    async lookUpOrderByWaybill(waybillNo: string): Promise<OmsOrder | null> {
      return deps.oms.lookUpOrderByWaybill(waybillNo);
    },
  };
}

export type OmsActivities = ReturnType<typeof createOmsActivities>;

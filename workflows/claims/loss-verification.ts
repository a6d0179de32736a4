import { sleep } from '@temporalio/workflow';
import { formatDuration } from '../../domain/durations';
import { type TrackingEvent, isMovement } from '../../domain/tracking';
import { trackingUntilKnown } from '../activity-proxies';
import type { ClaimSettlementInput } from './contract';

/**
 * Before a loss is paid: the parcel's trajectory says whether it is really lost (no movement for
 * the policy's window).
 */

interface LossVerdict {
  found: boolean;
  carrierConfirmed: boolean;
  lastScan?: string;
  summary: string;
}

/**
 * 系統自動核驗物流軌跡: a parcel is lost when the carrier says so, or when its last scan is older
 * than the policy's threshold. Until then, check again as the threshold approaches; a movement
 * or delivery meanwhile means it was not lost after all.
 */
export async function verifyLoss(input: ClaimSettlementInput): Promise<LossVerdict> {
  const { lastScanAgeMs } = input.policy.lost;
  const { followUpIntervalMs } = input.policy.carrier;
  const startedAt = Date.now();
  let checks = 0;
  for (;;) {
    checks += 1;
    const events = await trackingUntilKnown.trackParcel({ carrier: input.carrier, waybillNo: input.waybillNo });
    const last = events[events.length - 1];
    if (events.some((event) => event.status === 'Delivered')) return { found: true, carrierConfirmed: false, lastScan: last?.occurredAt, summary: 'delivered' };
    const carrierConfirmed = events.some((event) => event.status === 'Exception' && event.subStatus === 'lost');
    const lastScanAt = lastMovementAt(events);
    if (lastScanAt !== undefined && lastScanAt > startedAt) {
      return { found: true, carrierConfirmed, lastScan: new Date(lastScanAt).toISOString(), summary: 'moved again' };
    }
    const age = lastScanAt === undefined ? Number.POSITIVE_INFINITY : Date.now() - lastScanAt;
    if (carrierConfirmed || age >= lastScanAgeMs) {
      const why = carrierConfirmed
        ? 'carrier confirmed the parcel lost'
        : lastScanAt === undefined
          ? 'no scan on record'
          : `last scan ${formatDuration(age)} ago (threshold ${formatDuration(lastScanAgeMs)})`;
      return {
        found: false,
        carrierConfirmed,
        ...(lastScanAt !== undefined ? { lastScan: new Date(lastScanAt).toISOString() } : {}),
        summary: `loss verified after ${checks} check(s): ${why}`,
      };
    }
    // Not old enough yet: look again when it would be, or sooner at the follow-up interval.
    await sleep(Math.max(1, Math.min(lastScanAgeMs - age, followUpIntervalMs)));
  }
}

function lastMovementAt(events: TrackingEvent[]): number | undefined {
  const moves = events.filter((event) => isMovement(event.status) || event.status === 'InfoReceived');
  const last = moves[moves.length - 1];
  return last ? Date.parse(last.occurredAt) : undefined;
}

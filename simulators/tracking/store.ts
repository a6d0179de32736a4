import type { TrackingEvent } from './event';

const HOUR_MS = 60 * 60 * 1000;

/**
 * What the simulated carriers know about each waybill: events pushed through the control API, or,
 * for a waybill nobody pushed anything about, a plausible in-transit trace (made once, then stable).
 */
export class TrackingStore {
  private readonly byWaybill = new Map<string, TrackingEvent[]>();

  constructor(private readonly now: () => Date) {}

  /** Keeps the event unless its eventId is already known (senders retry pushes). */
  remember(event: TrackingEvent): void {
    const events = this.byWaybill.get(event.waybillNo) ?? [];
    if (events.some((e) => e.eventId === event.eventId)) return;
    const pushedBefore = events.filter((e) => !e.eventId.startsWith(`${event.waybillNo}-sim-`));
    pushedBefore.push(event);
    pushedBefore.sort((a, b) => Date.parse(a.occurredAt) - Date.parse(b.occurredAt));
    this.byWaybill.set(event.waybillNo, pushedBefore);
  }

  /** Oldest first. */
  trace(waybillNo: string, carrierHint = 'UNKNOWN'): TrackingEvent[] {
    const known = this.byWaybill.get(waybillNo);
    if (known !== undefined && known.length > 0) return known.map((e) => ({ ...e }));
    const made = this.plausibleTrace(waybillNo, carrierHint);
    this.byWaybill.set(waybillNo, made);
    return made.map((e) => ({ ...e }));
  }

  clear(): void {
    this.byWaybill.clear();
  }

  private plausibleTrace(waybillNo: string, carrier: string): TrackingEvent[] {
    const now = this.now().getTime();
    const at = (hoursAgo: number): string => new Date(now - hoursAgo * HOUR_MS).toISOString();
    const base = { waybillNo, carrier };
    return [
      { ...base, eventId: `${waybillNo}-sim-1`, status: 'InfoReceived', occurredAt: at(30), location: '深圳市', description: '快件已被揽收' },
      { ...base, eventId: `${waybillNo}-sim-2`, status: 'InTransit', occurredAt: at(20), location: '深圳市', description: '快件已到达【深圳转运中心】' },
      { ...base, eventId: `${waybillNo}-sim-3`, status: 'InTransit', occurredAt: at(6), location: '广州市', description: '快件已发往【广州转运中心】' },
    ];
  }
}

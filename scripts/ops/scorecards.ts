import { duration, percent, table, type Row } from './format';

/** The carrier and supplier scorecards (GET /v1/reports/{carrier,supplier}-scorecard) as tables. */

interface Figure {
  value: number | null;
  target: number;
  met: boolean | null;
}

/** "96.5% (≥ 95% ✓)": a rate beside its target, and whether it meets it. */
function rateVsTarget(figure: unknown, sign: '≥' | '≤'): string {
  const f = figure as Figure | undefined;
  if (!f) return '–';
  return `${percent(f.value)} (${sign} ${percent(f.target)}${f.met === null ? '' : f.met ? ' ✓' : ' ✗'})`;
}

function durationVsTarget(figure: unknown): string {
  const f = figure as Figure | undefined;
  if (!f) return '–';
  return `${duration(f.value ?? undefined)} (≤ ${duration(f.target)}${f.met === null ? '' : f.met ? ' ✓' : ' ✗'})`;
}

export function renderCarrierScorecard(title: string, report: Row): string {
  const carriers = (report.carriers as Row[] | undefined) ?? [];
  const carrierRows = carriers.map((row) => {
    const claims = row.claims as Row;
    return {
      rank: row.rank,
      carrier: row.carrier,
      shipped: row.shipped,
      delivered: row.delivered,
      onTime: rateVsTarget(row.onTimeDeliveryRate, '≥'),
      firstAttempt: rateVsTarget(row.firstAttemptDeliveryRate, '≥'),
      exceptions: rateVsTarget(row.exceptionRate, '≤'),
      damage: rateVsTarget(row.damageRate, '≤'),
      claims: `${String(claims.filed)} filed / ${String(claims.paid)} paid`,
      recovered: rateVsTarget(claims.recoveryRate, '≥'),
      backup: (row.lanesToReconsider as string[]).join(' ') || '–',
    };
  });
  const laneRows = carriers.flatMap((row) =>
    (row.lanes as Row[]).map((lane) => ({
      carrier: row.carrier,
      lane: lane.lane,
      delivered: lane.delivered,
      onTime: rateVsTarget(lane.onTimeDeliveryRate, '≥'),
      firstAttempt: rateVsTarget(lane.firstAttemptDeliveryRate, '≥'),
      exceptions: rateVsTarget(lane.exceptionRate, '≤'),
      p50: duration(lane.transitP50Ms ?? undefined),
      p90: durationVsTarget(lane.transitP90Ms),
      backup: lane.considerBackupCarrier ? 'consider a backup carrier' : '',
    })),
  );
  return [title, table(carrierRows, undefined, `Carriers, best first (${String(report.ranking)})`), table(laneRows, undefined, 'Lanes')].join('\n\n');
}

export function renderSupplierScorecard(title: string, report: Row): string {
  const rows = ((report.suppliers as Row[] | undefined) ?? []).map((row) => ({
    supplierId: row.supplierId,
    cases: row.cases,
    wrongItem: row.wrongItem,
    missingItem: row.missingItem,
    damaged: row.damaged,
    followUps: row.followUps,
    replyRate: percent(row.replyRate),
    replyP50: duration(row.replyP50Ms ?? undefined),
    replyP90: durationVsTarget(row.replyP90Ms),
    escalated: row.escalated,
  }));
  const unmeasured = report.unmeasured as { figures: string[]; reason: string } | undefined;
  return [title, table(rows), `Not measurable (${unmeasured?.reason ?? ''}): ${(unmeasured?.figures ?? []).join(', ')}`].join('\n\n');
}

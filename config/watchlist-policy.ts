import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { parseDuration } from '../domain/durations';
import { CARRIERS } from '../domain/types';
import type { WatchlistPolicy, WatchlistRules } from '../domain/watchlist';
import { ConfigError, formatZodIssues } from './errors';

/**
 * The policy file's `watchlist` section (issue 9 item 3): how often the watchlist runs and the
 * rules per carrier and lane. Validated with the rest of the file (config/sla-policy.ts names the
 * section); resolved here into domain/watchlist.ts's WatchlistPolicy, durations scaled by
 * SLA_TIME_SCALE like every policy duration. A rule set to `false` is off.
 */

const duration = z.string().refine((text) => parseDuration(text) !== undefined, { message: 'must be a duration such as "0m", "30m", "24h" or "1h30m"' });
const positive = z.string().refine((text) => (parseDuration(text) ?? 0) > 0, { message: 'must be a positive duration such as "30m", "24h" or "1h30m"' });
const TIME_OF_DAY = /^([01]\d|2[0-3]):([0-5]\d)$/;
const UTC_OFFSET = /^([+-])(\d{2}):([0-5]\d)$/;

const rules = z.strictObject({
  noFirstScan: z.union([positive, z.literal(false)]).optional(),
  noScanInTransit: z.union([positive, z.literal(false)]).optional(),
  promisedDateGrace: z.union([duration, z.literal(false)]).optional(),
  outForDeliveryCutoff: z.union([z.string().regex(TIME_OF_DAY, 'must be a local time "HH:MM"'), z.literal(false)]).optional(),
  waitingAtPickupPoint: z.union([positive, z.literal(false)]).optional(),
});

export const watchlistSection = z.strictObject({
  interval: positive.default('15m'),
  pageSize: z.number().int().min(1).max(1000).default(200),
  freshnessWindow: positive.default('24h'),
  /** How far back the OMS's shipped orders are read into stored tracking on every run. */
  syncLookback: positive.default('7d'),
  utcOffset: z.string().regex(UTC_OFFSET, 'must be a UTC offset such as "+08:00"').default('+08:00'),
  rules: rules.default({}),
  overrides: z
    .array(
      z
        .strictObject({ carrier: z.enum(CARRIERS).optional(), lane: z.string().min(1).max(64).optional(), rules })
        .refine((o) => o.carrier !== undefined || o.lane !== undefined, { message: 'an override names a carrier, a lane or both' }),
    )
    .max(200)
    .default([]),
});

type RulesText = z.infer<typeof rules>;

/** The defaults when a policy file has no watchlist section, or leaves a rule out. */
const DEFAULT_RULES: RulesText = {
  noFirstScan: '24h',
  noScanInTransit: '48h',
  promisedDateGrace: '0m',
  outForDeliveryCutoff: '21:00',
  waitingAtPickupPoint: '72h',
};

function resolveRules(text: RulesText, scale: number): WatchlistRules {
  // false → null: switched off, also over a broader set that turned it on.
  const ms = (value: string | false | undefined): number | null | undefined =>
    value === undefined ? undefined : value === false ? null : Math.round((parseDuration(value) as number) * scale);
  const resolved: WatchlistRules = {};
  const set = <K extends keyof WatchlistRules>(key: K, value: WatchlistRules[K]) => {
    if (value !== undefined) resolved[key] = value;
  };
  set('noFirstScanMs', ms(text.noFirstScan));
  set('noScanInTransitMs', ms(text.noScanInTransit));
  set('promisedDateGraceMs', ms(text.promisedDateGrace));
  set('waitingAtPickupPointMs', ms(text.waitingAtPickupPoint));
  if (text.outForDeliveryCutoff === false) resolved.outForDeliveryCutoffMinutes = null;
  if (typeof text.outForDeliveryCutoff === 'string') {
    const [h, m] = text.outForDeliveryCutoff.split(':').map(Number);
    resolved.outForDeliveryCutoffMinutes = (h ?? 0) * 60 + (m ?? 0);
  }
  return resolved;
}

/** Resolves the section of a parsed policy document; `source` names it in error messages. */
function resolveWatchlistPolicy(document: unknown, scale: number, source: string): WatchlistPolicy {
  const section = (document as { watchlist?: unknown } | null)?.watchlist ?? {};
  const parsed = watchlistSection.safeParse(section);
  if (!parsed.success) throw new ConfigError(`SLA policy ${source} has an invalid watchlist section:\n${formatZodIssues(parsed.error)}`);
  const w = parsed.data;
  const offset = UTC_OFFSET.exec(w.utcOffset) as RegExpExecArray;
  const scaled = (text: string) => Math.max(1, Math.round((parseDuration(text) as number) * scale));
  // A rule the section leaves out keeps its default; `false` switches it off.
  const defaults = { ...DEFAULT_RULES, ...w.rules };
  return {
    // At least 10 s: a demo scale (SLA_TIME_SCALE 0.001) must not run the watchlist every second.
    intervalMs: Math.max(10_000, scaled(w.interval)),
    pageSize: w.pageSize,
    freshnessWindowMs: scaled(w.freshnessWindow),
    syncLookbackMs: scaled(w.syncLookback),
    utcOffsetMinutes: (offset[1] === '-' ? -1 : 1) * (Number(offset[2]) * 60 + Number(offset[3])),
    defaults: resolveRules(defaults, scale),
    overrides: w.overrides.map((o) => ({
      ...(o.carrier !== undefined ? { carrier: o.carrier } : {}),
      ...(o.lane !== undefined ? { lane: o.lane } : {}),
      rules: resolveRules(o.rules, scale),
    })),
  };
}

export function loadWatchlistPolicy(path: string, scale: number): WatchlistPolicy {
  let document: unknown;
  try {
    document = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    // loadSlaPolicy reads the same file first and reports these problems; this is a backstop.
    throw new ConfigError(`SLA_POLICY_FILE: cannot read ${path}: ${(error as Error).message}`);
  }
  return resolveWatchlistPolicy(document, scale, path);
}

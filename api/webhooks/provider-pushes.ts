import { createHash } from 'node:crypto';
import { carrierOfAftershipSlug, mapAftershipTag } from '../../domain/aftership-tags';
import { carrierOfKuaidi100Com, mapKuaidi100State } from '../../domain/kuaidi100-states';
import type { TrackingEvent } from '../../domain/tracking';
import { jsonTextDepth, MAX_JSON_DEPTH } from '../json-depth';

/**
 * Reads the providers' own push formats into the canonical tracking event. Pure functions over an
 * already-verified body: a push that is not one answers a list of what is wrong (the route turns
 * it into the provider's refusal), never an exception. Unknown codes are not "wrong": they map to
 * Exception/unknown with the raw code kept (domain/kuaidi100-states.ts, domain/aftership-tags.ts).
 */

export type ParsedPush = { ok: true; event: TrackingEvent } | { ok: false; problems: string[] };

/** Waybill numbers as the generic push takes them (api/schemas.ts), so every provider stores alike. */
const WAYBILL = /^[A-Za-z0-9-]{6,40}$/;
const MAX_TEXT = 1000;
const MAX_LOCATION = 200;

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const text = (value: unknown): string | undefined => (typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined);
const clip = (value: string | undefined, max: number): string | undefined => (value === undefined ? undefined : value.slice(0, max));

/** Kuaidi100 times are China local time without a zone: `2024-05-02 11:04:05`. */
function chinaLocalToIso(value: string): string | undefined {
  const m = /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})[ T](\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(value.trim());
  if (m === null) return undefined;
  const pad = (v: string | undefined): string => (v ?? '00').padStart(2, '0');
  const date = new Date(`${m[1]}-${pad(m[2])}-${pad(m[3])}T${pad(m[4])}:${pad(m[5])}:${pad(m[6])}+08:00`);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

/**
 * Kuaidi100 pushes carry no event id: the id is made from what identifies the state reported —
 * waybill, state, the newest scan's ftime and its text — so a resent push (Kuaidi100 resends
 * until answered `result: true`) is recognised, and a new scan or a new state is a new event.
 */
function kuaidi100EventId(waybillNo: string, state: string, newestFtime: string, context: string): string {
  const digest = createHash('sha256').update(`${waybillNo}\n${state}\n${newestFtime}\n${context}`, 'utf8').digest('hex').slice(0, 24);
  return `kd100-${waybillNo}-${state}-${digest}`;
}

interface Kuaidi100Scan {
  time?: string;
  ftime?: string;
  context?: string;
  areaName?: string;
}

/** `param` of a Kuaidi100 subscription push (the JSON string inside the form). */
export function parseKuaidi100Param(param: string, receivedAt: Date): ParsedPush {
  let push: unknown;
  if (jsonTextDepth(param, MAX_JSON_DEPTH) > MAX_JSON_DEPTH) return { ok: false, problems: [`param nests more than ${MAX_JSON_DEPTH} levels deep`] };
  try {
    push = JSON.parse(param);
  } catch {
    return { ok: false, problems: ['param is not valid JSON'] };
  }
  const last = isObject(push) ? push.lastResult : undefined;
  if (!isObject(last)) return { ok: false, problems: ['param.lastResult is missing'] };
  const problems: string[] = [];
  const waybillNo = text(last.nu);
  if (waybillNo === undefined || !WAYBILL.test(waybillNo)) problems.push('lastResult.nu must be a waybill number (6–40 letters, digits or dashes)');
  const state = typeof last.state === 'number' ? String(last.state) : text(last.state);
  if (state === undefined || !/^\d{1,6}$/.test(state)) problems.push('lastResult.state must be a numeric state code');
  const com = text(last.com);
  if (com === undefined) problems.push('lastResult.com must name the carrier');
  if (last.data !== undefined && !Array.isArray(last.data)) problems.push('lastResult.data must be a list of scans');
  if (problems.length > 0 || waybillNo === undefined || state === undefined || com === undefined) return { ok: false, problems };

  const scans: Kuaidi100Scan[] = (Array.isArray(last.data) ? last.data : []).filter(isObject).map((scan) => ({
    time: text(scan.time),
    ftime: text(scan.ftime),
    context: text(scan.context),
    areaName: text(scan.areaName),
  }));
  // Kuaidi100 lists newest first; the newest by ftime wins should a push ever be unordered.
  const newest = scans.reduce<Kuaidi100Scan | undefined>((best, scan) => {
    const when = scan.ftime ?? scan.time ?? '';
    return best === undefined || when > (best.ftime ?? best.time ?? '') ? scan : best;
  }, undefined);
  const ftime = newest?.ftime ?? newest?.time ?? '';
  const occurredAt = chinaLocalToIso(ftime);
  if (ftime !== '' && occurredAt === undefined) return { ok: false, problems: [`the newest scan's ftime "${ftime.slice(0, 40)}" is not a date-time`] };
  const mapped = mapKuaidi100State(state);
  const location = clip(newest?.areaName, MAX_LOCATION);
  const description = clip(newest?.context ?? mapped.name, MAX_TEXT);
  return {
    ok: true,
    event: {
      eventId: kuaidi100EventId(waybillNo, state, ftime, newest?.context ?? ''),
      provider: 'kuaidi100',
      waybillNo,
      carrier: carrierOfKuaidi100Com(com),
      status: mapped.status,
      ...(mapped.subStatus !== undefined ? { subStatus: mapped.subStatus } : {}),
      rawCode: state,
      // A push without scans (a bare state change) happened when it reached us.
      occurredAt: occurredAt ?? receivedAt.toISOString(),
      ...(location !== undefined ? { location } : {}),
      ...(description !== undefined ? { description } : {}),
    },
  };
}

/** An AfterShip `tracking_update` webhook body. */
export function parseAftershipPush(body: unknown, receivedAt: Date): ParsedPush {
  if (!isObject(body)) return { ok: false, problems: ['the body must be a JSON object'] };
  const msg = body.msg;
  const problems: string[] = [];
  const eventId = text(body.event_id);
  if (eventId === undefined || eventId.length > 128) problems.push('event_id must be a string of at most 128 characters');
  if (!isObject(msg)) return { ok: false, problems: [...problems, 'msg is missing'] };
  const waybillNo = text(msg.tracking_number);
  if (waybillNo === undefined || !WAYBILL.test(waybillNo)) problems.push('msg.tracking_number must be a waybill number (6–40 letters, digits or dashes)');
  const slug = text(msg.slug);
  if (slug === undefined) problems.push('msg.slug must name the carrier');
  const tag = text(msg.tag);
  if (tag === undefined) problems.push('msg.tag is missing');
  if (msg.subtag !== undefined && msg.subtag !== null && typeof msg.subtag !== 'string') problems.push('msg.subtag must be a string');
  if (msg.checkpoints !== undefined && msg.checkpoints !== null && !Array.isArray(msg.checkpoints)) problems.push('msg.checkpoints must be a list');
  if (problems.length > 0 || eventId === undefined || waybillNo === undefined || slug === undefined || tag === undefined) return { ok: false, problems };

  const subtag = text(msg.subtag);
  const checkpoints = (Array.isArray(msg.checkpoints) ? msg.checkpoints : []).filter(isObject);
  // AfterShip lists checkpoints oldest first.
  const latest = checkpoints.at(-1);
  const when = [text(latest?.checkpoint_time), text(msg.updated_at)]
    .map((value) => (value === undefined ? NaN : Date.parse(value)))
    .find((ms) => !Number.isNaN(ms));
  const mapped = mapAftershipTag(tag, subtag);
  const location = clip(text(latest?.location) ?? text(latest?.city), MAX_LOCATION);
  const description = clip(text(latest?.message) ?? text(msg.subtag_message) ?? mapped.name, MAX_TEXT);
  return {
    ok: true,
    event: {
      eventId,
      provider: 'aftership',
      waybillNo,
      carrier: carrierOfAftershipSlug(slug),
      status: mapped.status,
      ...(mapped.subStatus !== undefined ? { subStatus: mapped.subStatus } : {}),
      rawCode: subtag ?? tag,
      occurredAt: new Date(when ?? receivedAt.getTime()).toISOString(),
      ...(location !== undefined ? { location } : {}),
      ...(description !== undefined ? { description } : {}),
    },
  };
}

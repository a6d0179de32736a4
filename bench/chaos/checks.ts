/**
 * The chaos run's verdicts, as pure functions of what was collected after the load (driver
 * results, read-model rows, each workflow's own state, audit trails, the simulators' ledger,
 * recovery samples), so they can be checked on made-up data (selfcheck.ts) without a stack.
 * Each check gives a number and the offending case ids (or keys) with the reason.
 */

export interface Offender {
  caseId?: string;
  key?: string;
  detail: string;
}

export interface CheckResult {
  value: number;
  pass: boolean;
  offenders: Offender[];
}

/** What the driver saw of one case. */
export interface RunSummary {
  caseId?: string;
  type: string;
  orderId: string;
  finalStatus?: string;
  error?: string;
  /** The client stopped following the case at its deadline (the case may still end as it should). */
  pastDeadline?: boolean;
}

export interface ReadModelRow {
  caseId: string;
  status: string;
  tier: number;
  version: number;
}

/** The workflow's own view (its query, or its result for the status), or why it could not be read. */
export interface WorkflowState {
  caseId: string;
  executionStatus?: string;
  status?: string;
  tier?: number;
  version?: number;
  error?: string;
}

export interface TrailCheck {
  caseId: string;
  verified: boolean;
  lastKind?: string;
  /** How many events of each kind the trail holds. */
  kinds?: Record<string, number>;
  detail?: string;
}

/** The simulators' ledger entry, as GET /__control/ledger?includeReplays=true answers it. */
export interface LedgerEntryLike {
  seq: number;
  at: string;
  system: string;
  operation: string;
  idempotencyKey?: string;
  replay: boolean;
  status: number;
  request: unknown;
  response: unknown;
}

function result(offenders: Offender[], value = offenders.length): CheckResult {
  return { value, pass: value === 0, offenders };
}

const record = (value: unknown): Record<string, unknown> => (value && typeof value === 'object' ? (value as Record<string, unknown>) : {});
const bodyOf = (entry: LedgerEntryLike) => record(record(entry.request).body);
const responseOf = (entry: LedgerEntryLike) => record(entry.response);

/** Every case ends as its script says: the client answers every survey, so CLOSED. */
export function wrongEndStates(runs: RunSummary[], rows: ReadModelRow[], expected: string): CheckResult {
  const byId = new Map(rows.map((row) => [row.caseId, row]));
  const offenders: Offender[] = [];
  for (const run of runs) {
    if (!run.caseId) {
      offenders.push({ detail: `${run.type} ${run.orderId}: never opened (${run.error ?? 'no case id'})` });
      continue;
    }
    const row = byId.get(run.caseId);
    const status = row?.status ?? run.finalStatus ?? 'missing';
    // A case the client stopped following at its deadline is judged by where it ended (slow is
    // reported by lateCases); any other client error is a wrong end whatever the status.
    const clientFailed = run.error !== undefined && !run.pastDeadline;
    if (status !== expected || clientFailed) {
      offenders.push({
        caseId: run.caseId,
        detail: `${run.type}: read model ${row?.status ?? 'no row'}, client last saw ${run.finalStatus ?? '-'}, expected ${expected}${run.error ? ` (${run.error})` : ''}`,
      });
    }
  }
  return result(offenders);
}

/**
 * Cases that ended as they should, but after the client's deadline: not a wrong end state, and
 * not hidden either — the run reports them (a figure, not a pass/fail check).
 */
export function lateCases(runs: RunSummary[], rows: ReadModelRow[], expected: string): { value: number; offenders: Offender[] } {
  const byId = new Map(rows.map((row) => [row.caseId, row]));
  const offenders: Offender[] = runs
    .filter((run) => run.pastDeadline && run.caseId && byId.get(run.caseId)?.status === expected)
    .map((run) => ({ caseId: run.caseId, detail: `${run.type}: ${expected} after the client's deadline (${run.error ?? ''})`.slice(0, 300) }));
  return { value: offenders.length, offenders };
}

/** A payout that succeeded (FAILED payouts moved no money). */
function paidOut(entry: LedgerEntryLike): boolean {
  return entry.system === 'payments' && entry.operation === 'payout' && !entry.replay && entry.status < 300 && responseOf(entry).status === 'SUCCEEDED';
}

/**
 * Money paid once: at most one successful payout per idempotency key, and per case (each script
 * pays at most one claim or compensation; a second payout for a case under another key is the
 * double payment the issue is about).
 */
export function doublePayouts(ledger: LedgerEntryLike[], maxPerCase = 1): CheckResult {
  const perKey = new Map<string, number>();
  const perCase = new Map<string, LedgerEntryLike[]>();
  for (const entry of ledger.filter(paidOut)) {
    if (entry.idempotencyKey) perKey.set(entry.idempotencyKey, (perKey.get(entry.idempotencyKey) ?? 0) + 1);
    const caseId = String(bodyOf(entry).caseId ?? '?');
    perCase.set(caseId, [...(perCase.get(caseId) ?? []), entry]);
  }
  const offenders: Offender[] = [];
  for (const [key, count] of perKey) if (count > 1) offenders.push({ key, detail: `${count} payouts under one idempotency key` });
  for (const [caseId, entries] of perCase) {
    if (entries.length > maxPerCase) {
      const described = entries.map((e) =>
        `${String(bodyOf(e).amountFen)} fen key ${e.idempotencyKey ?? '-'} (${String(bodyOf(e).reason ?? '')})`.slice(0, 120),
      );
      offenders.push({ caseId, detail: `${entries.length} payouts: ${described.join('; ')}` });
    }
  }
  return result(offenders);
}

const NOTIFICATION_SYSTEMS = ['sms', 'wecom', 'inapp'];

/** Whether a provider accepted the message (a refusal or a rate-limit answer sent nothing). */
function delivered(entry: LedgerEntryLike): boolean {
  if (!NOTIFICATION_SYSTEMS.includes(entry.system) || entry.replay || entry.status >= 300) return false;
  const response = responseOf(entry);
  if (entry.system === 'sms') return response.Code === 'OK';
  if (entry.system === 'wecom') return response.errcode === 0;
  return typeof response.messageId === 'string';
}

/**
 * Notifications once: at most one delivered message per idempotency key. Run with simulators that
 * do not dedupe SMS and WeCom (as the real providers do not), so a repeat by the product shows.
 */
export function doubleNotifications(ledger: LedgerEntryLike[]): CheckResult & { withoutKey: number; delivered: number } {
  const perKey = new Map<string, LedgerEntryLike[]>();
  let withoutKey = 0;
  let count = 0;
  for (const entry of ledger.filter(delivered)) {
    count += 1;
    if (!entry.idempotencyKey) {
      withoutKey += 1;
      continue;
    }
    const scoped = `${entry.system}:${entry.idempotencyKey}`;
    perKey.set(scoped, [...(perKey.get(scoped) ?? []), entry]);
  }
  const offenders: Offender[] = [];
  for (const [key, entries] of perKey) {
    if (entries.length > 1) {
      const caseId = /CASE-\d{8}-[0-9A-Z]{8}/.exec(key)?.[0];
      offenders.push({
        key,
        ...(caseId ? { caseId } : {}),
        detail: `${entries.length} messages delivered (ledger seq ${entries.map((e) => e.seq).join(', ')})`,
      });
    }
  }
  return { ...result(offenders), withoutKey, delivered: count };
}

const WMS_ORDERS = ['reship-order', 'return-order'];

/** WMS orders once: one per key, and at most one reship and one return per case (its order). */
export function doubleWmsOrders(ledger: LedgerEntryLike[], caseIdOfOrder: (orderId: string) => string | undefined, maxPerCase = 1): CheckResult {
  const created = ledger.filter(
    (entry) => entry.system === 'wms' && WMS_ORDERS.includes(entry.operation) && !entry.replay && entry.status < 300 && !responseOf(entry).errorCode,
  );
  const perKey = new Map<string, number>();
  const perCase = new Map<string, LedgerEntryLike[]>();
  for (const entry of created) {
    const scoped = `${entry.operation}:${entry.idempotencyKey ?? '-'}`;
    perKey.set(scoped, (perKey.get(scoped) ?? 0) + 1);
    const orderId = String(bodyOf(entry).orderId ?? '?');
    const scope = `${entry.operation}:${orderId}`;
    perCase.set(scope, [...(perCase.get(scope) ?? []), entry]);
  }
  const offenders: Offender[] = [];
  for (const [key, count] of perKey) if (count > 1) offenders.push({ key, detail: `${count} WMS orders under one key` });
  for (const [scope, entries] of perCase) {
    if (entries.length > maxPerCase) {
      const [operation, orderId] = scope.split(/:(.*)/s) as [string, string];
      const caseId = caseIdOfOrder(orderId);
      offenders.push({
        ...(caseId ? { caseId } : {}),
        key: scope,
        detail: `${entries.length} ${operation}s for order ${orderId} (keys ${entries.map((e) => e.idempotencyKey ?? '-').join(', ')})`,
      });
    }
  }
  return result(offenders);
}

/** The read model's row says what the workflow itself says: status, tier and version. */
export function readModelMismatches(rows: ReadModelRow[], states: WorkflowState[]): CheckResult {
  const byId = new Map(rows.map((row) => [row.caseId, row]));
  const offenders: Offender[] = [];
  for (const state of states) {
    const row = byId.get(state.caseId);
    if (!row) {
      offenders.push({ caseId: state.caseId, detail: 'no read-model row' });
      continue;
    }
    if (state.error) {
      offenders.push({ caseId: state.caseId, detail: `workflow state unreadable: ${state.error}` });
      continue;
    }
    const differences: string[] = [];
    if (state.status !== row.status) differences.push(`status ${row.status} ≠ workflow ${state.status}`);
    if (state.tier !== row.tier) differences.push(`tier ${row.tier} ≠ workflow ${state.tier}`);
    if (state.version !== row.version) differences.push(`version ${row.version} ≠ workflow ${state.version}`);
    if (differences.length) offenders.push({ caseId: state.caseId, detail: `${differences.join('; ')} (execution ${state.executionStatus ?? '?'})` });
  }
  return result(offenders);
}

/** Every audit chain verifies (GET /v1/cases/{id}/history → integrity.verified). */
export function unverifiedChains(trails: TrailCheck[]): CheckResult {
  return result(trails.filter((trail) => !trail.verified).map((trail) => ({ caseId: trail.caseId, detail: trail.detail ?? 'integrity.verified is not true' })));
}

/** Trail events that one client action produces exactly once. */
const ACTION_EVENTS: Record<string, string> = {
  'add-evidence': 'evidence.added',
  'propose-claim': 'claim.proposed',
  feedback: 'feedback.received',
};

/**
 * Actions once: a client's request retried with the same Idempotency-Key (after a time-out or a
 * 5xx) must not take effect twice. Per case, the trail may not hold more events of an action's
 * kind than the client meant to take that action (each intention has a key of its own).
 */
export function duplicateActions(runs: Array<RunSummary & { actions: string[] }>, trails: TrailCheck[]): CheckResult {
  const byId = new Map(trails.map((trail) => [trail.caseId, trail]));
  const offenders: Offender[] = [];
  for (const run of runs) {
    const trail = run.caseId ? byId.get(run.caseId) : undefined;
    if (!trail?.kinds) continue;
    for (const [action, kind] of Object.entries(ACTION_EVENTS)) {
      const meant = run.actions.filter((taken) => taken.endsWith(`:${action}`)).length;
      const happened = trail.kinds[kind] ?? 0;
      // Only actions the client took are judged: a playbook may record the same kind by itself
      // (a LOST case proposes its own claim).
      if (meant > 0 && happened > meant)
        offenders.push({ caseId: run.caseId as string, detail: `${run.type}: ${happened} × ${kind} for ${meant} ${action} request(s)` });
    }
  }
  return result(offenders);
}

export interface RecoverySample {
  killedAt: string;
  /** Seconds from the SIGKILL to the first case event written after it; undefined when none came in the window. */
  seconds?: number;
  workerReadySeconds?: number;
  /**
   * Why this kill's recovery is not judged: no case moved since the previous kill, or too few
   * cases were in flight for the next event to measure anything but their timers.
   */
  notJudged?: string;
}

export function percentile(values: number[], p: number): number | undefined {
  if (!values.length) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/**
 * recoverySeconds: p50 and max over the kills made while cases were in motion; such a kill with no
 * recovery in its window counts as a failure. Kills that are not judged (`notJudged`) are counted
 * apart.
 */
export function recovery(allSamples: RecoverySample[], goalSeconds: number): CheckResult & { p50?: number; max?: number; samples: number; notJudged: number } {
  const samples = allSamples.filter((sample) => sample.notJudged === undefined);
  const seconds = samples.flatMap((sample) => (sample.seconds === undefined ? [] : [sample.seconds]));
  const offenders: Offender[] = samples
    .filter((sample) => sample.seconds === undefined || sample.seconds > goalSeconds)
    .map((sample) => ({
      detail: `kill at ${sample.killedAt}: ${sample.seconds === undefined ? 'no case moved again' : `${sample.seconds.toFixed(1)} s`} (goal ≤ ${goalSeconds} s)`,
    }));
  const round = (value: number | undefined) => (value === undefined ? undefined : Math.round(value * 10) / 10);
  const p50 = round(percentile(seconds, 50));
  const max = round(seconds.length ? Math.max(...seconds) : undefined);
  return {
    ...result(offenders),
    ...(p50 !== undefined ? { p50 } : {}),
    ...(max !== undefined ? { max } : {}),
    samples: samples.length,
    notJudged: allSamples.length - samples.length,
  };
}

export interface ProcessExitLike {
  name: string;
  at: string;
  code: number | null;
  signal: string | null;
  tail: string;
  /** The last line that looked like an error before the exit. */
  errorLine?: string;
}

/** The API, worker or simulators exiting when nobody killed them (they are restarted, but whatever they held is gone). */
export function processCrashes(exits: ProcessExitLike[], allowed = false): CheckResult {
  const offenders = exits.map((exit) => {
    const reason = exit.errorLine ?? /\n(\w*Error[^\n]*)/.exec(exit.tail)?.[1] ?? exit.tail.split('\n').find((line) => /error/i.test(line)) ?? '';
    return { key: exit.name, detail: `${exit.name} exited with ${exit.code ?? exit.signal} at ${exit.at}: ${reason.trim().slice(0, 200)}` };
  });
  return { value: offenders.length, pass: allowed || offenders.length === 0, offenders };
}

import { randomUUID } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';
import { Command, InvalidArgumentError, Option } from 'commander';
import { SingleBar, Presets } from 'cli-progress';
import { ApiClient, ApiError, query } from './client';
import { table, type Row } from './format';
import { renderReport } from './reports';
import { renderStuckCases } from './stuck-cases';
import { addKnowledgeCommands } from './knowledge';
import { promoteVersion, rampVersion } from '../../worker/deployment-version';
import { listVersions, renderVersions, withTemporal, type TemporalTarget } from './versions';

/**
 * The operator CLI: `npm run ops -- <command>`. It talks to the HTTP API with a token (OPS_API_URL,
 * OPS_TOKEN, or --api-url/--token), so it can do exactly what the token's role may do.
 */

const REPORTS = ['sla', 'carriers', 'suppliers', 'satisfaction', 'health', 'agents', 'carrier-scorecard', 'supplier-scorecard'];

interface GlobalOptions {
  apiUrl: string;
  token?: string;
  json?: boolean;
}

function clientOf(program: Command): { api: ApiClient; options: GlobalOptions } {
  const options = program.opts<GlobalOptions>();
  if (!options.token) throw new Error('no token: set OPS_TOKEN or pass --token');
  return { api: new ApiClient({ baseUrl: options.apiUrl, token: options.token }), options };
}

const print = (text: string): void => {
  process.stdout.write(`${text}\n`);
};

function date(value: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) throw new InvalidArgumentError('a date YYYY-MM-DD');
  return value;
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('a whole number ≥ 1');
  return n;
}

/** `key=value` pairs for `cases act`: the value as JSON when it parses, else as text. */
function field(value: string, previous: Record<string, unknown> = {}): Record<string, unknown> {
  const at = value.indexOf('=');
  if (at < 1) throw new InvalidArgumentError('key=value');
  const raw = value.slice(at + 1);
  let parsed: unknown = raw;
  try {
    parsed = JSON.parse(raw);
  } catch {
    // plain text
  }
  return { ...previous, [value.slice(0, at)]: parsed };
}

export function buildProgram(): Command {
  const program = new Command('ops')
    .description('Operator CLI of the case orchestrator (talks to the HTTP API)')
    .addOption(new Option('--api-url <url>', 'API base URL').env('OPS_API_URL').default('http://127.0.0.1:3000'))
    .addOption(new Option('--token <token>', 'bearer token of your role').env('OPS_TOKEN'))
    .option('--json', 'print the API answer as JSON instead of tables')
    .showHelpAfterError();

  const cases = program.command('cases').description('find, inspect and act on cases');

  cases
    .command('list')
    .description('list cases from the read model, newest first')
    .option('--status <status>')
    .option('--type <type>')
    .option('--carrier <carrier>')
    .option('--tier <tier>', 'escalation tier', positiveInt)
    .option('--breached', 'only cases with a breached SLA')
    .option('--assignee <assignee>')
    .option('-q, --q <text>', 'search text (order id, waybill, customer)')
    .option('--limit <n>', 'page size', positiveInt, 20)
    .option('--cursor <cursor>', 'next page (printed after a full page)')
    .action(async (opts: Record<string, string | number | boolean | undefined>) => {
      const { api, options } = clientOf(program);
      const page = await api.json<{ items: Row[]; nextCursor: string | null }>(`/v1/cases${query({ ...opts, ...(opts.breached ? { breached: true } : {}) })}`);
      if (options.json) return print(JSON.stringify(page, null, 2));
      print(table(page.items, ['caseId', 'type', 'status', 'priority', 'tier', 'carrier', 'assignee', 'slaBreached', 'openedAt']));
      if (page.nextCursor) print(`next page: --cursor ${page.nextCursor}`);
    });

  cases
    .command('show')
    .description('one case as the workflow sees it: state, clocks, timeline, allowed actions')
    .argument('<caseId>')
    .action(async (caseId: string) => {
      const { api, options } = clientOf(program);
      const view = await api.json<Row & { clocks?: Row[]; timeline?: Row[]; allowedActions?: string[]; claim?: Row }>(
        `/v1/cases/${encodeURIComponent(caseId)}`,
      );
      if (options.json) return print(JSON.stringify(view, null, 2));
      const facts = [
        'caseId',
        'type',
        'status',
        'priority',
        'tier',
        'assignee',
        'carrier',
        'waybillNo',
        'orderId',
        'region',
        'slaDueAt',
        'slaBreached',
        'openedAt',
        'resolvedAt',
        'closedAt',
      ];
      print(
        table(
          facts.map((key) => ({ field: key, value: view[key] })),
          ['field', 'value'],
        ),
      );
      print(table(view.clocks ?? [], ['name', 'state', 'targetMs', 'elapsedMs', 'dueAt', 'breached'], '\nSLA clocks'));
      print(table((view.timeline ?? []).slice(-15), ['seq', 'at', 'kind', 'summary'], '\nTimeline (latest)'));
      if (view.claim) print(table([view.claim], ['claimId', 'status', 'kind', 'amountFen'], '\nClaim'));
      print(`\nallowed actions: ${(view.allowedActions ?? []).join(', ') || '(none)'}`);
    });

  cases
    .command('stuck')
    .description('cases stuck now: a workflow task failing again and again, or past their own deadline — each with its last failure')
    .action(async () => {
      const { api, options } = clientOf(program);
      const report = await api.json<Row & { cases: Row[]; counts: Row; thresholds: Row }>('/v1/reports/stuck-cases');
      if (options.json) return print(JSON.stringify(report, null, 2));
      print(renderStuckCases(report));
    });

  cases
    .command('act')
    .description('take an action on a case, e.g. `cases act CASE-… note -f text=called the customer`')
    .argument('<caseId>')
    .argument(
      '<action>',
      'note, assign, escalate, set-priority, request-evidence, add-evidence, propose-claim, approve-claim, reject-claim, reship, extend-sla, resolve, reopen, cancel, …',
    )
    .option('-f, --field <key=value>', 'a field of the action (repeatable; JSON values allowed)', field, {})
    .option('--idempotency-key <key>', 'retry-safe key (8–128 visible ASCII characters)')
    .action(async (caseId: string, action: string, opts: { field: Record<string, unknown>; idempotencyKey?: string }) => {
      const { api, options } = clientOf(program);
      const view = await api.json<Row & { allowedActions?: string[] }>(`/v1/cases/${encodeURIComponent(caseId)}/actions`, {
        body: { action, ...opts.field },
        ...(opts.idempotencyKey ? { headers: { 'idempotency-key': opts.idempotencyKey } } : {}),
      });
      if (options.json) return print(JSON.stringify(view, null, 2));
      print(`${action}: done. ${String(view.caseId)} is ${String(view.status)} (tier ${String(view.tier)}, assignee ${String(view.assignee)})`);
      print(`allowed actions: ${(view.allowedActions ?? []).join(', ') || '(none)'}`);
    });

  program
    .command('report')
    .description('a KPI report over a date range in the business time zone, as tables')
    .argument('<name>', REPORTS.join(' | '))
    .requiredOption('--from <date>', 'first day, YYYY-MM-DD', date)
    .requiredOption('--to <date>', 'last day (included), YYYY-MM-DD', date)
    .option('--csv', 'print the report as CSV (the API answer to Accept: text/csv)')
    .action(async (name: string, opts: { from: string; to: string; csv?: boolean }) => {
      if (!REPORTS.includes(name)) throw new InvalidArgumentError(`report must be one of ${REPORTS.join(', ')}`);
      const { api, options } = clientOf(program);
      const path = `/v1/reports/${name}${query({ from: opts.from, to: opts.to })}`;
      if (opts.csv) {
        process.stdout.write(await (await api.request(path, { headers: { accept: 'text/csv' } })).text());
        return;
      }
      const report = await api.json<Row>(path);
      print(options.json ? JSON.stringify(report, null, 2) : renderReport(name, report));
    });

  const incident = program.command('incident').description('incidents: weather, regional control, carrier outages');
  incident
    .command('declare')
    .description('declare an incident and follow it until every matching case is reached')
    .requiredOption('--cause <cause>', 'weather | regional_control | carrier_outage | other')
    .requiredOption('--region <code...>', 'region codes (a prefix matches every area under it)')
    .option('--carrier <carrier...>', 'only these carriers')
    .option('--type <type...>', 'only these exception types')
    .option('--starts-at <iso>', 'start (default: now)')
    .option('--expected-end-at <iso>', 'expected end; delay clocks are extended until then')
    .requiredOption('--message <text>', 'what the customers are told')
    .option('--idempotency-key <key>', 'retry-safe key (default: a new one per declaration)')
    .option('--no-wait', 'return once declared, without following the fan-out')
    .action(
      async (opts: {
        cause: string;
        region: string[];
        carrier?: string[];
        type?: string[];
        startsAt?: string;
        expectedEndAt?: string;
        message: string;
        idempotencyKey?: string;
        wait: boolean;
      }) => {
        const { api, options } = clientOf(program);
        const declared = await api.json<Row>('/v1/incidents', {
          body: {
            cause: opts.cause,
            regions: opts.region,
            ...(opts.carrier ? { carriers: opts.carrier } : {}),
            ...(opts.type ? { types: opts.type } : {}),
            startsAt: opts.startsAt ?? new Date().toISOString(),
            ...(opts.expectedEndAt ? { expectedEndAt: opts.expectedEndAt } : {}),
            message: opts.message,
          },
          headers: { 'idempotency-key': opts.idempotencyKey ?? `ops-${randomUUID()}` },
        });
        const incidentId = String(declared.incidentId);
        if (!options.json) print(`incident ${incidentId} declared`);
        const final = opts.wait ? await followIncident(api, incidentId) : declared;
        print(options.json ? JSON.stringify(final, null, 2) : incidentTable(final));
      },
    );
  incident
    .command('show')
    .description("an incident's progress (matched, reached, notified, failed)")
    .argument('<incidentId>')
    .option('--follow', 'follow with a progress bar until every matching case is reached')
    .action(async (incidentId: string, opts: { follow?: boolean }) => {
      const { api, options } = clientOf(program);
      const shown = opts.follow ? await followIncident(api, incidentId) : await api.json<Row>(`/v1/incidents/${encodeURIComponent(incidentId)}`);
      print(options.json ? JSON.stringify(shown, null, 2) : incidentTable(shown));
    });
  incident
    .command('end')
    .description('end an incident: its cases hear of it and paused clocks resume')
    .argument('<incidentId>')
    .action(async (incidentId: string) => {
      const { api, options } = clientOf(program);
      const ended = await api.json<Row>(`/v1/incidents/${encodeURIComponent(incidentId)}/end`, { method: 'POST' });
      print(options.json ? JSON.stringify(ended, null, 2) : incidentTable(ended));
    });

  const audit = program.command('audit').description('auditor tools');
  audit
    .command('export')
    .description('export every case trail of a date range as NDJSON, verifying each chain')
    .requiredOption('--from <date>', 'first day, YYYY-MM-DD', date)
    .requiredOption('--to <date>', 'last day (included), YYYY-MM-DD', date)
    .option('-o, --out <file>', 'write the NDJSON here (default: stdout, with the summary on stderr)')
    .action(async (opts: { from: string; to: string; out?: string }) => {
      const { api } = clientOf(program);
      const exit = await auditExport(api, opts);
      process.exitCode = exit;
    });

  // The worker's versions live in Temporal, not behind the API: these commands talk to the server.
  const versions = program
    .command('versions')
    .description("the case worker's versions (Temporal Worker Deployment): list, promote, ramp; talks to Temporal directly")
    .addOption(new Option('--temporal-address <host:port>', 'the Temporal frontend').env('TEMPORAL_ADDRESS').default('127.0.0.1:7233'))
    .addOption(new Option('--namespace <namespace>', 'the Temporal namespace').env('TEMPORAL_NAMESPACE').default('default'))
    .addOption(new Option('--deployment <name>', 'the Worker Deployment').env('TEMPORAL_DEPLOYMENT_NAME').default('cases'));
  const target = (): TemporalTarget & { deployment: string } => {
    const opts = versions.opts<{ temporalAddress: string; namespace: string; deployment: string }>();
    return { address: opts.temporalAddress, namespace: opts.namespace, deployment: opts.deployment };
  };
  versions.action(async () => {
    const { deployment, ...temporal } = target();
    const rows = await withTemporal(temporal, (client) => listVersions(client, deployment));
    if (program.opts<GlobalOptions>().json) return print(JSON.stringify(rows, null, 2));
    print(renderVersions(deployment, rows));
  });
  versions
    .command('promote')
    .description('make a version current: new cases start on it; running cases stay on their own version')
    .argument('<buildId>')
    .action(async (buildId: string) => {
      const { deployment, ...temporal } = target();
      await withTemporal(temporal, (client) => promoteVersion(client, { deploymentName: deployment, buildId }, { timeoutMs: 30_000 }));
      print(`${deployment}:${buildId} is current`);
    });
  versions
    .command('ramp')
    .description('send a share of new cases to a version beside the current one (0 ends the ramp)')
    .argument('<buildId>')
    .argument('<percent>', 'share of new cases, 0–100', percentage)
    .action(async (buildId: string, percent: number) => {
      const { deployment, ...temporal } = target();
      await withTemporal(temporal, (client) => rampVersion(client, { deploymentName: deployment, buildId }, percent, { timeoutMs: 30_000 }));
      print(`${deployment}:${buildId} ramping at ${percent}%`);
    });

  addKnowledgeCommands(program, print);

  return program;
}

function percentage(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || n > 100) throw new InvalidArgumentError('a percentage from 0 to 100');
  return n;
}

function incidentTable(incident: Row): string {
  return table([incident], ['incidentId', 'status', 'fanOutComplete', 'matched', 'reached', 'notified', 'failed']);
}

/** Polls the incident with a progress bar until its fan-out is complete and every match reached. */
async function followIncident(api: ApiClient, incidentId: string, intervalMs = 500): Promise<Row> {
  const bar = new SingleBar(
    { format: 'reaching [{bar}] {value}/{total} cases | {notified} notified | {failed} failed', stream: process.stderr, hideCursor: true },
    Presets.shades_classic,
  );
  bar.start(0, 0, { notified: 0, failed: 0 });
  try {
    for (;;) {
      const now = await api.json<Row>(`/v1/incidents/${encodeURIComponent(incidentId)}`);
      const matched = Number(now.matched ?? 0);
      const done = Number(now.reached ?? 0) + Number(now.failed ?? 0);
      bar.setTotal(matched);
      bar.update(done, { notified: now.notified, failed: now.failed });
      if ((now.fanOutComplete && done >= matched) || now.status === 'ended') return now;
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  } finally {
    bar.stop();
  }
}

interface ExportSummary {
  cases: number;
  verified: number;
  failed: number;
  failedCaseIds: string[];
}

/** Streams the export to a file or stdout with a progress bar; 0 when every chain verified, 3 when not. */
async function auditExport(api: ApiClient, opts: { from: string; to: string; out?: string }): Promise<number> {
  const response = await api.request(`/v1/audit/export${query({ from: opts.from, to: opts.to })}`);
  const total = Number(response.headers.get('x-case-count') ?? 0);
  const sink: NodeJS.WritableStream = opts.out ? createWriteStream(opts.out) : process.stdout;
  const report = opts.out ? process.stdout : process.stderr;
  const bar = new SingleBar(
    { format: 'exporting [{bar}] {value}/{total} cases | {failed} failed', stream: process.stderr, hideCursor: true },
    Presets.shades_classic,
  );
  bar.start(total, 0, { failed: 0 });
  const counted: ExportSummary = { cases: 0, verified: 0, failed: 0, failedCaseIds: [] };
  let summary: ExportSummary | undefined;
  const decoder = new TextDecoder();
  let buffered = '';
  const handle = async (line: string) => {
    if (!line) return;
    const record = JSON.parse(line) as Row & { kind: string; integrity?: { verified: boolean } };
    if (record.kind === 'summary') {
      summary = record as unknown as ExportSummary;
      return;
    }
    counted.cases += 1;
    if (record.integrity?.verified) counted.verified += 1;
    else {
      counted.failed += 1;
      counted.failedCaseIds.push(String(record.caseId));
    }
    if (counted.cases > total) bar.setTotal(counted.cases);
    bar.update(counted.cases, { failed: counted.failed });
    if (!sink.write(`${line}\n`)) await new Promise<void>((resolve) => sink.once('drain', () => resolve()));
  };
  if (!response.body) throw new Error('the export answered without a body');
  for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
    buffered += decoder.decode(chunk, { stream: true });
    let newline: number;
    while ((newline = buffered.indexOf('\n')) >= 0) {
      await handle(buffered.slice(0, newline));
      buffered = buffered.slice(newline + 1);
    }
  }
  await handle(buffered + decoder.decode());
  bar.stop();
  if (opts.out) await new Promise<void>((resolve, reject) => (sink as WriteStream).end((error?: Error | null) => (error ? reject(error) : resolve())));

  const say = (text: string) => report.write(`${text}\n`);
  if (!summary) {
    say(`export cut off after ${counted.cases} cases (no summary line): the trail set is incomplete`);
    return 4;
  }
  const serverSummary: ExportSummary = summary;
  say(`audit export ${opts.from} – ${opts.to}: ${counted.cases} cases, ${counted.verified} verified, ${counted.failed} failed`);
  if (serverSummary.cases !== counted.cases || serverSummary.verified !== counted.verified) {
    say(
      `warning: the server counted ${serverSummary.cases} cases / ${serverSummary.verified} verified, the stream held ${counted.cases} / ${counted.verified}`,
    );
  }
  if (counted.failed)
    say(
      table(
        counted.failedCaseIds.map((caseId) => ({ caseId })),
        ['caseId'],
        'chains that did not verify:',
      ),
    );
  return counted.failed ? 3 : 0;
}

export async function main(argv: string[]): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (error) {
    const message = error instanceof ApiError || error instanceof Error ? error.message : String(error);
    process.stderr.write(`error: ${message}\n`);
    process.exitCode = 1;
  }
}

if (require.main === module) void main(process.argv);

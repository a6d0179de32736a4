import { duration, table, type Row } from './format';

/** `cases stuck`: the stuck-cases report (GET /v1/reports/stuck-cases) as an operator reads it. */

type StuckCasesReport = Row & { cases: Row[]; counts: Row; thresholds: Row };

/** Failure texts are long (a nondeterminism error names events); the table keeps one screen wide. */
const FAILURE_COLUMN = 120;

export function renderStuckCases(report: StuckCasesReport): string {
  const rows = report.cases.map((entry) => ({
    ...entry,
    caseId: entry.caseId ?? `(no case) ${String(entry.workflowId)}`,
    since: String(entry.since).replace(/\.\d{3}Z$/, 'Z'),
    lastFailure: oneLine(String(entry.lastFailure)),
  }));
  const heading =
    `stuck cases at ${String(report.generatedAt)}: ${String(report.counts['workflow-task-failing'])} workflow-task-failing, ` +
    `${String(report.counts.overdue)} overdue (task attempts ≥ ${String(report.thresholds.workflowTaskAttempts)}, ` +
    `grace ${duration(report.thresholds.overdueGraceMs)})`;
  return [heading, table(rows, ['caseId', 'type', 'status', 'reason', 'since', 'attempts', 'lastFailure'])].join('\n\n');
}

function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > FAILURE_COLUMN ? `${flat.slice(0, FAILURE_COLUMN - 1)}…` : flat;
}

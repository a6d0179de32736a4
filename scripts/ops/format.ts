import Table from 'cli-table3';

/** Tables for the terminal (cli-table3); nested values flattened, absent ones shown as "–". */

export type Row = Record<string, unknown>;

function cell(value: unknown): string {
  if (value === null || value === undefined) return '–';
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : String(Math.round(value * 10_000) / 10_000);
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** Column headers print as the path's last part ("components.csat.score" → "csat"), "Ms" dropped. */
function label(path: string): string {
  const parts = path.split('.');
  const last = parts[parts.length - 1] === 'score' && parts.length > 1 ? parts[parts.length - 2] : parts[parts.length - 1];
  return (last ?? path).replace(/Ms$/, '');
}

export function table(rows: readonly Row[], columns?: readonly string[], title?: string): string {
  const heads = columns ?? [...new Set(rows.flatMap((row) => Object.keys(row)))];
  const out = new Table({ head: heads.map(label), style: { head: [], border: [] } });
  for (const row of rows) out.push(heads.map((column) => cell(pick(row, column))));
  return `${title ? `${title}\n` : ''}${rows.length ? out.toString() : '(none)'}`;
}

/** A dotted path into a row: "components.csat.score". */
function pick(row: Row, path: string): unknown {
  return path.split('.').reduce<unknown>((value, key) => (value && typeof value === 'object' ? (value as Row)[key] : undefined), row);
}

/** Milliseconds as a short duration: 90 000 → "1m30s". */
export function duration(ms: unknown): string {
  if (typeof ms !== 'number' || ms === 0) return ms === 0 ? '0' : '–';
  const seconds = Math.round(ms / 1000);
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  return [h ? `${h}h` : '', m ? `${m}m` : '', s || (!h && !m) ? `${s}s` : ''].join('');
}

export function percent(ratio: unknown): string {
  return typeof ratio === 'number' ? `${Math.round(ratio * 1000) / 10}%` : '–';
}

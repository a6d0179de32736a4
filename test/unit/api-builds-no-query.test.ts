import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/**
 * Routes call services, services call the store: SQL lives in store/, and api/ builds no query.
 * A query builder call or a transaction opened anywhere under api/, or a value imported from
 * kysely (its types are fine: a service may hold a `Transaction` a store function hands it), fails
 * this test with the file and line; the query belongs in a store/ function that api/ calls.
 * `npm run lint:layers` (.dependency-cruiser.cjs, `api-builds-no-query`) holds the import half too.
 */

const ROOT = join(__dirname, '..', '..');

const QUERY_CALLS: ReadonlyArray<{ what: string; pattern: RegExp }> = [
  { what: 'selectFrom(', pattern: /\bselectFrom\s*\(/ },
  { what: 'insertInto(', pattern: /\binsertInto\s*\(/ },
  { what: 'updateTable(', pattern: /\bupdateTable\s*\(/ },
  { what: 'deleteFrom(', pattern: /\bdeleteFrom\s*\(/ },
  { what: 'sql`', pattern: /\bsql\s*(<[^>]*>)?\s*`/ },
  { what: '.transaction(', pattern: /\.transaction\s*\(/ },
];

/** Every `import … from 'kysely'` (or `export … from`), and any require / dynamic import of it. */
const KYSELY_IMPORT = /\b(import|export)\s+([^;]*?)\s*from\s*['"]kysely['"]/g;
const KYSELY_LOADED = /\b(require|import)\s*\(\s*['"]kysely['"]\s*\)/;

/** An import clause that brings in types only: `type {…}`, `type X`, or braces of `type …` names. */
function importsTypesOnly(clause: string): boolean {
  const trimmed = clause.trim();
  if (/^type\b/.test(trimmed)) return true;
  const braces = /^\{([\s\S]*)\}$/.exec(trimmed);
  if (!braces) return false;
  const names = (braces[1] ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  return names.length > 0 && names.every((name) => /^type\s/.test(name));
}

/** What in one file's text builds a query or loads kysely's values, as "line: what". */
function queriesIn(text: string): string[] {
  const found: string[] = [];
  const lines = text.split('\n');
  lines.forEach((line, index) => {
    for (const { what, pattern } of QUERY_CALLS) if (pattern.test(line)) found.push(`${index + 1}: ${what}`);
    if (KYSELY_LOADED.test(line)) found.push(`${index + 1}: kysely loaded at run time`);
  });
  for (const match of text.matchAll(KYSELY_IMPORT)) {
    if (!importsTypesOnly(match[2] ?? '')) {
      const line = text.slice(0, match.index).split('\n').length;
      found.push(`${line}: kysely imported for values (${match[0].replace(/\s+/g, ' ')})`);
    }
  }
  return found;
}

function typeScriptFilesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return typeScriptFilesUnder(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

describe('the check itself', () => {
  it.each([
    ["await db.selectFrom('cases').selectAll().execute();", '1: selectFrom('],
    ["db.insertInto('cases')", '1: insertInto('],
    ["  .updateTable('idempotency_keys')", '1: updateTable('],
    ["trx.deleteFrom('cases')", '1: deleteFrom('],
    ['await sql`select 1`.execute(db);', '1: sql`'],
    ['const n = sql<number>`count(*)`;', '1: sql`'],
    ['return db.transaction().execute(async (trx) => trx);', '1: .transaction('],
    ["import { sql } from 'kysely';", "1: kysely imported for values (import { sql } from 'kysely')"],
    ["import { sql, type Kysely } from 'kysely';", "1: kysely imported for values (import { sql, type Kysely } from 'kysely')"],
    ["import {\n  Kysely,\n} from 'kysely';", "1: kysely imported for values (import { Kysely, } from 'kysely')"],
    ["const { sql } = require('kysely');", '1: kysely loaded at run time'],
  ])('finds %j', (text, expected) => {
    expect(queriesIn(text)).toContain(expected);
  });

  it.each([
    "import type { Transaction } from 'kysely';",
    "import { type Transaction, type Kysely } from 'kysely';",
    "import type { Db } from '../store/database';",
    "await listCases(db, filter); // reads through store/read-model.ts (kysely's builder lives there)",
    'const selected = cases.filter((c) => c.selected);',
  ])('lets %j pass', (text) => {
    expect(queriesIn(text)).toEqual([]);
  });
});

describe('api/', () => {
  const files = typeScriptFilesUnder(join(ROOT, 'api'));

  it('has TypeScript files to check', () => {
    expect(files.length).toBeGreaterThan(10);
  });

  it('builds no query: its SQL lives in store/', () => {
    const offences = files.flatMap((file) => queriesIn(readFileSync(file, 'utf8')).map((found) => `${relative(ROOT, file)}:${found}`));
    expect(offences).toEqual([]);
  });
});

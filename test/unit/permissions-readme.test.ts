import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ACTION_ROLES, ENDPOINTS, permissionTableMarkdown } from '../../api/permissions';

/** The README prints the permission matrix; it must say what the code does. */

const README = join(__dirname, '../../README.md');

function readmeMatrix(): string {
  const text = readFileSync(README, 'utf8');
  const match = /<!-- permission-matrix:start -->\n([\s\S]*?)\n<!-- permission-matrix:end -->/.exec(text);
  if (!match) throw new Error('README.md has no <!-- permission-matrix:start --> … <!-- permission-matrix:end --> block');
  return match[1] as string;
}

test('the README’s permission tables are the ones the code generates', () => {
  // On a difference, paste the output of:
  //   npx tsx -e "console.log(require('./api/permissions').permissionTableMarkdown())"
  expect(readmeMatrix()).toBe(permissionTableMarkdown());
});

test('the tables have a row per endpoint and per case action', () => {
  const rows = readmeMatrix()
    .split('\n')
    .filter((line) => line.startsWith('| `'));
  expect(rows).toHaveLength(ENDPOINTS.length + Object.keys(ACTION_ROLES).length);
  expect(rows).toContain('| `POST /v1/customers/{customerId}/erasure` | — | — | ✓ | — | — |');
  expect(rows).toContain('| `cancel` | — | ✓ | ✓ | — | — |');
});

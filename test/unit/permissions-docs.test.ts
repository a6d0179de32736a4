import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ACTION_ROLES, ENDPOINTS, permissionTableMarkdown } from '../../api/permissions';

/** The agents' guide (docs/agents.md) prints the permission matrix; it must say what the code does. */

const AGENTS_GUIDE = join(__dirname, '../../docs/agents.md');

function guideMatrix(): string {
  const text = readFileSync(AGENTS_GUIDE, 'utf8');
  const match = /<!-- permission-matrix:start -->\n([\s\S]*?)\n<!-- permission-matrix:end -->/.exec(text);
  if (!match) throw new Error('docs/agents.md has no <!-- permission-matrix:start --> … <!-- permission-matrix:end --> block');
  return match[1] as string;
}

test('the agents’ guide’s permission tables are the ones the code generates', () => {
  // On a difference, paste the output of:
  //   npx tsx -e "console.log(require('./api/permissions').permissionTableMarkdown())"
  expect(guideMatrix()).toBe(permissionTableMarkdown());
});

test('the tables have a row per endpoint and per case action', () => {
  const rows = guideMatrix()
    .split('\n')
    .filter((line) => line.startsWith('| `'));
  expect(rows).toHaveLength(ENDPOINTS.length + Object.keys(ACTION_ROLES).length);
  expect(rows).toContain('| `POST /v1/customers/{customerId}/erasure` | — | — | ✓ | — | — |');
  expect(rows).toContain('| `cancel` | — | ✓ | ✓ | — | — |');
});

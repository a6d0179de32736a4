import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

/**
 * The README and docs/ are read in the repository, offline, on any machine: every link must land
 * on a file of the repository and, when it names a section, on a heading that exists. A link that
 * leaves the repository (other than the stack's own local addresses) is refused.
 */

const ROOT = join(__dirname, '..', '..');
const PAGES = [
  'README.md',
  ...readdirSync(join(ROOT, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => `docs/${name}`),
];

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens. */
function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{Letter}\p{Number}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

function headingsOf(file: string): Set<string> {
  const text = readFileSync(file, 'utf8').replace(/```[\s\S]*?```/g, '');
  return new Set([...text.matchAll(/^#{1,6} (.+)$/gm)].map((match) => slug(match[1] as string)));
}

function linksOf(file: string): string[] {
  const text = readFileSync(file, 'utf8')
    .replace(/```[\s\S]*?```/g, '')
    .replace(/`[^`\n]*`/g, '');
  return [...text.matchAll(/\]\(([^)\s]+)\)/g)].map((match) => match[1] as string);
}

describe.each(PAGES)('%s', (page) => {
  const file = join(ROOT, page);

  test('links only to the local stack or to files of the repository', () => {
    const outside = linksOf(file).filter((target) => /^[a-z]+:/i.test(target) && !/^https?:\/\/(127\.0\.0\.1|localhost)[:/]/.test(target));
    expect(outside).toEqual([]);
  });

  test('every file and section it links to exists', () => {
    const broken = linksOf(file)
      .filter((target) => !/^[a-z]+:/i.test(target))
      .filter((target) => {
        const [path, anchor] = target.split('#') as [string, string | undefined];
        const targetFile = path === '' ? file : resolve(dirname(file), path);
        if (!targetFile.startsWith(ROOT) || !existsSync(targetFile)) return true;
        return anchor !== undefined && targetFile.endsWith('.md') && !headingsOf(targetFile).has(anchor);
      })
      .map((target) => `${relative(ROOT, file)} → ${target}`);
    expect(broken).toEqual([]);
  });
});

import { CARRIERS, EXCEPTION_TYPES, type Carrier, type ExceptionType } from '../../domain/types';

/**
 * A knowledge article as it is written under knowledge/ (docs/knowledge.md): a small front matter
 * between `---` lines, then the Markdown body. The front matter is `key: value` lines; a list is
 * written `[a, b, c]`. Pure parsing, so the loader, the tests and the docs agree on one format.
 */

export const ARTICLE_KINDS = ['carrier-standard', 'claims-process', 'regional-traits', 'faq', 'script'] as const;
export type ArticleKind = (typeof ARTICLE_KINDS)[number];

export const ARTICLE_ID_PATTERN = /^[a-z0-9][a-z0-9-]{1,79}$/;

export interface ArticleSource {
  id: string;
  kind: ArticleKind;
  title: string;
  tags: string[];
  body: string;
  /** Scripts: the case type and the guidance step they serve, and the channel they are written for. */
  caseType?: ExceptionType;
  step?: string;
  channel?: string;
  /** The carrier an article is about (carrier standards, claims processes). */
  carrier?: Carrier;
  /** Area-code prefixes (2-digit provinces, 4-digit cities) a regional article is about. */
  regions?: string[];
}

function listOf(value: string): string[] {
  const inner = value.startsWith('[') && value.endsWith(']') ? value.slice(1, -1) : value;
  return inner
    .split(',')
    .map((item) => item.trim().replace(/^['"]|['"]$/g, ''))
    .filter((item) => item.length > 0);
}

/** Parses one article file; throws with the file's name and the problem when it is malformed. */
export function parseArticle(text: string, fileName: string): ArticleSource {
  const match = /^---\r?\n([\s\S]*?)\r?\n---\r?\n?([\s\S]*)$/.exec(text);
  if (!match) throw new Error(`${fileName}: no front matter (--- … ---) at the top`);
  const fields = new Map<string, string>();
  for (const line of (match[1] as string).split(/\r?\n/)) {
    if (line.trim() === '' || line.trim().startsWith('#')) continue;
    const at = line.indexOf(':');
    if (at < 1) throw new Error(`${fileName}: front matter line "${line}" is not key: value`);
    fields.set(line.slice(0, at).trim(), line.slice(at + 1).trim());
  }
  const need = (key: string): string => {
    const value = fields.get(key);
    if (!value) throw new Error(`${fileName}: front matter lacks ${key}`);
    return value.replace(/^['"]|['"]$/g, '');
  };
  const id = need('id');
  if (!ARTICLE_ID_PATTERN.test(id)) throw new Error(`${fileName}: id "${id}" must be lower-case letters, digits and dashes`);
  const kind = need('kind') as ArticleKind;
  if (!ARTICLE_KINDS.includes(kind)) throw new Error(`${fileName}: kind must be one of ${ARTICLE_KINDS.join(', ')}`);
  const body = (match[2] as string).trim();
  if (body.length === 0) throw new Error(`${fileName}: empty body`);
  const article: ArticleSource = { id, kind, title: need('title'), tags: listOf(fields.get('tags') ?? ''), body };
  const caseType = fields.get('caseType');
  if (caseType !== undefined) {
    if (!(EXCEPTION_TYPES as readonly string[]).includes(caseType)) throw new Error(`${fileName}: caseType must be one of ${EXCEPTION_TYPES.join(', ')}`);
    article.caseType = caseType as ExceptionType;
  }
  const carrier = fields.get('carrier');
  if (carrier !== undefined) {
    if (!(CARRIERS as readonly string[]).includes(carrier)) throw new Error(`${fileName}: carrier must be one of ${CARRIERS.join(', ')}`);
    article.carrier = carrier as Carrier;
  }
  const step = fields.get('step');
  if (step !== undefined) article.step = step;
  const channel = fields.get('channel');
  if (channel !== undefined) article.channel = channel;
  const regions = fields.get('regions');
  if (regions !== undefined) article.regions = listOf(regions);
  if (kind === 'script' && (!article.step || !article.caseType)) throw new Error(`${fileName}: a script needs caseType and step`);
  return article;
}

const PLACEHOLDER = /\{\{\s*([A-Za-z][A-Za-z0-9]*)\s*\}\}/g;

/** The placeholders a script uses, e.g. `customerName` for `{{customerName}}`. */
export function placeholdersOf(text: string): string[] {
  return [...new Set([...text.matchAll(PLACEHOLDER)].map((m) => m[1] as string))];
}

/**
 * A script with its placeholders filled from `facts`; a placeholder without a fact becomes the
 * `fallback` text, so a filled script never shows `{{…}}` to a customer.
 */
export function fillScript(text: string, facts: Readonly<Record<string, string | undefined>>, fallback = '（待确认）'): string {
  let filled = text.replace(PLACEHOLDER, (_whole, name: string) => {
    const value = facts[name];
    return value === undefined || value === '' ? fallback : value.replace(/\{\{|\}\}/g, '');
  });
  // A fact next to template text could still spell a placeholder: those become the fallback too.
  while (placeholdersOf(filled).length > 0) filled = filled.replace(PLACEHOLDER, fallback);
  return filled;
}

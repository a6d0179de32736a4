import { readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { loadArticles, type LoadResult } from '../../store/knowledge';
import type { Db } from '../../store/database';
import { parseArticle, type ArticleSource } from './article';

/** Where the articles live in the repository: knowledge/<kind>/<id>.md (docs/knowledge.md). */
const KNOWLEDGE_DIR = resolve(__dirname, '..', '..', 'knowledge');

/** Every article file under `dir`, parsed; a malformed file or a duplicate id fails the whole read. */
export async function readArticleFiles(dir = KNOWLEDGE_DIR): Promise<Array<{ file: string; text: string; article: ArticleSource }>> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const files = entries
    .filter((entry) => entry.isFile() && entry.name.endsWith('.md') && entry.name !== 'README.md')
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
  const out: Array<{ file: string; text: string; article: ArticleSource }> = [];
  const seen = new Map<string, string>();
  for (const path of files) {
    const text = await readFile(path, 'utf8');
    const file = path.slice(dir.length + 1);
    const article = parseArticle(text, file);
    const twin = seen.get(article.id);
    if (twin) throw new Error(`${file}: id ${article.id} is also used by ${twin}`);
    seen.set(article.id, file);
    out.push({ file, text, article });
  }
  return out;
}

/** Reads knowledge/ and loads it into PostgreSQL (idempotent; see loadArticles for the rule). */
export async function loadKnowledge(db: Db, options: { dir?: string; force?: boolean } = {}): Promise<LoadResult> {
  return loadArticles(db, await readArticleFiles(options.dir), options.force ? { force: true } : {});
}

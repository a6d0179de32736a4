import { createHash } from 'node:crypto';
import { sql, type ColumnType, type Generated, type Kysely } from 'kysely';
import type { ArticleKind, ArticleSource } from '../api/knowledge/article';
import { queryWords, segmentedText } from './knowledge-words';
import type { Db } from './database';

/**
 * The knowledge base's tables (migration 0080, docs/knowledge.md): the current article and every
 * version of it. Files under knowledge/ are loaded with `loadArticles`; experts edit through
 * `editArticle` (optimistic concurrency on `version`). Searches run on the segmented text's
 * tsvector ('simple' configuration), ranked title > tags > body.
 */

type KnowledgeArticlesTable = {
  id: string;
  kind: string;
  title: string;
  body: string;
  tags: string[];
  case_type: string | null;
  step: string | null;
  meta: Record<string, unknown>;
  version: number;
  updated_by: string;
  updated_at: Date;
  uses: Generated<number>;
  source_file: string | null;
  source_hash: string | null;
  tokens: string;
  search: ColumnType<string, unknown, unknown>;
};

type KnowledgeArticleVersionsTable = {
  article_id: string;
  version: number;
  title: string;
  body: string;
  tags: string[];
  source: string;
  updated_by: string;
  updated_at: Date;
};

type KnowledgeTables = {
  knowledge_articles: KnowledgeArticlesTable;
  knowledge_article_versions: KnowledgeArticleVersionsTable;
};

type KnowledgeDb = Kysely<KnowledgeTables>;
const tablesOf = (db: Db): KnowledgeDb => db.withTables<KnowledgeTables>() as unknown as KnowledgeDb;

interface ArticleMeta {
  carrier?: string;
  regions?: string[];
  channel?: string;
}

export interface Article {
  id: string;
  kind: ArticleKind;
  title: string;
  body: string;
  tags: string[];
  caseType?: string;
  step?: string;
  meta: ArticleMeta;
  version: number;
  updatedBy: string;
  updatedAt: string;
  uses: number;
}

export interface ArticleVersion {
  version: number;
  title: string;
  body: string;
  tags: string[];
  source: 'file' | 'api';
  updatedBy: string;
  updatedAt: string;
}

/** The searchable text: title and tags weigh more than the body. */
function searchVector(title: string, tags: readonly string[], body: string) {
  return sql`setweight(to_tsvector('simple', ${segmentedText(title)}), 'A') || setweight(to_tsvector('simple', ${segmentedText(tags.join(' '))}), 'B') || setweight(to_tsvector('simple', ${segmentedText(body)}), 'C')`;
}

type ArticleRow = Omit<KnowledgeArticlesTable, 'uses' | 'search'> & { uses: number };

function articleOf(row: ArticleRow): Article {
  return {
    id: row.id,
    kind: row.kind as ArticleKind,
    title: row.title,
    body: row.body,
    tags: row.tags,
    ...(row.case_type ? { caseType: row.case_type } : {}),
    ...(row.step ? { step: row.step } : {}),
    meta: row.meta as ArticleMeta,
    version: row.version,
    updatedBy: row.updated_by,
    updatedAt: new Date(row.updated_at).toISOString(),
    uses: row.uses,
  };
}

const hashOf = (text: string): string => createHash('sha256').update(text).digest('hex');

export interface LoadResult {
  created: string[];
  updated: string[];
  unchanged: string[];
  /** Files that changed while an expert's edit is the current version: left as the expert wrote them. */
  conflicts: string[];
}

function metaOf(article: ArticleSource): ArticleMeta {
  return {
    ...(article.carrier ? { carrier: article.carrier } : {}),
    ...(article.regions ? { regions: article.regions } : {}),
    ...(article.channel ? { channel: article.channel } : {}),
  };
}

/**
 * Loads articles read from files. Per file: unknown id → version 1; same content as last loaded →
 * nothing; changed content → a new version, unless the current version is an expert's API edit,
 * which is never overwritten silently: the file is reported as a conflict and skipped, unless
 * `force` (then the file's text becomes the next version; the expert's stays in the history).
 */
export async function loadArticles(
  db: Db,
  files: ReadonlyArray<{ file: string; text: string; article: ArticleSource }>,
  options: { force?: boolean } = {},
): Promise<LoadResult> {
  const result: LoadResult = { created: [], updated: [], unchanged: [], conflicts: [] };
  // One load at a time (every API process loads at start): the second waits, then finds the rows.
  await tablesOf(db)
    .transaction()
    .execute(async (trx) => {
      await sql`SELECT pg_advisory_xact_lock(hashtext('knowledge_articles load'))`.execute(trx);
      for (const { file, text, article } of files) {
        const hash = hashOf(text);
        const current = await trx.selectFrom('knowledge_articles').selectAll().where('id', '=', article.id).forUpdate().executeTakeFirst();
        if (current && current.source_hash === hash) {
          result.unchanged.push(article.id);
          continue;
        }
        const editedByExpert = current !== undefined && current.source_file === null;
        if (editedByExpert && !options.force) {
          result.conflicts.push(article.id);
          continue;
        }
        const version = (current?.version ?? 0) + 1;
        const by = `file:${file}`;
        const row = {
          kind: article.kind,
          title: article.title,
          body: article.body,
          tags: article.tags,
          case_type: article.caseType ?? null,
          step: article.step ?? null,
          meta: JSON.stringify(metaOf(article)) as unknown as Record<string, unknown>,
          version,
          updated_by: by,
          updated_at: new Date(),
          source_file: file,
          source_hash: hash,
          tokens: segmentedText(`${article.title} ${article.tags.join(' ')} ${article.body}`),
          search: searchVector(article.title, article.tags, article.body),
        };
        if (current) {
          await trx.updateTable('knowledge_articles').set(row).where('id', '=', article.id).execute();
          result.updated.push(article.id);
        } else {
          await trx
            .insertInto('knowledge_articles')
            .values({ id: article.id, ...row })
            .execute();
          result.created.push(article.id);
        }
        await trx
          .insertInto('knowledge_article_versions')
          .values({
            article_id: article.id,
            version,
            title: article.title,
            body: article.body,
            tags: article.tags,
            source: 'file',
            updated_by: by,
            updated_at: new Date(),
          })
          .execute();
      }
      // A change of segmentation (store/knowledge-words.ts) re-indexes what is stored, whoever
      // wrote it, without a new version: the text is the same, only its words are cut anew.
      const stored = await trx.selectFrom('knowledge_articles').select(['id', 'title', 'tags', 'body', 'tokens']).execute();
      for (const row of stored) {
        const tokens = segmentedText(`${row.title} ${row.tags.join(' ')} ${row.body}`);
        if (tokens === row.tokens) continue;
        await trx
          .updateTable('knowledge_articles')
          .set({ tokens, search: searchVector(row.title, row.tags, row.body) })
          .where('id', '=', row.id)
          .execute();
      }
    });
  return result;
}

export interface SearchQuery {
  q?: string;
  kind?: string;
  caseType?: string;
  limit: number;
}

export interface SearchHit {
  article: Article;
  rank: number;
  words: string[];
}

/** Ranked search: any query word matches (OR); more words, and words in the title, rank higher. */
export async function searchArticles(db: Db, query: SearchQuery): Promise<SearchHit[]> {
  const words = query.q ? queryWords(query.q) : [];
  const tsquery = words.map((word) => `'${word}'`).join(' | ');
  let select = tablesOf(db)
    .selectFrom('knowledge_articles')
    .selectAll()
    .select(tsquery ? sql<number>`ts_rank(search, to_tsquery('simple', ${tsquery}), 1)`.as('rank') : sql<number>`0`.as('rank'));
  if (tsquery) select = select.where(sql<boolean>`search @@ to_tsquery('simple', ${tsquery})`);
  if (query.kind) select = select.where('kind', '=', query.kind);
  if (query.caseType) select = select.where((eb) => eb.or([eb('case_type', '=', query.caseType as string), eb('case_type', 'is', null)]));
  const rows = await select.orderBy('rank', 'desc').orderBy('id').limit(query.limit).execute();
  const uses = await usesOf(
    db,
    rows.map((row) => row.id),
  );
  return rows.map((row) => ({ article: { ...articleOf(row), uses: uses.get(row.id) ?? 0 }, rank: Number(row.rank), words }));
}

/** How many replies were sent with each script: `reply.sent` events in the audit trail naming it. */
async function usesOf(db: Db, ids: readonly string[]): Promise<Map<string, number>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .selectFrom('case_events')
    .select([sql<string>`data->>'scriptId'`.as('script_id'), sql<number>`count(*)::int`.as('uses')])
    .where('kind', '=', 'reply.sent')
    .where(sql<string>`data->>'scriptId'`, 'in', ids)
    .groupBy(sql`data->>'scriptId'`)
    .execute();
  return new Map(rows.map((row) => [row.script_id, Number(row.uses)]));
}

export async function getArticle(db: Db, id: string): Promise<(Article & { history: ArticleVersion[] }) | undefined> {
  const row = await tablesOf(db).selectFrom('knowledge_articles').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) return undefined;
  const history = await tablesOf(db).selectFrom('knowledge_article_versions').selectAll().where('article_id', '=', id).orderBy('version', 'desc').execute();
  const uses = (await usesOf(db, [id])).get(id) ?? 0;
  if (uses !== row.uses) await tablesOf(db).updateTable('knowledge_articles').set({ uses }).where('id', '=', id).execute();
  return {
    ...articleOf(row),
    uses,
    history: history.map((version) => ({
      version: version.version,
      title: version.title,
      body: version.body,
      tags: version.tags,
      source: version.source as 'file' | 'api',
      updatedBy: version.updated_by,
      updatedAt: new Date(version.updated_at).toISOString(),
    })),
  };
}

/** Articles for guidance: scripts of a step, and the reference articles matching a case. */
export async function articlesWhere(db: Db, filter: { kinds?: readonly string[]; caseType?: string; step?: string }): Promise<Article[]> {
  let select = tablesOf(db).selectFrom('knowledge_articles').selectAll();
  if (filter.kinds) select = select.where('kind', 'in', [...filter.kinds]);
  if (filter.caseType) select = select.where('case_type', '=', filter.caseType);
  if (filter.step) select = select.where('step', '=', filter.step);
  return (await select.orderBy('id').limit(200).execute()).map(articleOf);
}

export type EditOutcome = { kind: 'edited'; article: Article } | { kind: 'not-found' } | { kind: 'conflict'; currentVersion: number };

/**
 * An expert's edit: applies only when `version` is the current one (else `conflict`), makes the
 * next version, and marks the article as edited through the API, so a later file load does not
 * overwrite it silently.
 */
export async function editArticle(
  db: Db,
  id: string,
  edit: { version: number; title?: string; body?: string; tags?: string[] },
  by: string,
): Promise<EditOutcome> {
  return tablesOf(db)
    .transaction()
    .execute(async (trx): Promise<EditOutcome> => {
      const current = await trx.selectFrom('knowledge_articles').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
      if (!current) return { kind: 'not-found' };
      if (current.version !== edit.version) return { kind: 'conflict', currentVersion: current.version };
      const title = edit.title ?? current.title;
      const body = edit.body ?? current.body;
      const tags = edit.tags ?? current.tags;
      const version = current.version + 1;
      const at = new Date();
      const row = await trx
        .updateTable('knowledge_articles')
        .set({
          title,
          body,
          tags,
          version,
          updated_by: by,
          updated_at: at,
          source_file: null,
          tokens: segmentedText(`${title} ${tags.join(' ')} ${body}`),
          search: searchVector(title, tags, body),
        })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirstOrThrow();
      await trx
        .insertInto('knowledge_article_versions')
        .values({ article_id: id, version, title, body, tags, source: 'api', updated_by: by, updated_at: at })
        .execute();
      return { kind: 'edited', article: articleOf(row) };
    });
}

import { sql, type Kysely } from 'kysely';

/**
 * The knowledge base (docs/knowledge.md): articles loaded from knowledge/ and edited by experts,
 * every version kept. `tokens` is the segmented text (store/knowledge-words.ts) and `search` its
 * weighted tsvector under the 'simple' configuration: title A, tags B, body C. `uses` counts the
 * replies sent with a script, read from the audit trail (`reply.sent` events carrying `scriptId`);
 * the partial index below serves that count.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations run on the schema as it was
type AnyDb = Kysely<any>;

export async function up(db: AnyDb): Promise<void> {
  await db.schema
    .createTable('knowledge_articles')
    .addColumn('id', 'text', (col) => col.primaryKey())
    .addColumn('kind', 'text', (col) => col.notNull())
    .addColumn('title', 'text', (col) => col.notNull())
    .addColumn('body', 'text', (col) => col.notNull())
    .addColumn('tags', sql`text[]`, (col) => col.notNull().defaultTo(sql`'{}'`))
    .addColumn('case_type', 'text')
    .addColumn('step', 'text')
    .addColumn('meta', 'jsonb', (col) => col.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('version', 'integer', (col) => col.notNull())
    .addColumn('updated_by', 'text', (col) => col.notNull())
    .addColumn('updated_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('uses', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('source_file', 'text')
    .addColumn('source_hash', 'text')
    .addColumn('tokens', 'text', (col) => col.notNull())
    .addColumn('search', sql`tsvector`, (col) => col.notNull())
    .execute();
  await sql`CREATE INDEX knowledge_articles_search ON knowledge_articles USING gin (search)`.execute(db);
  await sql`CREATE INDEX knowledge_articles_step ON knowledge_articles (case_type, step) WHERE kind = 'script'`.execute(db);
  await db.schema
    .createTable('knowledge_article_versions')
    .addColumn('article_id', 'text', (col) => col.notNull().references('knowledge_articles.id').onDelete('cascade'))
    .addColumn('version', 'integer', (col) => col.notNull())
    .addColumn('title', 'text', (col) => col.notNull())
    .addColumn('body', 'text', (col) => col.notNull())
    .addColumn('tags', sql`text[]`, (col) => col.notNull())
    .addColumn('source', 'text', (col) => col.notNull())
    .addColumn('updated_by', 'text', (col) => col.notNull())
    .addColumn('updated_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('knowledge_article_versions_pk', ['article_id', 'version'])
    .execute();
  await sql`CREATE INDEX case_events_reply_script ON case_events ((data->>'scriptId')) WHERE kind = 'reply.sent'`.execute(db);
}

export async function down(db: AnyDb): Promise<void> {
  await sql`DROP INDEX IF EXISTS case_events_reply_script`.execute(db);
  await db.schema.dropTable('knowledge_article_versions').execute();
  await db.schema.dropTable('knowledge_articles').execute();
}

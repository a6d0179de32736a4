import { Router } from 'express';
import { z } from 'zod';
import { EXCEPTION_TYPES } from '../../domain/types';
import type { Db } from '../../store/database';
import { editArticle, getArticle, searchArticles } from '../../store/knowledge';
import { principalOf } from '../auth';
import { ARTICLE_ID_PATTERN, ARTICLE_KINDS } from '../knowledge/article';
import { loadKnowledge } from '../knowledge/files';
import { snippetOf } from '../../store/knowledge-words';
import { allow } from '../permissions';
import { HttpProblem, parseOrThrow } from '../problem';

/**
 * The knowledge base (`/v1/knowledge`, docs/knowledge.md): search in Chinese, read an article with
 * its history, and (experts) edit one. The articles under knowledge/ are loaded when the router is
 * created, i.e. at API start; requests wait for that load.
 */

export const knowledgeSearchQuery = z.strictObject({
  q: z.string().trim().min(1).max(200).optional(),
  kind: z.enum(ARTICLE_KINDS, { error: `must be one of ${ARTICLE_KINDS.join(', ')}` }).optional(),
  caseType: z.enum(EXCEPTION_TYPES, { error: `must be one of ${EXCEPTION_TYPES.join(', ')}` }).optional(),
  limit: z.coerce.number().int().min(1).max(50).default(10),
});

export const knowledgeEditBody = z
  .strictObject({
    version: z.number().int().min(1).meta({ description: 'The version the edit is based on; another current version → 409' }),
    title: z.string().trim().min(1).max(200).optional(),
    body: z.string().trim().min(1).max(20_000).optional(),
    tags: z.array(z.string().trim().min(1).max(40)).max(20).optional(),
  })
  .refine((edit) => edit.title !== undefined || edit.body !== undefined || edit.tags !== undefined, { message: 'change at least one of title, body, tags' });

function articleIdParam(value: string | string[] | undefined): string {
  const id = Array.isArray(value) ? value[0] : value;
  if (!id || !ARTICLE_ID_PATTERN.test(id)) throw new HttpProblem(404, 'Article not found', `No article ${id ?? ''}`);
  return id;
}

export function knowledgeRouter(db: Db, log: (message: string, error?: unknown) => void): Router {
  const router = Router();
  const loaded = loadKnowledge(db).then(
    (result) => {
      if (result.conflicts.length > 0) log(`knowledge: files changed under an expert's edit, not loaded: ${result.conflicts.join(', ')}`);
    },
    (error: unknown) => log('knowledge: loading knowledge/ failed; serving what the database holds', error),
  );

  router.get('/', allow('GET /v1/knowledge'), async (req, res) => {
    const query = parseOrThrow(knowledgeSearchQuery, req.query, 'query string');
    await loaded;
    const hits = await searchArticles(db, {
      limit: query.limit,
      ...(query.q ? { q: query.q } : {}),
      ...(query.kind ? { kind: query.kind } : {}),
      ...(query.caseType ? { caseType: query.caseType } : {}),
    });
    res.json({
      items: hits.map(({ article, rank, words }) => ({
        articleId: article.id,
        kind: article.kind,
        title: article.title,
        tags: article.tags,
        ...(article.caseType ? { caseType: article.caseType } : {}),
        ...(article.step ? { step: article.step } : {}),
        version: article.version,
        uses: article.uses,
        rank,
        snippet: snippetOf(article.body, words),
      })),
    });
  });

  router.get('/:articleId', allow('GET /v1/knowledge/{articleId}'), async (req, res) => {
    const id = articleIdParam(req.params.articleId);
    await loaded;
    const article = await getArticle(db, id);
    if (!article) throw new HttpProblem(404, 'Article not found', `No article ${id}`);
    const { id: articleId, ...rest } = article;
    res.json({ articleId, ...rest });
  });

  router.post('/:articleId', allow('POST /v1/knowledge/{articleId}'), async (req, res) => {
    const id = articleIdParam(req.params.articleId);
    const edit = parseOrThrow(knowledgeEditBody, req.body);
    await loaded;
    const outcome = await editArticle(db, id, edit, principalOf(req).id);
    if (outcome.kind === 'not-found') throw new HttpProblem(404, 'Article not found', `No article ${id}`);
    if (outcome.kind === 'conflict') {
      throw new HttpProblem(409, 'Version conflict', `The article is at version ${outcome.currentVersion}; reload it and edit that version`, {
        currentVersion: outcome.currentVersion,
      });
    }
    const { id: articleId, ...rest } = outcome.article;
    res.json({ articleId, ...rest });
  });

  return router;
}

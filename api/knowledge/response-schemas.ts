import { z } from 'zod';
import { EXCEPTION_TYPES } from '../../domain/types';
import { ARTICLE_KINDS } from './article';

/** What the knowledge endpoints answer, for the OpenAPI document (api/openapi.ts). */

const instant = z.string().meta({ format: 'date-time' });

export const knowledgeSearchResponse = z
  .looseObject({
    items: z.array(
      z.looseObject({
        articleId: z.string(),
        kind: z.enum(ARTICLE_KINDS),
        title: z.string(),
        tags: z.array(z.string()),
        caseType: z.enum(EXCEPTION_TYPES).optional(),
        step: z.string().optional(),
        version: z.number().int(),
        uses: z.number().int().meta({ description: 'Replies sent with this script (reply actions carrying its scriptId)' }),
        rank: z.number(),
        snippet: z.string().meta({ description: 'An excerpt around the first matching word; matches marked 【】' }),
      }),
    ),
  })
  .meta({ id: 'KnowledgeSearch', description: 'Articles ranked by relevance: title > tags > body matches' });

const article = {
  articleId: z.string(),
  kind: z.enum(ARTICLE_KINDS),
  title: z.string(),
  body: z.string().meta({ description: 'Markdown; scripts hold {{placeholders}}' }),
  tags: z.array(z.string()),
  caseType: z.string().optional(),
  step: z.string().optional(),
  meta: z.looseObject({}),
  version: z.number().int(),
  updatedBy: z.string(),
  updatedAt: instant,
  uses: z.number().int(),
};

export const knowledgeArticleResponse = z.looseObject(article).meta({ id: 'KnowledgeArticle' });

export const knowledgeArticleWithHistoryResponse = z
  .looseObject({
    ...article,
    history: z.array(
      z.looseObject({
        version: z.number().int(),
        title: z.string(),
        body: z.string(),
        tags: z.array(z.string()),
        source: z.enum(['file', 'api']),
        updatedBy: z.string(),
        updatedAt: instant,
      }),
    ),
  })
  .meta({ id: 'KnowledgeArticleWithHistory', description: 'The current version and every version, newest first' });

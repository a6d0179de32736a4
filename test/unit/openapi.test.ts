import type { Client } from '@temporalio/client';
import type { Express } from 'express';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { createApp } from '../../api/app';
import { openApiDocument } from '../../api/openapi';
import { ENDPOINTS } from '../../api/permissions';
import { loadConfig } from '../../config';
import type { Db } from '../../store/database';

/**
 * The OpenAPI document is valid OpenAPI 3.1 and describes exactly the routes the express app
 * registers — read from the app's router, not from a list kept by hand.
 */

interface Layer {
  route?: { path: string; methods: Record<string, boolean> };
  handle: { stack?: Layer[] };
  rawPath?: string | string[];
}

/** Every `METHOD /path` the app routes, mounted prefixes included, as OpenAPI paths (`/{caseId}`). */
function registeredRoutes(app: Express): string[] {
  const found: string[] = [];
  const walk = (stack: Layer[], prefix: string) => {
    for (const layer of stack) {
      if (layer.route) {
        for (const [method, on] of Object.entries(layer.route.methods)) {
          if (!on || method === '_all') continue;
          const path = `${prefix}${layer.route.path === '/' ? '' : layer.route.path}` || '/';
          found.push(`${method.toUpperCase()} ${path.replace(/:([A-Za-z]+)/g, '{$1}')}`);
        }
      } else if (layer.handle.stack) {
        const mount = typeof layer.rawPath === 'string' && layer.rawPath !== '/' ? layer.rawPath : '';
        walk(layer.handle.stack, `${prefix}${mount}`);
      }
    }
  };
  walk((app as unknown as { router: { stack: Layer[] } }).router.stack, '');
  return [...new Set(found)].sort();
}

function documentedRoutes(): string[] {
  const paths = openApiDocument().paths ?? {};
  return Object.entries(paths)
    .flatMap(([path, item]) =>
      Object.keys(item as object)
        .filter((key) => ['get', 'post', 'put', 'patch', 'delete'].includes(key))
        .map((method) => `${method.toUpperCase()} ${path}`),
    )
    .sort();
}

describe('the OpenAPI document', () => {
  const app = createApp({
    // With the UI's secret codec paths, so every route the app can serve is registered.
    config: loadConfig({ APP_PROFILE: 'dev', CODEC_UI_SECRET: 'openapi-test-secret-0123456789abcdef' }),
    // Never called: the test only reads how the app is routed.
    db: {} as Db,
    temporal: {} as Client,
    log: () => undefined,
  });

  it('is valid OpenAPI 3.1 (a validator of the specification’s JSON schema says so)', () => {
    const validator = require.resolve('@seriousme/openapi-schema-validator');
    const out = execFileSync(process.execPath, [join(__dirname, '../helpers/openapi-validate.mjs'), validator], { input: JSON.stringify(openApiDocument()) });
    expect(JSON.parse(out.toString('utf8'))).toEqual({ valid: true, version: '3.1', errors: null });
  });

  it('lists every route the app serves, and no route it does not', () => {
    const served = registeredRoutes(app);
    expect(served.length).toBeGreaterThan(15);
    expect(documentedRoutes()).toEqual(served);
  });

  it('describes each endpoint of the permission matrix, and the matrix names each route', () => {
    expect(ENDPOINTS.map((endpoint) => `${endpoint.method} ${endpoint.path}`).sort()).toEqual(registeredRoutes(app));
  });

  it('documents the request body of every write endpoint and its 400 problem', () => {
    const paths = openApiDocument().paths ?? {};
    for (const [path, item] of Object.entries(paths)) {
      const post = (item as { post?: { requestBody?: unknown; responses: Record<string, { content?: Record<string, unknown> }> } }).post;
      if (!post || path.endsWith('/end')) continue;
      expect({ path, body: Boolean(post.requestBody) }).toEqual({ path, body: true });
      // Kuaidi100 reads only its own answer shape, refusals included ({result: false, returnCode, message}).
      const own = path === '/v1/webhooks/tracking/kuaidi100';
      expect({ path, problem: Object.keys(post.responses['400']?.content ?? {}) }).toEqual({
        path,
        problem: [own ? 'application/json' : 'application/problem+json'],
      });
    }
  });

  it('answers every bearer endpoint’s 401, 403 and 429 with the problem schema', () => {
    const paths = openApiDocument().paths ?? {};
    const caseGet = (paths['/v1/cases/{caseId}'] as { get: { responses: Record<string, { content: Record<string, { schema: unknown }> }> } }).get;
    for (const status of ['401', '403', '429', '404']) {
      expect(caseGet.responses[status]?.content['application/problem+json']?.schema).toEqual({ $ref: '#/components/schemas/Problem' });
    }
    expect(caseGet.responses['200']?.content['application/json']?.schema).toEqual({ $ref: '#/components/schemas/CaseView' });
  });
});

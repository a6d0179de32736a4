import { dirname } from 'node:path';
import express, { Router } from 'express';
import { openApiDocument } from '../openapi';

/**
 * `GET /v1/openapi.json` (the document) and `GET /docs` (Swagger UI). The UI's scripts and styles
 * come from the swagger-ui-dist package on this server, never a CDN: the docs work offline and the
 * Content-Security-Policy can stay `script-src 'self'` (no inline script: the start-up code is
 * /docs/init.js).
 */

const ASSETS = dirname(require.resolve('swagger-ui-dist/package.json'));

const PAGE = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <title>Case orchestrator API</title>
    <link rel="stylesheet" href="/docs/swagger-ui.css">
    <link rel="icon" type="image/png" href="/docs/favicon-32x32.png" sizes="32x32">
  </head>
  <body>
    <div id="swagger-ui"></div>
    <script src="/docs/swagger-ui-bundle.js"></script>
    <script src="/docs/init.js"></script>
  </body>
</html>
`;

const INIT = `window.addEventListener('load', function () {
  window.ui = SwaggerUIBundle({
    url: '/v1/openapi.json',
    dom_id: '#swagger-ui',
    deepLinking: true,
    docExpansion: 'list',
    validatorUrl: null,
    tryItOutEnabled: false,
  });
});
`;

export function docsRouter(): Router {
  const router = Router();
  router.get('/v1/openapi.json', (_req, res) => {
    res.set('cache-control', 'no-cache').json(openApiDocument());
  });
  router.get('/docs', (_req, res) => {
    res.type('html').send(PAGE);
  });
  // Assets are middleware, not routes: only the files the page loads, from swagger-ui-dist (its
  // index.html and petstore initializer stay unserved), and the start-up script above.
  router.use(
    '/docs',
    (req, res, next) => {
      if (req.path === '/init.js') {
        res.type('application/javascript').send(INIT);
        return;
      }
      if (!/^\/(swagger-ui\.css|swagger-ui-bundle\.js|favicon-(16x16|32x32)\.png)$/.test(req.path)) {
        next('router');
        return;
      }
      next();
    },
    express.static(ASSETS, { index: false, maxAge: '1h' }),
  );
  return router;
}

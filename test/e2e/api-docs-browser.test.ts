import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import { chromium, type Browser } from 'playwright-core';
import { createApp } from '../../api/app';
import { openApiDocument } from '../../api/openapi';
import { loadConfig } from '../../config';
import type { Db } from '../../store/database';

/**
 * `/docs` in a real browser (Debian's chromium, driven by playwright-core): the page renders every
 * endpoint of the OpenAPI document, loads nothing from anywhere but this server (no CDN), and runs
 * under the API's Content-Security-Policy without a violation. A screenshot is left in
 * API_DOCS_SCREENSHOT (default: the temp folder) for a person to look at.
 */

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SCREENSHOT = process.env.API_DOCS_SCREENSHOT ?? join(tmpdir(), 'api-docs.png');

let server: Server;
let url: string;
let browser: Browser;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (.ci/run does it)`);
  // The docs need no database or Temporal: the app is built with neither.
  const app = createApp({ config: loadConfig({ APP_PROFILE: 'dev' }), db: {} as Db, temporal: {} as Client, log: () => undefined });
  server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
  });
});
afterAll(async () => {
  await browser?.close();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
});

test('/docs lists every endpoint of the document, with assets from this server only', async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 2400 } });
  const requested: string[] = [];
  const problems: string[] = [];
  page.on('request', (request) => requested.push(request.url()));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(error.message));

  const response = await page.goto(`${url}/docs`, { waitUntil: 'networkidle' });
  expect(response?.status()).toBe(200);
  await page.waitForSelector('.opblock', { timeout: 30_000 });

  const listed = await page.$$eval('.opblock', (blocks) =>
    blocks.map((block) => {
      const method = block.querySelector('.opblock-summary-method')?.textContent?.trim() ?? '';
      const path = block.querySelector('.opblock-summary-path')?.getAttribute('data-path') ?? '';
      return `${method} ${path}`;
    }),
  );
  const documented = Object.entries(openApiDocument().paths ?? {}).flatMap(([path, item]) =>
    Object.keys(item as object)
      .filter((key) => ['get', 'post'].includes(key))
      .map((method) => `${method.toUpperCase()} ${path}`),
  );
  expect([...listed].sort()).toEqual([...documented].sort());
  expect(await page.textContent('.info .title')).toContain('Case orchestrator for logistics exceptions');

  await page.screenshot({ path: SCREENSHOT, fullPage: false });
  expect(requested.filter((address) => !address.startsWith(url))).toEqual([]);
  expect(problems).toEqual([]);
});

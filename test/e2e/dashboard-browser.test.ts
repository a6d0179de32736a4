import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { EAST, insertDashboardFixture } from '../helpers/dashboard-fixture';
import { startTestStack, TOKENS, type TestStack } from '../helpers/test-stack';

/**
 * `/dashboard` in a real browser (Debian's chromium, driven by playwright-core), over the
 * hand-made fixture of test/helpers/dashboard-fixture.ts: a supervisor signs in, the KPI cards and
 * every chart have data (read from ECharts' own option), a filter changes the charts, the list of
 * cases at risk links to the Temporal UI; an agent's token is refused. The page loads nothing from
 * anywhere but this server, runs under the API's Content-Security-Policy without a violation, and
 * never puts the token in a URL. A screenshot is left in DASHBOARD_SCREENSHOT (default
 * .data/dashboard.png) for a person to look at.
 */

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SCREENSHOT = process.env.DASHBOARD_SCREENSHOT ?? join(__dirname, '..', '..', '.data', 'dashboard.png');
const CHARTS = ['chart-flow', 'chart-sla', 'chart-csat', 'chart-exceptions', 'chart-freshness'];

let stack: TestStack;
let browser: Browser;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (.ci/run does it)`);
  stack = await startTestStack({ inProcessWorker: false });
  // May 2022: the integration test of the endpoint has the same fixture in 2021, in the same database.
  await insertDashboardFixture(stack.db, 2022);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
  });
});
afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

/** Per chart: its series' names and how many points (non-null values) each has, as ECharts holds them. */
async function chartPoints(page: Page): Promise<Record<string, Array<{ name: string; points: number; data: unknown[] }>>> {
  return page.evaluate((ids) => {
    // In the page: the DOM's and ECharts' globals (this file is compiled without the DOM's types).
    const page = globalThis as unknown as BrowserGlobals;
    return Object.fromEntries(
      ids.map((id) => {
        const option = page.echarts.getInstanceByDom(page.document.getElementById(id)).getOption();
        return [id, option.series.map((s) => ({ name: s.name, data: s.data, points: s.data.filter((v) => v !== null && v !== undefined).length }))];
      }),
    );
  }, CHARTS);
}

/** What the tests read of the page's globals. */
interface BrowserGlobals {
  echarts: { getInstanceByDom(element: unknown): { getOption(): { series: Array<{ name: string; data: unknown[] }> } } };
  document: {
    getElementById(id: string): unknown;
    querySelector(selector: string): { textContent: string | null } | null;
    body: { getAttribute(name: string): string | null };
  };
  location: { search: string };
  sessionStorage: { length: number };
}

async function signIn(page: Page, token: string): Promise<void> {
  await page.fill('#token', token);
  await page.click('#sign-in-form button[type=submit]');
}

test('a supervisor signs in and sees the KPI cards, every chart with points, a filter changing them, and the cases at risk', async () => {
  const page = await browser.newPage({ viewport: { width: 1440, height: 1900 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  const requested: string[] = [];
  const problems: string[] = [];
  page.on('request', (request) => requested.push(request.url()));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(error.message));

  const response = await page.goto(`${stack.apiUrl}/dashboard?from=2022-05-10&to=2022-05-11`, { waitUntil: 'networkidle' });
  expect(response?.status()).toBe(200);
  expect(response?.headers()['content-security-policy']).toContain("script-src 'self'");
  expect(await page.getAttribute('html', 'lang')).toBe('zh-CN');
  expect(await page.isVisible('#sign-in')).toBe(true);
  expect(await page.isVisible('#who')).toBe(false);

  await signIn(page, TOKENS.supervisor);
  await page.waitForSelector('body[data-loaded]');
  expect(await page.isVisible('#board')).toBe(true);
  expect(await page.isVisible('#sign-in')).toBe(false);

  // Eleven cards, each with a value and its target (or "no target") and a trend.
  const cards = await page.$$eval('.kpi', (nodes) =>
    nodes.map((node) => ({
      key: node.getAttribute('data-kpi'),
      value: node.querySelector('.value')?.textContent,
      target: node.querySelector('.target')?.textContent,
      trend: node.querySelector('.trend')?.textContent,
    })),
  );
  expect(cards).toHaveLength(11);
  expect(cards.find((card) => card.key === 'cases')).toMatchObject({ value: '5', target: '无目标 (no target)', trend: '较上期 ↑ 4' });
  expect(cards.find((card) => card.key === 'csat')?.value).toBe('66.7%');
  expect(cards.find((card) => card.key === 'damageRate')).toMatchObject({ value: '142.90‰', target: '目标 ≤ 1.00‰ · 未达标' });
  expect(cards.find((card) => card.key === 'firstResponseP50Ms')?.value).toBe('10 分钟');

  // Every chart has at least one series, and every series at least one point.
  const all = await chartPoints(page);
  for (const id of CHARTS) {
    expect({ id, series: all[id]?.length ?? 0 }).toEqual({ id, series: expect.any(Number) });
    expect(all[id]?.length).toBeGreaterThan(0);
    for (const series of all[id] ?? []) expect({ id, series: series.name, points: series.points > 0 }).toEqual({ id, series: series.name, points: true });
  }
  expect(all['chart-flow']?.map((s) => s.name)).toEqual(['新建·延误', '新建·丢件', '新建·破损', '结案·丢件', '结案·破损']);
  expect(all['chart-csat']?.[0]?.data).toEqual([50, 100]);

  // The cases at risk, each linked to its workflow in the Temporal UI.
  const rows = await page.$$eval('#at-risk tbody tr', (trs) =>
    trs.map((tr) => ({ id: tr.getAttribute('data-case'), href: tr.querySelector('a')?.getAttribute('href') })),
  );
  expect(rows.length).toBeGreaterThan(0);
  for (const row of rows) expect(row.href).toContain(`/workflows/${row.id}`);

  // A filter: carrier SF and the run's EAST region narrow the charts.
  await page.selectOption('#carrier', 'SF');
  await page.selectOption('#region', EAST);
  await page.click('#filters button[type=submit]');
  await page.waitForFunction(() => {
    const { location, document } = globalThis as unknown as BrowserGlobals;
    return new URLSearchParams(location.search).get('carrier') === 'SF' && document.querySelector('.kpi[data-kpi=cases] .value')?.textContent === '2';
  });
  const filtered = await chartPoints(page);
  expect(filtered['chart-flow']?.map((s) => [s.name, s.data])).toEqual([
    ['新建·延误', [1, 0]],
    ['新建·破损', [1, 0]],
    ['结案·破损', [1, 0]],
  ]);
  expect(filtered['chart-exceptions']?.map((s) => s.name)).toEqual(['顺丰速运']);
  expect(filtered).not.toEqual(all);
  expect(await page.$$eval('#at-risk tbody tr', (trs) => trs.map((tr) => tr.getAttribute('data-case')))).toHaveLength(1);

  mkdirSync(dirname(SCREENSHOT), { recursive: true });
  // The unfiltered view for the screenshot.
  await page.selectOption('#carrier', '');
  await page.selectOption('#region', '');
  await page.click('#filters button[type=submit]');
  await page.waitForFunction(() => (globalThis as unknown as BrowserGlobals).document.querySelector('.kpi[data-kpi=cases] .value')?.textContent === '5');
  await page.screenshot({ path: SCREENSHOT, fullPage: true });

  expect(requested.filter((address) => !address.startsWith(stack.apiUrl))).toEqual([]);
  expect(requested.filter((address) => address.includes(TOKENS.supervisor))).toEqual([]);
  expect(problems).toEqual([]);
  await page.close();
});

test('an agent’s token is refused with a clear message, and nothing is drawn', async () => {
  const page = await browser.newPage();
  await page.goto(`${stack.apiUrl}/dashboard?from=2022-05-10&to=2022-05-11`);
  await signIn(page, TOKENS.agent);
  await page.waitForSelector('#message:not([hidden])');
  expect(await page.textContent('#message')).toContain('403');
  expect(await page.textContent('#message')).toContain('仅主管、专家和审计员');
  expect(await page.isVisible('#board')).toBe(false);
  expect(await page.isVisible('#sign-in')).toBe(true);
  expect(await page.isVisible('#who')).toBe(false);
  // The refused token is not kept.
  expect(await page.evaluate(() => (globalThis as unknown as BrowserGlobals).sessionStorage.length)).toBe(0);
  await page.close();
});

import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadKnowledge } from '../../api/knowledge/files';
import { CASE_ACTION_NAMES } from '../../domain/case-actions';
import { eventually, openCaseBody, startTestStack, type TestStack } from '../helpers/test-stack';

/**
 * The knowledge base on real parts (docs/knowledge.md): the API loads knowledge/ at start; a Chinese
 * query finds the right article first; an expert's edit makes the next version with its history,
 * an agent's is refused, a stale version conflicts; a file load never overwrites an expert's edit
 * silently; and GET /v1/cases/{caseId} carries guidance with a filled script and the carrier's
 * articles.
 */

let stack: TestStack;
type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any -- tests read arbitrary JSON

const search = (query: string) => stack.api('agent', `/v1/knowledge?${query}`);

beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.stop();
});

test('a Chinese query finds the right article first, with a snippet; filters narrow it; a bad query is refused', async () => {
  const found = await eventually(
    () => search(`q=${encodeURIComponent('顺丰 理赔 时效')}`),
    (answer) => answer.status === 200 && answer.body.items.length > 0,
    { what: 'knowledge loaded' },
  );
  expect(found.body.items[0]).toMatchObject({ articleId: 'sf-claims', kind: 'claims-process' });
  expect(found.body.items[0].snippet).toMatch(/【(顺丰|理赔|时效)】/);
  const ranks = found.body.items.map((item: Json) => item.rank);
  expect([...ranks].sort((a, b) => b - a)).toEqual(ranks);

  const driver = await search(`q=${encodeURIComponent('货拉拉司机联系不上')}&kind=carrier-standard`);
  expect(driver.body.items[0].articleId).toBe('huolala-standard');
  expect(driver.body.items.every((item: Json) => item.kind === 'carrier-standard')).toBe(true);

  const photos = await search(`q=${encodeURIComponent('破损 照片')}&caseType=DAMAGED&kind=script`);
  expect(photos.body.items[0].articleId).toBe('script-damaged-evidence');

  for (const bad of ['kind=poem', 'caseType=LATE', 'q=', 'limit=0', `q=${'x'.repeat(201)}`, 'other=1']) {
    const refused = await search(bad);
    expect([bad, refused.status]).toEqual([bad, 400]);
  }
  expect((await stack.api(null, '/v1/knowledge?q=x')).status).toBe(401);
  expect((await stack.api('auditor', '/v1/knowledge/sf-standard')).status).toBe(200);
  expect((await stack.api('agent', '/v1/knowledge/no-such-article')).status).toBe(404);
});

test('experts edit: the next version with who and when; agents may not; a stale version conflicts; a file load keeps the edit', async () => {
  const before = (await stack.api('agent', '/v1/knowledge/jd-claims')).body;
  expect(before.history).toHaveLength(before.version);

  const edit = { version: before.version, body: `${before.body}\n\n- 补充：大件拒收需司机签字。`, tags: [...before.tags, '拒收'] };
  expect((await stack.api('agent', '/v1/knowledge/jd-claims', { body: edit })).status).toBe(403);
  expect((await stack.api('expert', '/v1/knowledge/jd-claims', { body: { version: before.version } })).status).toBe(400);

  const edited = await stack.api('expert', '/v1/knowledge/jd-claims', { body: edit });
  expect(edited.status).toBe(200);
  expect(edited.body).toMatchObject({ articleId: 'jd-claims', version: before.version + 1, tags: edit.tags });

  const after = (await stack.api('agent', '/v1/knowledge/jd-claims')).body;
  expect(after.version).toBe(before.version + 1);
  expect(after.history).toHaveLength(before.version + 1);
  expect(after.history[0]).toMatchObject({ version: before.version + 1, source: 'api', updatedBy: edited.body.updatedBy });
  expect(after.history[1]).toMatchObject({ version: before.version, body: before.body });

  const stale = await stack.api('expert', '/v1/knowledge/jd-claims', { body: { version: before.version, title: '旧版本上的修改' } });
  expect(stale.status).toBe(409);
  expect(stale.body.currentVersion).toBe(before.version + 1);

  // Loading the unchanged files again changes nothing; a changed file does not overwrite the
  // expert's edit unless forced, and then becomes the next version.
  expect((await loadKnowledge(stack.db)).unchanged).toContain('jd-claims');
  const dir = await mkdtemp(join(tmpdir(), 'knowledge-'));
  try {
    const original = await readFile(join(__dirname, '..', '..', 'knowledge', 'claims', 'jd-claims.md'), 'utf8');
    await writeFile(join(dir, 'jd-claims.md'), `${original}\n文件里的新段落。\n`);
    const kept = await loadKnowledge(stack.db, { dir });
    expect(kept.conflicts).toEqual(['jd-claims']);
    expect((await stack.api('agent', '/v1/knowledge/jd-claims')).body.version).toBe(before.version + 1);
    const forced = await loadKnowledge(stack.db, { dir, force: true });
    expect(forced.updated).toEqual(['jd-claims']);
    const reloaded = (await stack.api('agent', '/v1/knowledge/jd-claims')).body;
    expect(reloaded.version).toBe(before.version + 2);
    expect(reloaded.history[0].source).toBe('file');
    // Back to the repository's text, as the next API start would do.
    expect((await loadKnowledge(stack.db)).updated).toContain('jd-claims');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('GET /v1/cases/{caseId} carries guidance: the step, the actions, a filled script and the carrier’s articles', async () => {
  const opened = await stack.api('agent', '/v1/cases', { body: openCaseBody({ carrier: 'SF', region: '440300' }) });
  expect(opened.status).toBe(201);
  const caseId = String(opened.body.caseId);
  const shown = await eventually(
    () => stack.api('agent', `/v1/cases/${caseId}`),
    (answer) => answer.status === 200 && answer.body.guidance?.step === 'delayed.urge-carrier',
    { what: `${caseId} urging the carrier` },
  );
  const { guidance, allowedActions } = shown.body;
  expect(guidance.summary).toContain('顺丰');
  for (const action of guidance.actions) expect(allowedActions).toContain(action);
  expect(guidance.script.articleId).toBe('script-delayed-urge');
  expect(guidance.script.text).toContain('张三汽修');
  expect(guidance.script.text).toContain(String(shown.body.waybillNo));
  expect(guidance.script.text).not.toMatch(/\{\{/);
  expect(guidance.articles.map((article: Json) => article.articleId)).toEqual(expect.arrayContaining(['sf-standard', 'region-south-typhoon']));
});

test('a damaged parcel’s guidance asks for the photos with the damage script and the carrier’s claims process', async () => {
  const opened = await stack.api('agent', '/v1/cases', { body: openCaseBody({ type: 'DAMAGED', carrier: 'JD', region: '650102', description: '保险杠开裂' }) });
  expect(opened.status).toBe(201);
  const caseId = String(opened.body.caseId);
  const shown = await eventually(
    () => stack.api('supervisor', `/v1/cases/${caseId}`),
    (answer) => answer.status === 200 && answer.body.guidance?.step === 'damaged.collect-evidence',
    { what: `${caseId} waiting for photos` },
  );
  const { guidance, allowedActions, evidence } = shown.body;
  expect(guidance.script.articleId).toBe('script-damaged-evidence');
  expect(guidance.script.text).toContain(evidence.requested.what);
  expect(guidance.script.text).not.toMatch(/\{\{/);
  for (const action of guidance.actions) expect(allowedActions).toContain(action);
  expect(guidance.articles.map((article: Json) => article.articleId)).toEqual(
    expect.arrayContaining(['jd-standard', 'jd-claims', 'platform-claims', 'region-remote-northwest', 'faq-damage-photos']),
  );
});

/** Replies carrying a script id (the `reply` action) exist once the case workflow takes them. */
const replies = (CASE_ACTION_NAMES as readonly string[]).includes('reply');

(replies ? test : test.skip)('a reply sent with a script counts as one use of that script, with no call of its own', async () => {
  const before = (await stack.api('agent', '/v1/knowledge/script-delayed-acknowledge')).body.uses as number;
  const opened = await stack.api('agent', '/v1/cases', { body: openCaseBody() });
  const caseId = String(opened.body.caseId);
  await eventually(
    () => stack.api('agent', `/v1/cases/${caseId}`),
    (answer) => answer.status === 200 && (answer.body.allowedActions as string[]).includes('reply'),
    { what: `${caseId} open to replies` },
  );
  const text = (await stack.api('agent', `/v1/cases/${caseId}`)).body.guidance.script?.text ?? '您好';
  const sent = await stack.api('agent', `/v1/cases/${caseId}/actions`, {
    body: { action: 'reply', channel: 'in-app', text, scriptId: 'script-delayed-acknowledge' },
  });
  expect(sent.status).toBe(200);
  await eventually(
    () => stack.api('agent', '/v1/knowledge/script-delayed-acknowledge'),
    (answer) => answer.body.uses === before + 1,
    { what: 'the use counted from the audit trail' },
  );
  const listed = await search(`q=${encodeURIComponent('首次响应 延误')}&kind=script`);
  expect(listed.body.items.find((item: Json) => item.articleId === 'script-delayed-acknowledge')?.uses).toBe(before + 1);
});

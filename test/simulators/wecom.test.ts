import { getJson, postJson, sendJson, useSimulators } from './helpers';

const sims = useSimulators();
const robot = (key: string, body: unknown, headers: Record<string, string> = {}) =>
  postJson(`${sims().url}/wecom/cgi-bin/webhook/send?key=${key}`, body, headers);
const text = (content: string) => ({ msgtype: 'text', text: { content } });

describe('WeCom group robot', () => {
  it('delivers text and markdown messages', async () => {
    expect((await robot('K1', text('hello'))).body).toEqual({ errcode: 0, errmsg: 'ok' });
    expect((await robot('K1', { msgtype: 'markdown', markdown: { content: '**case** C1 breached' } })).body.errcode).toBe(0);
    const messages = (await getJson(`${sims().url}/__control/wecom/messages?key=K1`)).body.messages;
    expect(messages.map((m: { msgtype: string }) => m.msgtype)).toEqual(['text', 'markdown']);
  });

  it('limits each key to 20 messages per rolling minute with errcode 45009', async () => {
    for (let i = 0; i < 20; i += 1) expect((await robot('K2', text(`m${i}`))).body.errcode).toBe(0);
    expect((await robot('K2', text('one too many'))).body).toEqual({ errcode: 45009, errmsg: 'api freq out of limit' });
    // Another robot has its own budget, and the rejected message was neither sent nor recorded.
    expect((await robot('K3', text('other group'))).body.errcode).toBe(0);
    expect((await getJson(`${sims().url}/__control/wecom/messages?key=K2`)).body.messages).toHaveLength(20);
    expect(sims().ledger.entries({ system: 'wecom' })).toHaveLength(21);
  });

  it('rejects content over 4096 bytes with errcode 40058 (bytes, not characters)', async () => {
    const chinese = '楓'.repeat(1366); // 3 bytes each: 4098 bytes in 1366 characters
    expect((await robot('K4', text(chinese))).body.errcode).toBe(40058);
    expect((await robot('K4', text('a'.repeat(4096)))).body.errcode).toBe(0);
  });

  it('answers errcode 93000 without a key and 40008 for an unknown msgtype', async () => {
    expect((await postJson(`${sims().url}/wecom/cgi-bin/webhook/send`, text('x'))).body.errcode).toBe(93000);
    expect((await robot('K5', { msgtype: 'voice', voice: {} })).body.errcode).toBe(40008);
  });

  it('honours an optional Idempotency-Key header', async () => {
    await robot('K6', text('once'), { 'Idempotency-Key': 'n-1' });
    await robot('K6', text('once'), { 'Idempotency-Key': 'n-1' });
    expect((await getJson(`${sims().url}/__control/wecom/messages?key=K6`)).body.messages).toHaveLength(1);
    expect(
      sims()
        .ledger.entries({ system: 'wecom', idempotencyKey: 'n-1', includeReplays: true })
        .map((e) => e.replay),
    ).toEqual([false, true]);
  });

  it('takes a shorter window for tests under /__control/wecom/rate-limit and counts the 45009s it answered', async () => {
    expect((await getJson(`${sims().url}/__control/wecom/rate-limit`)).body).toEqual({ perWindow: 20, windowMs: 60_000, refused: 0 });
    expect((await sendJson('PUT', `${sims().url}/__control/wecom/rate-limit`, { perWindow: 2, windowMs: 300 })).body).toMatchObject({
      perWindow: 2,
      windowMs: 300,
    });
    expect((await robot('K7', text('1'))).body.errcode).toBe(0);
    expect((await robot('K7', text('2'))).body.errcode).toBe(0);
    expect((await robot('K7', text('3'))).body.errcode).toBe(45009);
    expect((await getJson(`${sims().url}/__control/wecom/rate-limit`)).body.refused).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 350));
    expect((await robot('K7', text('3 again'))).body.errcode).toBe(0);
    expect((await sendJson('PUT', `${sims().url}/__control/wecom/rate-limit`, { windowMs: 5 })).status).toBe(400);
    // A reset gives WeCom's own limit back.
    await postJson(`${sims().url}/__control/reset`, {});
    expect((await getJson(`${sims().url}/__control/wecom/rate-limit`)).body).toEqual({ perWindow: 20, windowMs: 60_000, refused: 0 });
  });
});

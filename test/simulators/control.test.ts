import { startSimulators } from '../../simulators';
import { getJson, postJson, sendJson, useSimulators } from './helpers';

const sims = useSimulators();

function sendInApp(key: string) {
  return postJson(`${sims().url}/inapp/v1/messages`, { userId: 'u1', title: 't', body: 'b' }, { 'Idempotency-Key': key });
}

describe('server basics', () => {
  it('answers unknown routes with 404 JSON', async () => {
    const res = await getJson(`${sims().url}/carrier/nowhere`);
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ error: 'not_found', message: expect.stringContaining('/carrier/nowhere') });
  });

  it('answers malformed JSON with 400 JSON, not an HTML page', async () => {
    const res = await postJson(`${sims().url}/inapp/v1/messages`, '{"userId": ', { 'Idempotency-Key': 'k' });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('malformed_json');
    expect(sims().ledger.entries()).toHaveLength(0);
  });

  it('has a url without trailing slash and the port it listens on', () => {
    expect(sims().url).toBe(`http://127.0.0.1:${sims().port}`);
  });
});

describe('fault API', () => {
  it('replaces, appends, lists and clears rules over HTTP', async () => {
    const url = `${sims().url}/__control/faults`;
    expect((await sendJson('PUT', url, [{ system: 'sms', failNext: 1 }])).status).toBe(200);
    const added = await postJson(url, { system: '*', operation: 'send', latencyMs: 5 });
    expect(added.status).toBe(201);
    expect((await getJson(url)).body.rules).toEqual([
      { system: 'sms', failNext: 1 },
      { system: '*', operation: 'send', latencyMs: 5 },
    ]);
    expect(sims().faults.rules()).toHaveLength(2);
    expect((await sendJson('DELETE', url, undefined)).status).toBe(204);
    expect(sims().faults.rules()).toEqual([]);
  });

  it.each([
    ['a non-array PUT body', 'PUT', { system: 'sms' }],
    ['an unknown system', 'POST', { system: 'fax' }],
    ['an unknown field', 'POST', { system: 'sms', failNxt: 2 }],
    ['a failure rate above 1', 'POST', { failureRate: 1.5 }],
    ['a fractional failNext', 'POST', { failNext: 1.5 }],
    ['a negative latency', 'POST', { latencyMs: -1 }],
    ['a non-boolean refuse', 'POST', { refuse: 'yes' }],
  ] as const)('rejects %s with 400 JSON', async (_what, method, body) => {
    const res = await sendJson(method, `${sims().url}/__control/faults`, body);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: 'invalid_body', message: expect.any(String) });
    expect(sims().faults.rules()).toEqual([]);
  });

  it('shares one table between the in-process injector and HTTP', async () => {
    sims().faults.add({ system: 'inapp', refuse: true });
    expect((await getJson(`${sims().url}/__control/faults`)).body.rules).toEqual([{ system: 'inapp', refuse: true }]);
  });
});

describe('fault behaviour', () => {
  it('failNext answers 503 for the next N matching requests, with no effect, then stops', async () => {
    sims().faults.set([{ system: 'inapp', operation: 'send', failNext: 2 }]);
    expect((await sendInApp('k1')).status).toBe(503);
    expect((await sendInApp('k1')).status).toBe(503);
    expect(sims().ledger.entries()).toHaveLength(0);
    expect(sims().faults.rules()[0]?.failNext).toBe(0);

    const third = await sendInApp('k1');
    expect(third.status).toBe(200);
    expect(sims().ledger.entries({ idempotencyKey: 'k1' })).toHaveLength(1);
  });

  it('does not apply rules for another system or operation', async () => {
    sims().faults.set([
      { system: 'sms', failNext: 5 },
      { system: 'inapp', operation: 'other', failNext: 5 },
    ]);
    expect((await sendInApp('k')).status).toBe(200);
  });

  it('adds latency before answering', async () => {
    sims().faults.set([{ system: 'inapp', latencyMs: 250 }]);
    const started = performance.now();
    const res = await sendInApp('slow');
    expect(res.status).toBe(200);
    // Only a lower bound: how much slower a loaded machine is says nothing about the simulator.
    expect(performance.now() - started).toBeGreaterThanOrEqual(240);
  });

  it('fails a seeded, reproducible share of requests for a failure rate, and each failure has no effect', async () => {
    let run = 0;
    const pattern = async (): Promise<number[]> => {
      run += 1;
      const statuses: number[] = [];
      for (let i = 0; i < 20; i += 1) statuses.push((await sendInApp(`rate-${run}-${i}`)).status);
      return statuses;
    };
    sims().faults.set([{ system: 'inapp', failureRate: 0.5 }]);
    const first = await pattern();
    const failures = first.filter((s) => s === 503).length;
    expect(failures).toBeGreaterThan(0);
    expect(failures).toBeLessThan(20);
    expect(sims().ledger.entries({ system: 'inapp' })).toHaveLength(20 - failures);

    // Setting the rules again restarts the sequence from the seed: the same requests fail.
    sims().faults.set([{ system: 'inapp', failureRate: 0.5 }]);
    expect(await pattern()).toEqual(first);

    // A second server with the same seed plays out identically.
    const twin = await startSimulators({ port: 0, seed: 42 });
    try {
      twin.faults.set([{ system: 'inapp', failureRate: 0.5 }]);
      const twinStatuses: number[] = [];
      for (let i = 0; i < 20; i += 1) {
        const res = await postJson(`${twin.url}/inapp/v1/messages`, { userId: 'u', title: 't', body: 'b' }, { 'Idempotency-Key': `t${i}` });
        twinStatuses.push(res.status);
      }
      expect(twinStatuses).toEqual(first);
    } finally {
      await twin.close();
    }
  });
});

describe('ledger API', () => {
  it('filters by system, operation and key, and shows replays only when asked', async () => {
    await sendInApp('a');
    await sendInApp('a');
    await sendInApp('b');
    await postJson(`${sims().url}/sms/send`, { PhoneNumbers: '13800138000', SignName: 'S', TemplateCode: 'T', OutId: 'a' });

    const all = (await getJson(`${sims().url}/__control/ledger`)).body.entries;
    expect(all).toHaveLength(3);
    expect(all.map((e: { seq: number }) => e.seq)).toEqual([...all.map((e: { seq: number }) => e.seq)].sort((x, y) => x - y));

    const inappA = await getJson(`${sims().url}/__control/ledger?system=inapp&idempotencyKey=a&includeReplays=true`);
    expect(inappA.body.entries.map((e: { replay: boolean }) => e.replay)).toEqual([false, true]);
    expect(inappA.body.entries[0].at).toEqual(expect.stringMatching(/^\d{4}-\d\d-\d\dT/));

    expect((await getJson(`${sims().url}/__control/ledger?operation=send&system=sms`)).body.entries).toHaveLength(1);
    expect((await getJson(`${sims().url}/__control/ledger?system=fax`)).status).toBe(400);

    expect((await sendJson('DELETE', `${sims().url}/__control/ledger`, undefined)).status).toBe(204);
    expect(sims().ledger.entries({ includeReplays: true })).toEqual([]);
  });

  it('returns copies, so a test cannot rewrite what happened', async () => {
    await sendInApp('copy');
    const [entry] = sims().ledger.entries();
    if (entry === undefined) throw new Error('expected an entry');
    entry.status = 999;
    expect(sims().ledger.entries()[0]?.status).toBe(200);
  });
});

describe('partial faults and providers without dedupe (for npm run chaos)', () => {
  it('applies latency and dropped answers to a seeded share of requests only', async () => {
    sims().faults.set([{ system: 'inapp', dropResponseRate: 0.5 }]);
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        sendInApp(`drop-${i}`).then(
          (res) => res.status,
          () => 'dropped',
        ),
      ),
    );
    const dropped = answers.filter((status) => status === 'dropped').length;
    expect(dropped).toBeGreaterThan(0);
    expect(dropped).toBeLessThan(20);
    // Every request's effect happened, answered or not.
    expect(sims().ledger.entries({ system: 'inapp' })).toHaveLength(20);
    const listed = await getJson(`${sims().url}/__control/faults`);
    expect(listed.body.rules).toEqual([{ system: 'inapp', dropResponseRate: 0.5 }]);
    expect((await sendJson('POST', `${sims().url}/__control/faults`, { latencyRate: 2 })).status).toBe(400);
  });

  it('repeats the effect for a repeated key when the system is started without dedupe', async () => {
    const plain = await startSimulators({ port: 0, noDedupe: ['inapp'] });
    try {
      const send = () => postJson(`${plain.url}/inapp/v1/messages`, { userId: 'u1', title: 't', body: 'b' }, { 'Idempotency-Key': 'same' });
      expect((await send()).status).toBe(200);
      expect((await send()).status).toBe(200);
      expect(plain.ledger.entries({ idempotencyKey: 'same' })).toHaveLength(2);
    } finally {
      await plain.close();
    }
  });
});

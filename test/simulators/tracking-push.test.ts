import { createHash, createHmac } from 'node:crypto';
import { getJson, postJson, startReceiver, useSimulators, type Receiver } from './helpers';

const sims = useSimulators();
let receiver: Receiver;

beforeEach(async () => {
  receiver = await startReceiver({ status: 200, body: '{"result":true,"returnCode":"200","message":"成功"}' });
});
afterEach(async () => {
  await receiver.close();
});

const SECRET = 'push-secret';
const event = {
  eventId: 'evt-1',
  waybillNo: 'SF900',
  carrier: 'SF',
  status: 'Exception',
  subStatus: 'customer_refused',
  occurredAt: '2024-05-02T03:04:05.000Z',
  location: '广州市',
  description: '收件人拒收',
};

function push(provider: string, e: unknown = event, targetUrl = receiver.url) {
  return postJson(`${sims().url}/__control/tracking-push`, { provider, targetUrl, secret: SECRET, event: e });
}

function onlyReceived() {
  expect(receiver.received).toHaveLength(1);
  const [request] = receiver.received;
  if (request === undefined) throw new Error('nothing received');
  return request;
}

describe('tracking push', () => {
  it('generic: the event as JSON, X-Signature sha256=<hex HMAC-SHA256(raw body)>', async () => {
    const res = await push('generic');
    expect(res.body).toEqual({ delivered: true, status: 200, body: expect.any(String) });
    const got = onlyReceived();
    expect(got.method).toBe('POST');
    expect(got.headers['content-type']).toContain('application/json');
    const expected = createHmac('sha256', SECRET).update(got.rawBody).digest('hex');
    expect(got.headers['x-signature']).toBe(`sha256=${expected}`);
    expect(JSON.parse(got.rawBody)).toEqual(event);
  });

  it('kuaidi100: form param + sign = upper(MD5(param + secret)), lastResult in its push format', async () => {
    await push('kuaidi100');
    const got = onlyReceived();
    expect(got.headers['content-type']).toContain('application/x-www-form-urlencoded');
    const form = new URLSearchParams(got.rawBody);
    const param = form.get('param') ?? '';
    expect(form.get('sign')).toBe(
      createHash('md5')
        .update(param + SECRET, 'utf8')
        .digest('hex')
        .toUpperCase(),
    );
    const parsed = JSON.parse(param);
    expect(parsed).toMatchObject({
      status: 'polling',
      message: '',
      lastResult: { state: '14', ischeck: '0', com: 'shunfeng', nu: 'SF900' },
    });
    expect(parsed.lastResult.data[0]).toEqual(
      expect.objectContaining({ context: '收件人拒收', time: '2024-05-02 11:04:05', ftime: '2024-05-02 11:04:05', areaName: '广州市' }),
    );
  });

  it('kuaidi100: maps canonical statuses to state codes and prefers a Kuaidi100 rawCode', async () => {
    const states: string[] = [];
    const cases = [
      { status: 'InTransit' },
      { status: 'InfoReceived' },
      { status: 'Exception', subStatus: 'damaged' },
      { status: 'Delivered' },
      { status: 'OutForDelivery' },
      { status: 'Exception', subStatus: 'returning_to_sender' },
      { status: 'Exception', rawCode: '202' },
    ];
    for (const [i, c] of cases.entries()) {
      await push('kuaidi100', { ...event, ...c, subStatus: c.subStatus, eventId: `s-${i}`, waybillNo: `K${i}` });
      const last = receiver.received[receiver.received.length - 1];
      states.push(JSON.parse(new URLSearchParams(last?.rawBody).get('param') ?? '{}').lastResult.state);
    }
    expect(states).toEqual(['0', '1', '209', '3', '5', '6', '202']);
  });

  it('aftership: tracking_update webhook, aftership-hmac-sha256 = base64(HMAC-SHA256(raw body))', async () => {
    await push('aftership');
    const got = onlyReceived();
    const expected = createHmac('sha256', SECRET).update(got.rawBody).digest('base64');
    expect(got.headers['aftership-hmac-sha256']).toBe(expected);
    const body = JSON.parse(got.rawBody);
    expect(body).toMatchObject({
      event: 'tracking_update',
      event_id: 'evt-1',
      msg: { tracking_number: 'SF900', slug: 'sf-express', tag: 'Exception', subtag: 'Exception_001' },
    });
    expect(body.msg.checkpoints).toEqual([
      expect.objectContaining({ checkpoint_time: event.occurredAt, message: '收件人拒收', tag: 'Exception', location: '广州市' }),
    ]);
  });

  it('remembers pushed events per waybill, so carrier tracking shows them (duplicates once)', async () => {
    await push('generic');
    await push('generic');
    await push('generic', { ...event, eventId: 'evt-0', status: 'InTransit', occurredAt: '2024-05-01T00:00:00.000Z' });
    const trace = await getJson(`${sims().url}/carrier/generic/v1/tracking/SF900`);
    expect(trace.body.data.events.map((e: { eventId: string }) => e.eventId)).toEqual(['evt-0', 'evt-1']);
    expect(trace.body.data.status).toBe('Exception');
  });

  it("reports the target's answer, and an unreachable target as not delivered", async () => {
    const refusing = await startReceiver({ status: 401, body: 'bad signature' });
    try {
      const res = await push('generic', event, refusing.url);
      expect(res.body).toEqual({ delivered: false, status: 401, body: 'bad signature' });
    } finally {
      await refusing.close();
    }
    const gone = await startReceiver();
    const goneUrl = gone.url;
    await gone.close();
    const unreachable = await push('generic', event, goneUrl);
    expect(unreachable.body).toMatchObject({ delivered: false, status: 0 });
  });

  it('rejects a bad body with 400 JSON', async () => {
    const res = await postJson(`${sims().url}/__control/tracking-push`, { provider: 'cainiao', targetUrl: 'nope', secret: '', event: { eventId: 'e' } });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_body');
    expect(res.body.message).toContain('provider');
    expect(res.body.message).toContain('event.waybillNo');
  });
});

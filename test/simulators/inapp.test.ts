import { getJson, postJson, useSimulators } from './helpers';

const sims = useSimulators();
const send = (body: unknown, key?: string) => postJson(`${sims().url}/inapp/v1/messages`, body, key === undefined ? {} : { 'Idempotency-Key': key });
const message = { userId: 'u-7', storeId: 's-1', title: '理賠進度', body: '您的理賠已受理', data: { caseId: 'C1' } };

describe('in-app messages', () => {
  it('stores the message and answers its id, once per Idempotency-Key', async () => {
    const first = await send(message, 'm-1');
    expect(first.body).toEqual({ messageId: expect.stringMatching(/^MSG\d+$/) });
    expect((await send(message, 'm-1')).body).toEqual(first.body);
    const inbox = (await getJson(`${sims().url}/__control/inapp/messages?userId=u-7`)).body.messages;
    expect(inbox).toEqual([expect.objectContaining({ ...message, messageId: first.body.messageId })]);
  });

  it('requires the Idempotency-Key header and the fields', async () => {
    expect((await send(message)).status).toBe(400);
    expect((await send({ userId: 'u' }, 'm-2')).status).toBe(400);
  });

  it('refuses in its own shape with HTTP 200', async () => {
    sims().faults.set([{ system: 'inapp', refuse: true }]);
    const res = await send(message, 'm-3');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ code: 'RECIPIENT_UNAVAILABLE' });
  });
});

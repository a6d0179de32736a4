import { getJson, postJson, useSimulators } from './helpers';

const sims = useSimulators();
const send = (body: Record<string, unknown>) => postJson(`${sims().url}/sms/send`, body);
const base = { PhoneNumbers: '13800138000', SignName: '楓車', TemplateCode: 'SMS_1001', TemplateParam: JSON.stringify({ caseNo: 'C1' }) };

describe('SMS (Aliyun SendSms style)', () => {
  it('sends and answers Code OK with BizId and RequestId', async () => {
    const res = await send({ ...base, OutId: 'out-1' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ Code: 'OK', Message: 'OK', BizId: expect.stringMatching(/^\d+\^0$/), RequestId: expect.any(String) });
    const messages = (await getJson(`${sims().url}/__control/sms/messages`)).body.messages;
    expect(messages).toEqual([expect.objectContaining({ phoneNumbers: ['13800138000'], templateParam: { caseNo: 'C1' }, outId: 'out-1' })]);
  });

  it('uses OutId as the idempotency key', async () => {
    const first = await send({ ...base, OutId: 'out-2' });
    const second = await send({ ...base, OutId: 'out-2' });
    expect(second.body).toEqual(first.body);
    expect(sims().ledger.entries({ system: 'sms', idempotencyKey: 'out-2' })).toHaveLength(1);
    expect((await getJson(`${sims().url}/__control/sms/messages`)).body.messages).toHaveLength(1);
  });

  it.each(['1380013800', '23800138000', '1380013800a'])('answers isv.MOBILE_NUMBER_ILLEGAL for %s with HTTP 200', async (phone) => {
    const res = await send({ ...base, PhoneNumbers: phone, OutId: `bad-${phone}` });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ Code: 'isv.MOBILE_NUMBER_ILLEGAL' });
    expect((await getJson(`${sims().url}/__control/sms/messages`)).body.messages).toEqual([]);
  });

  it('answers 400 MissingPhoneNumbers when the number is absent', async () => {
    const res = await send({ SignName: 'x', TemplateCode: 'T' });
    expect(res.status).toBe(400);
    expect(res.body.Code).toBe('MissingPhoneNumbers');
  });

  it('503s under failNext with nothing sent, and refuses with an isv code', async () => {
    sims().faults.set([{ system: 'sms', failNext: 1 }]);
    expect((await send({ ...base, OutId: 'out-3' })).status).toBe(503);
    expect((await getJson(`${sims().url}/__control/sms/messages`)).body.messages).toEqual([]);
    sims().faults.set([{ system: 'sms', refuse: true }]);
    const refused = await send({ ...base, OutId: 'out-4' });
    expect(refused.status).toBe(200);
    expect(refused.body.Code).toBe('isv.BUSINESS_LIMIT_CONTROL');
  });

  it('dropResponse sends the SMS, closes the socket, and a retry with the same OutId replays', async () => {
    sims().faults.set([{ system: 'sms', dropResponse: true }]);
    await expect(send({ ...base, OutId: 'out-5' })).rejects.toThrow();
    expect((await getJson(`${sims().url}/__control/sms/messages`)).body.messages).toHaveLength(1);
    const retry = await send({ ...base, OutId: 'out-5' });
    expect(retry.body.Code).toBe('OK');
    expect((await getJson(`${sims().url}/__control/sms/messages`)).body.messages).toHaveLength(1);
  });
});

import { createHash } from 'node:crypto';
import { postForm, useSimulators } from './helpers';

const sims = useSimulators();
const KEY = 'kd100-dev-key';
const SECRET = 'kd100-dev-secret';
const md5Upper = (s: string): string => createHash('md5').update(s, 'utf8').digest('hex').toUpperCase();

function query(param: unknown, customer = 'CUSTOMER1', key = KEY) {
  const text = JSON.stringify(param);
  return postForm(`${sims().url}/carrier/kuaidi100/poll/query.do`, { customer, param: text, sign: md5Upper(text + key + customer) });
}

function intercept(param: unknown) {
  const text = JSON.stringify(param);
  const t = '1715000000000';
  return postForm(`${sims().url}/carrier/kuaidi100/label/order`, {
    method: 'interceptOrder',
    key: KEY,
    t,
    param: text,
    sign: md5Upper(text + t + KEY + SECRET),
  });
}

describe('Kuaidi100', () => {
  it('answers the real-time query in its trace format, newest first', async () => {
    const res = await query({ com: 'shunfeng', num: 'SF500' });
    expect(res.body).toMatchObject({ message: 'ok', nu: 'SF500', com: 'shunfeng', status: '200', state: '0', ischeck: '0' });
    const times: string[] = res.body.data.map((d: { ftime: string }) => d.ftime);
    expect(times).toEqual([...times].sort().reverse());
    expect(res.body.data[0]).toMatchObject({ context: expect.any(String), time: expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/) });
  });

  it('rejects a bad sign with returnCode 503 and records nothing', async () => {
    const res = await query({ com: 'shunfeng', num: 'SF500' }, 'CUSTOMER1', 'not-the-key');
    expect(res.body).toEqual({ result: false, returnCode: '503', message: '验证签名失败' });
    expect(sims().ledger.entries()).toEqual([]);
  });

  it('changes the address with interceptType MODIFY_ADDR, idempotent by orderid', async () => {
    const param = {
      kuaidicom: 'shunfeng',
      kuaidinum: 'SF501',
      interceptType: 'MODIFY_ADDR',
      orderid: 'case-1-redirect',
      recManInfo: { name: '王', mobile: '13900001111', printAddr: '广东省深圳市南山区科技园路1号' },
    };
    const first = await intercept(param);
    expect(first.body).toMatchObject({ success: true, code: 200, data: { taskId: expect.any(String), kuaidinum: 'SF501' } });
    expect((await intercept(param)).body).toEqual(first.body);
    expect(sims().ledger.entries({ operation: 'redirect', idempotencyKey: 'case-1-redirect' })).toHaveLength(1);
  });

  it('requires recManInfo for MODIFY_ADDR and refuses under a refuse rule', async () => {
    const missing = await intercept({ kuaidicom: 'shunfeng', kuaidinum: 'SF502', interceptType: 'MODIFY_ADDR' });
    expect(missing.body).toMatchObject({ success: false, code: 400 });
    sims().faults.set([{ system: 'carrier', operation: 'return', refuse: true }]);
    const refused = await intercept({ kuaidicom: 'shunfeng', kuaidinum: 'SF502', interceptType: 'RETURN_SEND_ADDR', orderid: 'o2' });
    expect(refused.status).toBe(200);
    expect(refused.body).toMatchObject({ success: false, code: 500 });
  });

  it('subscribes once per company and number', async () => {
    const param = JSON.stringify({ company: 'shunfeng', number: 'SF503', key: KEY, parameters: { callbackurl: 'http://example.test/cb', salt: 'salt' } });
    const res = await postForm(`${sims().url}/carrier/kuaidi100/poll`, { schema: 'json', param });
    expect(res.body).toEqual({ result: true, returnCode: '200', message: '提交成功' });
    await postForm(`${sims().url}/carrier/kuaidi100/poll`, { schema: 'json', param });
    expect(sims().ledger.entries({ operation: 'subscribe' })).toHaveLength(1);
  });
});

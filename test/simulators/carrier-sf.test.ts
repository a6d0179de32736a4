import { createHash } from 'node:crypto';
import { postForm, postJson, useSimulators } from './helpers';

const sims = useSimulators();
const CHECK_WORD = 'sf-dev-checkword';

function digest(msgData: string, timestamp: string, checkWord = CHECK_WORD): string {
  return createHash('md5')
    .update(msgData + timestamp + checkWord, 'utf8')
    .digest('base64');
}

function sfCall(serviceCode: string, msgData: unknown, requestID: string, options: { checkWord?: string } = {}) {
  const data = JSON.stringify(msgData);
  const timestamp = '1715000000000';
  return postForm(`${sims().url}/carrier/sf/std/service`, {
    partnerID: 'FENGCHE',
    requestID,
    serviceCode,
    timestamp,
    msgDigest: digest(data, timestamp, options.checkWord),
    msgData: data,
  });
}

/** apiResultData is a JSON string inside the JSON envelope, as SF sends it. */
function resultData(body: { apiResultData: string }): { success: boolean; errorCode: string; msgData: unknown } {
  return JSON.parse(body.apiResultData);
}

describe('SF Express open platform', () => {
  it('rejects a wrong msgDigest with A1006 and records nothing', async () => {
    const res = await sfCall('EXP_RECE_SEARCH_ROUTES', { trackingType: '1', trackingNumber: ['SF1'] }, 'r1', { checkWord: 'wrong' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ apiResultCode: 'A1006', apiResultData: null });
    expect(sims().ledger.entries()).toEqual([]);
  });

  it('accepts the digest of the URL-encoded string, as SF SDKs compute it', async () => {
    const data = JSON.stringify({ trackingType: '1', trackingNumber: ['SF1'] });
    const timestamp = '1715000000001';
    const encoded = createHash('md5')
      .update(encodeURIComponent(data + timestamp + CHECK_WORD), 'utf8')
      .digest('base64');
    const res = await postForm(`${sims().url}/carrier/sf/std/service`, {
      partnerID: 'FENGCHE',
      requestID: 'r-enc',
      serviceCode: 'EXP_RECE_SEARCH_ROUTES',
      timestamp,
      msgDigest: encoded,
      msgData: data,
    });
    expect(res.body.apiResultCode).toBe('A1000');
  });

  it('answers A1001 when a required field is missing', async () => {
    const res = await postForm(`${sims().url}/carrier/sf/std/service`, { partnerID: 'FENGCHE', serviceCode: 'EXP_RECE_SEARCH_ROUTES' });
    expect(res.body.apiResultCode).toBe('A1001');
  });

  it('answers routes for EXP_RECE_SEARCH_ROUTES, including pushed events', async () => {
    await postJson(`${sims().url}/__control/tracking-push`, {
      provider: 'generic',
      targetUrl: 'http://127.0.0.1:9/unreachable',
      secret: 's',
      event: {
        eventId: 'e1',
        waybillNo: 'SF200',
        carrier: 'SF',
        status: 'Delivered',
        occurredAt: '2024-05-01T10:00:00Z',
        location: '深圳市',
        description: '已签收',
      },
    });
    const res = await sfCall('EXP_RECE_SEARCH_ROUTES', { trackingType: '1', trackingNumber: ['SF200'], methodType: '1' }, 'r2');
    expect(res.body).toMatchObject({ apiResultCode: 'A1000', apiErrorMsg: '', apiResponseID: expect.any(String) });
    const data = resultData(res.body);
    expect(data).toMatchObject({ success: true, errorCode: 'S0000' });
    expect(data.msgData).toEqual({
      routeResps: [{ mailNo: 'SF200', routes: [{ acceptTime: '2024-05-01 18:00:00', acceptAddress: '深圳市', remark: '已签收', opCode: '80' }] }],
    });
  });

  it('redirects with EXP_RECE_WANTED_INTERCEPT serviceCode 1, idempotent by requestID', async () => {
    const msgData = {
      waybillNo: 'SF300',
      serviceCode: '1',
      role: '1',
      payMode: '4',
      newDestAddress: { province: '广东省', city: '深圳市', county: '南山区', address: '科技园路1号', contact: '王', phone: '13900001111' },
    };
    const first = await sfCall('EXP_RECE_WANTED_INTERCEPT', msgData, 'req-300');
    expect(resultData(first.body)).toEqual({ success: true, errorCode: 'S0000', errorMsg: null, msgData: null });
    const again = await sfCall('EXP_RECE_WANTED_INTERCEPT', msgData, 'req-300');
    expect(again.body).toEqual(first.body);
    expect(sims().ledger.entries({ operation: 'redirect', idempotencyKey: 'req-300' })).toHaveLength(1);
    expect(sims().ledger.entries({ idempotencyKey: 'req-300', includeReplays: true })).toHaveLength(2);
  });

  it('maps serviceCode 2 to a return and refuses in its own error shape', async () => {
    sims().faults.set([{ system: 'carrier', operation: 'return', refuse: true }]);
    const res = await sfCall('EXP_RECE_WANTED_INTERCEPT', { waybillNo: 'SF301', serviceCode: '2' }, 'req-301');
    expect(res.status).toBe(200);
    expect(res.body.apiResultCode).toBe('A1000');
    expect(resultData(res.body)).toMatchObject({ success: false, errorCode: '8252' });
  });

  it('urges through the simulator-only service code and hands back a ticket', async () => {
    const res = await sfCall('SIM_EXP_RECE_URGE_DELIVERY', { waybillNo: 'SF302', reason: '催件' }, 'req-302');
    expect(resultData(res.body).msgData).toEqual({ waybillNo: 'SF302', ticketId: expect.any(String) });
    expect(sims().ledger.entries({ operation: 'urge' })).toHaveLength(1);
  });

  it('answers A1004 for a service it does not offer', async () => {
    expect((await sfCall('EXP_RECE_CREATE_ORDER', {}, 'req-303')).body.apiResultCode).toBe('A1004');
  });
});

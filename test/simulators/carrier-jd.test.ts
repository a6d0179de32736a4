import { postForm, useSimulators } from './helpers';

const sims = useSimulators();

function jos(method: string, params: unknown) {
  return postForm(`${sims().url}/carrier/jd/routerjson`, {
    method,
    app_key: 'APPKEY',
    access_token: 'TOKEN',
    timestamp: '2024-05-01 10:00:00',
    v: '2.0',
    sign: 'UNCHECKED',
    '360buy_param_json': JSON.stringify(params),
  });
}

describe('JD Logistics (JOS router)', () => {
  it('intercepts a waybill, idempotent by deliveryId', async () => {
    const params = { vendorCode: '010K123456', deliveryId: 'JDVA0001', interceptReason: '订单取消' };
    const first = await jos('jingdong.ldop.receive.order.intercept', params);
    expect(first.body).toEqual({
      jingdong_ldop_receive_order_intercept_responce: { code: '0', resultInfo: { stateCode: 100, stateMessage: '成功', deliveryId: 'JDVA0001' } },
    });
    expect((await jos('jingdong.ldop.receive.order.intercept', params)).body).toEqual(first.body);
    expect(sims().ledger.entries({ operation: 'intercept', idempotencyKey: 'JDVA0001' })).toHaveLength(1);
  });

  it('refuses an intercept with a non-100 stateCode', async () => {
    sims().faults.set([{ system: 'carrier', operation: 'intercept', refuse: true }]);
    const res = await jos('jingdong.ldop.receive.order.intercept', { vendorCode: 'V', deliveryId: 'JDVA0002', interceptReason: 'x' });
    expect(res.status).toBe(200);
    expect(res.body.jingdong_ldop_receive_order_intercept_responce.resultInfo.stateCode).not.toBe(100);
  });

  it('answers the trace in querytrace_result', async () => {
    const res = await jos('jingdong.ldop.receive.trace.get', { customerCode: '010K123456', waybillCode: 'JDVA0003' });
    const result = res.body.jingdong_ldop_receive_trace_get_responce.querytrace_result;
    expect(result).toMatchObject({ code: 100, messsage: '成功' });
    expect(result.data[0]).toEqual({
      opeTitle: expect.any(String),
      opeRemark: expect.any(String),
      opeName: expect.any(String),
      opeTime: expect.stringMatching(/^\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d$/),
      waybillCode: 'JDVA0003',
    });
  });

  it('answers error_response for an unknown method or missing parameters', async () => {
    expect((await jos('jingdong.nope', {})).body.error_response.code).toBeDefined();
    expect((await jos('jingdong.ldop.receive.order.intercept', { vendorCode: 'V' })).body.error_response).toBeDefined();
    expect(sims().ledger.entries()).toEqual([]);
  });
});

import { Router, type Request, type Response } from 'express';
import { chinaDateTimeSlashed } from '../../core/china-time';
import type { SimulationContext } from '../../core/context';
import { asRecord, nonEmptyString, parseJsonObject, single, type Fields } from '../../core/fields';
import { ok, send, type Reply } from '../../core/reply';
import { simulate } from '../../core/simulate';
import { jdOperationTitle } from '../../tracking/codes';
import type { CarrierState } from './state';

/**
 * JD Logistics through JD's open platform (JOS) router: /carrier/jd/routerjson with system fields
 * method, app_key, access_token, timestamp, v, sign and the business JSON in `360buy_param_json`
 * (form body or query string, as JOS accepts both). Answers are wrapped in `<method>_responce`
 * (JD's spelling). The JOS sign is not verified here: the product's JD adapter is checked against
 * the format, and JOS credentials would only add setup to every test.
 *
 *   jingdong.ldop.receive.order.intercept  {vendorCode, deliveryId, interceptReason, ...}
 *     -> resultInfo.stateCode 100 = intercept accepted; idempotent by deliveryId (the waybill, which
 *        is the only serial the request carries).
 *   jingdong.ldop.receive.trace.get        {customerCode, waybillCode}
 *     -> querytrace_result {code: 100, messsage (sic), data: [{opeTitle, opeRemark, opeName, opeTime, waybillCode}]}
 *
 * Refusal codes other than 100 are illustrative; JD does not publish a full list.
 */

const JD_INTERCEPT_METHOD = 'jingdong.ldop.receive.order.intercept';
const JD_TRACE_METHOD = 'jingdong.ldop.receive.trace.get';

function responseKey(method: string): string {
  return `${method.replace(/\./g, '_')}_responce`;
}

function errorResponse(code: string, zhDesc: string, enDesc: string): Reply {
  return ok({ error_response: { code, zh_desc: zhDesc, en_desc: enDesc } });
}

export function jdRoutes(ctx: SimulationContext, state: CarrierState): Router {
  const router = Router();

  const intercept = async (req: Request, res: Response, params: Fields): Promise<void> => {
    const deliveryId = nonEmptyString(params.deliveryId);
    const vendorCode = nonEmptyString(params.vendorCode);
    if (deliveryId === undefined || vendorCode === undefined) {
      return send(res, errorResponse('61', '参数错误: vendorCode, deliveryId 必填', 'Invalid arguments: vendorCode and deliveryId are required'));
    }
    const key = responseKey(JD_INTERCEPT_METHOD);
    await simulate(ctx, req, res, {
      system: 'carrier',
      operation: 'intercept',
      idempotencyKey: deliveryId,
      refuse: () => ok({ [key]: { code: '0', resultInfo: { stateCode: 102, stateMessage: '拦截失败，运单已妥投' } } }),
      perform: () => {
        const ticketId = ctx.ids.next('JDTK');
        state.instructions.add({ ticketId, kind: 'intercept', carrier: 'JD', waybillNo: deliveryId, details: params, at: ctx.now().toISOString() });
        return ok({ [key]: { code: '0', resultInfo: { stateCode: 100, stateMessage: '成功', deliveryId } } });
      },
    });
  };

  const trace = async (req: Request, res: Response, params: Fields): Promise<void> => {
    const waybillCode = nonEmptyString(params.waybillCode);
    if (waybillCode === undefined) {
      return send(res, errorResponse('61', '参数错误: waybillCode 必填', 'Invalid arguments: waybillCode is required'));
    }
    const key = responseKey(JD_TRACE_METHOD);
    await simulate(ctx, req, res, {
      system: 'carrier',
      operation: 'tracking',
      refuse: () => ok({ [key]: { code: '0', querytrace_result: { code: 101, messsage: '运单号不存在或无权限查询', data: [] } } }),
      perform: () => {
        const data = state.tracking.trace(waybillCode, 'JD').map((e) => ({
          opeTitle: jdOperationTitle(e),
          opeRemark: e.description ?? e.status,
          opeName: e.location ?? '',
          opeTime: chinaDateTimeSlashed(new Date(e.occurredAt)),
          waybillCode,
        }));
        return ok({ [key]: { code: '0', querytrace_result: { code: 100, messsage: '成功', data } } });
      },
    });
  };

  const handle = async (req: Request, res: Response): Promise<void> => {
    const fields = { ...asRecord(req.query), ...asRecord(req.body) };
    const method = nonEmptyString(single(fields.method));
    if (method === undefined) return send(res, errorResponse('21', '缺少方法名参数', 'Missing method'));
    const params = parseJsonObject(single(fields['360buy_param_json']));
    if (params === undefined) {
      return send(res, errorResponse('61', '360buy_param_json 不是合法的JSON', 'Invalid 360buy_param_json'));
    }
    if (method === JD_INTERCEPT_METHOD) return intercept(req, res, params);
    if (method === JD_TRACE_METHOD) return trace(req, res, params);
    send(res, errorResponse('22', '不存在的方法名', 'Invalid method'));
  };

  router.post('/routerjson', handle);
  router.get('/routerjson', handle);
  return router;
}

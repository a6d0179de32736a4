import { Router, type Request, type Response } from 'express';
import { chinaDateTime } from '../../core/china-time';
import type { SimulationContext } from '../../core/context';
import { md5Hex } from '../../core/crypto';
import { asRecord, isRecord, missingStrings, nonEmptyString, parseJsonObject, single, type Fields } from '../../core/fields';
import { ok, send, type Reply } from '../../core/reply';
import { simulate } from '../../core/simulate';
import { kuaidi100Com, kuaidi100State, kuaidi100StateName } from '../../tracking/codes';
import type { InstructionKind } from './instructions';
import type { CarrierState } from './state';

/**
 * Kuaidi100 (快递100), the aggregator, under /carrier/kuaidi100:
 *   POST /poll/query.do   real-time query: form customer, sign = upper(MD5(param + key + customer)), param {com, num}
 *   POST /poll            subscription:   form schema=json, param {company, number, key, parameters {callbackurl, salt}}
 *   POST /label/order     method=interceptOrder, key, t, sign = upper(MD5(param + t + key + secret)),
 *                         param {kuaidicom, kuaidinum, interceptType, orderid?, reason?, recManInfo?}
 * interceptType: MODIFY_ADDR (改址 → redirect), RETURN_SEND_ADDR (退回寄件地址 → return),
 * RETURN_SEND_STATION (退回寄件网点 → intercept).
 * The simulator accepts any `customer`; key and secret come from SIM_KUAIDI100_KEY / SIM_KUAIDI100_SECRET.
 */

const INTERCEPT_KINDS: Record<string, InstructionKind> = {
  MODIFY_ADDR: 'redirect',
  RETURN_SEND_ADDR: 'return',
  RETURN_SEND_STATION: 'intercept',
};

function pollError(returnCode: string, message: string): Reply {
  return ok({ result: false, returnCode, message });
}

// `time` is the server's processing time in ms; the simulator's own work is instantaneous.
function labelResult(success: boolean, code: number, message: string, data: unknown): Reply {
  return ok({ success, code, message, data, time: 0 });
}

export function kuaidi100Routes(ctx: SimulationContext, state: CarrierState): Router {
  const router = Router();
  const { kuaidi100Key: key, kuaidi100Secret: secret } = ctx.secrets;

  router.post('/poll/query.do', async (req: Request, res: Response) => {
    const form = asRecord(req.body);
    const customer = single(form.customer) ?? '';
    const paramText = single(form.param) ?? '';
    const param = parseJsonObject(paramText);
    if (customer === '' || param === undefined) return send(res, pollError('400', '提交的数据不完整，或者贵公司没授权'));
    if (single(form.sign) !== md5Hex(paramText + key + customer).toUpperCase()) {
      return send(res, pollError('503', '验证签名失败'));
    }
    const num = nonEmptyString(param.num);
    const com = nonEmptyString(param.com);
    if (num === undefined || com === undefined) return send(res, pollError('400', '找不到对应公司或单号为空'));
    await simulate(ctx, req, res, {
      system: 'carrier',
      operation: 'tracking',
      refuse: () => pollError('500', '查询无结果，请隔段时间再查'),
      perform: () => {
        const events = state.tracking.trace(num, com);
        const latest = events[events.length - 1];
        const stateCode = latest === undefined ? '0' : kuaidi100State(latest);
        const finished = stateCode === '3' || stateCode === '4';
        return ok({
          message: 'ok',
          nu: num,
          ischeck: finished ? '1' : '0',
          condition: finished ? 'F00' : '00',
          com: kuaidi100Com(com),
          status: '200',
          state: stateCode,
          data: [...events].reverse().map((e) => {
            const when = chinaDateTime(new Date(e.occurredAt));
            const code = kuaidi100State(e);
            return {
              time: when,
              ftime: when,
              context: e.description ?? e.status,
              status: kuaidi100StateName(code),
              statusCode: code,
              ...(e.location !== undefined ? { areaName: e.location } : {}),
            };
          }),
        });
      },
    });
  });

  router.post('/poll', async (req: Request, res: Response) => {
    const form = asRecord(req.body);
    const param = parseJsonObject(single(form.param));
    if (param === undefined) return send(res, pollError('700', '订阅参数不是合法的JSON'));
    const company = nonEmptyString(param.company);
    const number = nonEmptyString(param.number);
    const parameters = asRecord(param.parameters);
    if (company === undefined || number === undefined || nonEmptyString(parameters.callbackurl) === undefined) {
      return send(res, pollError('700', '订阅请求缺少 company、number 或 parameters.callbackurl'));
    }
    if (param.key !== key) return send(res, pollError('600', '您不是合法的订阅者（即授权Key出错）'));
    await simulate(ctx, req, res, {
      system: 'carrier',
      operation: 'subscribe',
      // Kuaidi100 identifies a subscription by company + number.
      idempotencyKey: `${company}:${number}`,
      refuse: () => pollError('701', '拒绝订阅的快递公司'),
      perform: () => ok({ result: true, returnCode: '200', message: '提交成功' }),
    });
  });

  router.post('/label/order', async (req: Request, res: Response) => {
    const form = asRecord(req.body);
    const paramText = single(form.param) ?? '';
    const t = single(form.t) ?? '';
    if (single(form.method) !== 'interceptOrder') {
      return send(res, labelResult(false, 400, `不支持的method: ${String(single(form.method))}`, null));
    }
    if (single(form.key) !== key || single(form.sign) !== md5Hex(paramText + t + key + secret).toUpperCase()) {
      return send(res, labelResult(false, 503, '签名认证失败', null));
    }
    const param = parseJsonObject(paramText);
    if (param === undefined) return send(res, labelResult(false, 400, 'param 不是合法的JSON', null));
    const problems = missingStrings(param, ['kuaidicom', 'kuaidinum', 'interceptType']);
    const kind = INTERCEPT_KINDS[String(param.interceptType)];
    if (problems.length === 0 && kind === undefined) problems.push('interceptType');
    if (kind === 'redirect') problems.push(...recipientProblems(param.recManInfo));
    if (problems.length > 0) return send(res, labelResult(false, 400, `参数错误: ${problems.join(', ')}`, null));
    const waybillNo = String(param.kuaidinum);
    const orderId = nonEmptyString(param.orderid);
    await simulate(ctx, req, res, {
      system: 'carrier',
      operation: kind ?? 'intercept',
      // orderid is the request's own id; without one, Kuaidi100 sees one intercept per waybill and type.
      idempotencyKey: orderId ?? `${waybillNo}:${String(param.interceptType)}`,
      refuse: () => labelResult(false, 500, '该单号已签收或已在派送中，无法拦截', null),
      perform: () => {
        const taskId = ctx.ids.next('K100TASK', 10);
        state.instructions.add({
          ticketId: taskId,
          kind: kind ?? 'intercept',
          carrier: String(param.kuaidicom),
          waybillNo,
          details: param,
          at: ctx.now().toISOString(),
        });
        return labelResult(true, 200, 'success', {
          taskId,
          orderId: orderId ?? null,
          kuaidicom: param.kuaidicom,
          kuaidinum: waybillNo,
          interceptType: param.interceptType,
        });
      },
    });
  });

  return router;
}

function recipientProblems(value: unknown): string[] {
  if (!isRecord(value)) return ['recManInfo'];
  const info: Fields = value;
  const problems = missingStrings(info, ['name', 'printAddr']).map((f) => `recManInfo.${f}`);
  if (nonEmptyString(info.mobile) === undefined && nonEmptyString(info.tel) === undefined) problems.push('recManInfo.mobile');
  return problems;
}

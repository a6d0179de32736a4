import { Router, type Request, type Response } from 'express';
import { chinaDateTime } from '../../core/china-time';
import type { SimulationContext } from '../../core/context';
import { md5Base64 } from '../../core/crypto';
import { asRecord, isRecord, nonEmptyString, parseJsonObject, single, type Fields } from '../../core/fields';
import { ok, send, type Reply } from '../../core/reply';
import { simulate } from '../../core/simulate';
import { sfOpCode } from '../../tracking/codes';
import type { InstructionKind } from './instructions';
import type { CarrierState } from './state';

/**
 * SF Express open platform (丰桥) style: POST /carrier/sf/std/service with form fields partnerID,
 * requestID, serviceCode, timestamp, msgDigest, msgData. The envelope answers apiResultCode (A1000 =
 * the platform accepted the call) and apiResultData, a JSON *string* holding the business result
 * `{success, errorCode, errorMsg, msgData}`. Writes are idempotent by requestID.
 * Platform codes follow SF (A1000 ok, A1001 missing field, A1004 no such service, A1006 bad digest);
 * the business errorCodes (8013, 8014, 8252) are illustrative: SF's full list is not public.
 */

const SF_ROUTES_SERVICE = 'EXP_RECE_SEARCH_ROUTES';
const SF_INTERCEPT_SERVICE = 'EXP_RECE_WANTED_INTERCEPT';
/**
 * SF documents no urge (催件) service on the open platform; real urges go through its customer
 * service. This code is the simulator's own invention, prefixed SIM_ so nobody mistakes it for SF's.
 */
const SF_URGE_SERVICE = 'SIM_EXP_RECE_URGE_DELIVERY';

// EXP_RECE_WANTED_INTERCEPT's msgData.serviceCode: 1 转寄 (redirect), 2 退回 (return), 4 再派 (redeliver);
// the other codes (3 优派, 5 改自取, 7 改派送时间, 12 作废, ...) are held parcels for our purposes.
const INTERCEPT_KINDS: Record<string, InstructionKind> = { '1': 'redirect', '2': 'return', '4': 'redeliver' };

function envelope(ctx: SimulationContext, apiResultCode: string, apiErrorMsg: string, result?: Fields): Reply {
  return ok({
    apiResultCode,
    apiErrorMsg,
    apiResponseID: ctx.ids.next('SFRSP', 12),
    apiResultData: result === undefined ? null : JSON.stringify(result),
  });
}

function success(ctx: SimulationContext, msgData: unknown): Reply {
  return envelope(ctx, 'A1000', '', { success: true, errorCode: 'S0000', errorMsg: null, msgData });
}

function businessError(ctx: SimulationContext, errorCode: string, errorMsg: string): Reply {
  return envelope(ctx, 'A1000', '', { success: false, errorCode, errorMsg, msgData: null });
}

/**
 * msgDigest = base64(MD5(msgData + timestamp + checkWord)). SF's own SDKs URL-encode that string
 * before hashing, so both forms are accepted: the simulator must not reject a faithful SDK client.
 */
function digestMatches(form: Fields, checkWord: string): boolean {
  const text = `${String(form.msgData)}${String(form.timestamp)}${checkWord}`;
  const given = String(form.msgDigest);
  return given === md5Base64(text) || given === md5Base64(encodeURIComponent(text));
}

function trackingNumbers(msgData: Fields): string[] {
  const raw = msgData.trackingNumber;
  const list = Array.isArray(raw) ? raw : typeof raw === 'string' ? raw.split(',') : [];
  return list.filter((n): n is string => typeof n === 'string' && n.trim() !== '').map((n) => n.trim());
}

export function sfRoutes(ctx: SimulationContext, state: CarrierState): Router {
  const router = Router();

  const routesQuery = async (req: Request, res: Response, msgData: Fields): Promise<void> => {
    const numbers = trackingNumbers(msgData);
    if (numbers.length === 0) return send(res, businessError(ctx, '8013', '查询单号不能为空'));
    await simulate(ctx, req, res, {
      system: 'carrier',
      operation: 'tracking',
      refuse: () => businessError(ctx, '8014', '运单号不存在或无权查询'),
      perform: () =>
        success(ctx, {
          routeResps: numbers.map((mailNo) => ({
            mailNo,
            routes: state.tracking.trace(mailNo, 'SF').map((e) => ({
              acceptTime: chinaDateTime(new Date(e.occurredAt)),
              acceptAddress: e.location ?? '',
              remark: e.description ?? e.status,
              opCode: sfOpCode(e),
            })),
          })),
        }),
    });
  };

  const instruction = async (req: Request, res: Response, requestId: string, kind: InstructionKind, msgData: Fields): Promise<void> => {
    const waybillNo = nonEmptyString(msgData.waybillNo);
    if (waybillNo === undefined) return send(res, businessError(ctx, '8013', 'waybillNo 不能为空'));
    if (kind === 'redirect' && !isRecord(msgData.newDestAddress)) {
      return send(res, businessError(ctx, '8013', '转寄时 newDestAddress 不能为空'));
    }
    await simulate(ctx, req, res, {
      system: 'carrier',
      operation: kind,
      idempotencyKey: requestId,
      refuse: () => businessError(ctx, '8252', '快件已派送或已签收，不能进行此操作'),
      perform: () => {
        const ticketId = ctx.ids.next('SFTK');
        state.instructions.add({ ticketId, kind, carrier: 'SF', waybillNo, details: msgData, at: ctx.now().toISOString() });
        // A successful interception answers msgData null; the simulated urge hands back its ticket.
        return success(ctx, kind === 'urge' ? { waybillNo, ticketId } : null);
      },
    });
  };

  router.post('/std/service', async (req, res) => {
    const form = asRecord(req.body);
    const required = ['partnerID', 'requestID', 'serviceCode', 'timestamp', 'msgDigest', 'msgData'];
    const missing = required.filter((f) => nonEmptyString(single(form[f])) === undefined);
    if (missing.length > 0) return send(res, envelope(ctx, 'A1001', `必传参数不可为空: ${missing.join(', ')}`));
    if (!digestMatches(form, ctx.secrets.sfCheckWord)) return send(res, envelope(ctx, 'A1006', '数字签名无效'));
    const msgData = parseJsonObject(form.msgData);
    if (msgData === undefined) return send(res, envelope(ctx, 'A1001', 'msgData 不是合法的JSON对象'));
    const requestId = String(form.requestID);
    const serviceCode = String(form.serviceCode);

    if (serviceCode === SF_ROUTES_SERVICE) return routesQuery(req, res, msgData);
    if (serviceCode === SF_URGE_SERVICE) return instruction(req, res, requestId, 'urge', msgData);
    if (serviceCode === SF_INTERCEPT_SERVICE) {
      const kind = INTERCEPT_KINDS[String(msgData.serviceCode ?? '')] ?? 'intercept';
      return instruction(req, res, requestId, kind, msgData);
    }
    send(res, envelope(ctx, 'A1004', `无对应服务权限: ${serviceCode}`));
  });

  return router;
}

import { requestJson } from '../http/json-client';
import type { CarrierAnswer, CarrierGateway } from './carrier-gateway';

/**
 * The generic carrier open API (JSON, `Idempotency-Key` header, `{code, message, data}` answers,
 * code 0 meaning success) used for carriers without an adapter of their own.
 */

interface GenericAnswer {
  code: number;
  message: string;
  data?: { ticketId?: string };
}

export function genericCarrierGateway(baseUrl: string): CarrierGateway {
  const call = async (operation: string, idempotencyKey: string, payload: Record<string, unknown>): Promise<CarrierAnswer> => {
    const { body } = await requestJson<GenericAnswer>({
      method: 'POST',
      url: `${baseUrl}/generic/v1/${operation}`,
      headers: { 'Idempotency-Key': idempotencyKey },
      json: payload,
    });
    if (body.code === 0) return { outcome: 'accepted', reference: body.data?.ticketId ?? idempotencyKey };
    return { outcome: 'refused', code: String(body.code), message: body.message };
  };
  return {
    urge: ({ idempotencyKey, carrier, waybillNo, reason }) => call('urge', idempotencyKey, { carrier, waybillNo, reason }),
  };
}

import type { Carrier } from '../../domain/types';

/**
 * What the case workflow asks of a carrier, whatever its API looks like. Adapters (generic open
 * API today; SF, JD and Kuaidi100 formats behind the same interface) translate to the wire.
 * A business refusal ("already out for delivery, cannot intercept") is an answer, not an error:
 * the workflow chooses the fallback.
 */

export interface CarrierRequestContext {
  idempotencyKey: string;
  carrier: Carrier;
  waybillNo: string;
}

export type CarrierAnswer =
  | { outcome: 'accepted'; reference: string }
  | { outcome: 'refused'; code: string; message: string };

export interface CarrierGateway {
  urge(request: CarrierRequestContext & { reason: string }): Promise<CarrierAnswer>;
}

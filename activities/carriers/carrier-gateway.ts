import type { TrackingEvent } from '../../domain/tracking';
import type { Carrier, DeliveryAddress } from '../../domain/types';

/**
 * What the case workflow asks of a carrier, whatever its API looks like. Adapters (the generic open
 * API, and the SF, JD and Kuaidi100 formats) translate to the wire behind this one interface; the
 * carrier router picks the adapter per carrier.
 *
 * Error contract, the same for every adapter:
 * - A business refusal ("already out for delivery, cannot intercept") is an answer,
 *   `{outcome: 'refused'}`, never an error: the workflow chooses the fallback.
 * - Transport errors, time-outs, 5xx and signature failures throw a plain Error, which Temporal
 *   retries by the activity's retry policy.
 * - A request the carrier calls malformed (4xx, "missing parameter") throws a non-retryable
 *   ApplicationFailure: retrying the same request cannot help.
 *
 * Idempotency: every write carries `idempotencyKey` the way its dialect dedupes (generic
 * `Idempotency-Key` header, SF `requestID`, Kuaidi100 `orderid`; JD dedupes intercepts by
 * `deliveryId`, which is the waybill itself). A retried call with the same key does not act twice
 * and answers what the first call answered.
 */

export interface CarrierRequestContext {
  idempotencyKey: string;
  carrier: Carrier;
  waybillNo: string;
}

export type CarrierAnswer = { outcome: 'accepted'; reference: string } | { outcome: 'refused'; code: string; message: string };

export type CarrierClaimStatus = {
  claimNo: string;
  status: 'filed' | 'accepted' | 'paid' | 'rejected';
  paidAmountFen?: number;
  detail?: string;
};

export interface CarrierGateway {
  /** 催件: ask the carrier to chase a parcel that is not moving. */
  urge(request: CarrierRequestContext & { reason: string }): Promise<CarrierAnswer>;
  /** 攔截: stop the parcel (hold it; where a carrier has a single intercept, that also returns it to the sender). */
  intercept(request: CarrierRequestContext & { reason: string }): Promise<CarrierAnswer>;
  /** 改址/轉寄: deliver to a new address (SF serviceCode 1, Kuaidi100 MODIFY_ADDR). */
  redirect(request: CarrierRequestContext & { newAddress: DeliveryAddress; reason: string }): Promise<CarrierAnswer>;
  /** 退回: send the parcel back to the sender. */
  returnToSender(request: CarrierRequestContext & { reason: string }): Promise<CarrierAnswer>;
  /** 再派: try the delivery again after a failed attempt. */
  redeliver(request: CarrierRequestContext & { reason: string }): Promise<CarrierAnswer>;
  /** 理賠: file a claim against the carrier; `reference` of an accepted answer is the claim number. */
  fileClaim(request: CarrierRequestContext & { amountFen: number; reason: string; evidence?: string[] }): Promise<CarrierAnswer>;
  /** One status query of a filed claim. */
  claimStatus(request: { carrier: Carrier; claimNo: string }): Promise<CarrierClaimStatus>;
  /**
   * The parcel's trace in canonical form, oldest first, each event keeping the carrier's raw code.
   * A waybill the carrier does not know answers an empty list.
   */
  track(request: { carrier: Carrier; waybillNo: string }): Promise<TrackingEvent[]>;
}

import type { DeliveryAddress } from '../../../domain/types';
import { carriers, failureDetail, RETRY_PROFILES } from '../../activity-proxies';
import type { CaseState } from '../state/case-state';

/**
 * Talking to the carrier: urges (催件) and instructions (攔截, 改址, 退回, 再派), each with an idempotency
 * key of the case id, the step and its ordinal.
 */

/** 催件: asks the carrier to chase the parcel; the n-th urge has its own idempotency key. */
export async function urgeCarrier(state: CaseState, attempt: number, reason: string): Promise<boolean> {
  const key = `${state.caseId}:urge:${attempt}`;
  const at = new Date().toISOString();
  try {
    const summary = `urge ${state.input.carrier} #${attempt} for ${state.input.waybillNo}`;
    const answer = await carriers.urgeCarrier.executeWithOptions({ ...RETRY_PROFILES.carrier, summary }, [
      { idempotencyKey: key, carrier: state.input.carrier, waybillNo: state.input.waybillNo, reason },
    ]);
    if (answer.outcome === 'accepted') {
      state.append('carrierRequests', { key, operation: 'urge', at, outcome: 'accepted', reference: answer.reference });
      state.record('carrier.urged', `urge #${attempt} accepted (${answer.reference})`, { key, attempt, reference: answer.reference });
      return true;
    }
    state.append('carrierRequests', { key, operation: 'urge', at, outcome: 'refused', detail: `${answer.code} ${answer.message}` });
    state.record('carrier.refused', `urge #${attempt} refused: ${answer.message}`, { key, attempt, code: answer.code, message: answer.message });
  } catch (error) {
    const detail = failureDetail(error);
    state.append('carrierRequests', { key, operation: 'urge', at, outcome: 'failed', detail });
    state.record('carrier.failed', `urge #${attempt} failed`, { key, attempt, detail });
  }
  return false;
}

export type CarrierInstruction = 'intercept' | 'redirect' | 'return' | 'redeliver';
export type InstructionResult = { outcome: 'accepted'; reference: string } | { outcome: 'refused' | 'failed'; detail: string };

/** Sends one instruction to the carrier; a refusal or failure is an answer the playbook acts on. */
export async function instructCarrier(
  state: CaseState,
  instruction: CarrierInstruction,
  reason: string,
  newAddress?: DeliveryAddress,
): Promise<InstructionResult> {
  // Numbered by the case's carried counter, so keys stay unique when older requests are cut from
  // the carried list.
  const attempt = state.nextCarrierRequestNumber(instruction);
  const key = `${state.caseId}:${instruction}:${attempt}`;
  const at = new Date().toISOString();
  const context = { idempotencyKey: key, carrier: state.input.carrier, waybillNo: state.input.waybillNo, reason };
  try {
    const answer =
      instruction === 'intercept'
        ? await carriers.interceptParcel(context)
        : instruction === 'redirect'
          ? await carriers.redirectParcel({ ...context, newAddress: newAddress as DeliveryAddress })
          : instruction === 'return'
            ? await carriers.returnParcelToSender(context)
            : await carriers.redeliverParcel(context);
    if (answer.outcome === 'accepted') {
      state.append('carrierRequests', { key, operation: instruction, at, outcome: 'accepted', reference: answer.reference });
      state.record(`carrier.${instruction}_accepted`, `${instruction} accepted (${answer.reference})`, { key, reference: answer.reference, reason });
      return { outcome: 'accepted', reference: answer.reference };
    }
    const detail = `${answer.code} ${answer.message}`;
    state.append('carrierRequests', { key, operation: instruction, at, outcome: 'refused', detail });
    state.record(`carrier.${instruction}_refused`, `${instruction} refused: ${answer.message}`, { key, code: answer.code, message: answer.message });
    return { outcome: 'refused', detail };
  } catch (error) {
    const detail = failureDetail(error);
    state.append('carrierRequests', { key, operation: instruction, at, outcome: 'failed', detail });
    state.record(`carrier.${instruction}_failed`, `${instruction} failed: ${detail}`, { key, detail });
    return { outcome: 'failed', detail };
  }
}

import { ActivityFailure, ApplicationFailure, isCancellation } from '@temporalio/workflow';
import { type Actor, type DeliveryAddress, type OrderItem, WORKFLOW_ACTOR } from '../../../domain/types';
import { failureDetail, warehouse, warehouseOrders } from '../../activity-proxies';
import type { AfterReturn, ReturnReceiptResume } from '../carry-over';
import { ContinueAsNewRequested, continueAsNewDue } from '../continue-as-new';
import type { CaseState } from '../state/case-state';
import { notifyCustomer } from './customer';

/**
 * Talking to the warehouse (WMS): reshipping, return orders and their receipt (入庫).
 */

export const itemsOf = (state: CaseState): OrderItem[] => state.input.items ?? [];

/**
 * `refused`: the WMS said no (no stock). `failed`: it rejected the request (4xx): nothing was
 * created either. `unknown`: no definite answer (time-outs, 5xx after the WMS may have acted): the
 * order may exist, so nothing may be done that assumes it does not (a refund, a new key).
 */
export type ReshipResult = { outcome: 'created'; waybillNo: string } | { outcome: 'refused' | 'failed' | 'unknown'; detail: string };

/**
 * 補發: the warehouse ships the part again; the customer gets the new waybill. Each attempt that
 * gets a definite answer has its own key (a refused one must not block a later retry); an attempt
 * whose outcome is unknown keeps its key: it is asked again, round after round (policy carrier
 * follow-ups), and if it stays unknown the next reship of the case asks under it first.
 */
export async function reship(
  state: CaseState,
  items: OrderItem[],
  reason: string,
  { actor = WORKFLOW_ACTOR, address }: { actor?: Actor; address?: DeliveryAddress } = {},
): Promise<ReshipResult> {
  const attempt = state.next('reshipAttempts');
  const key = `${state.caseId}:reship:${attempt}`;
  const request = { idempotencyKey: key, orderId: state.input.orderId, items, reason, ...(address ? { address } : {}) };
  const { followUpIntervalMs, maxFollowUps } = state.policy.carrier;
  let inDoubt = false;
  try {
    for (let round = 1; ; round++) {
      let result: Awaited<ReturnType<typeof warehouseOrders.createReshipment>>;
      try {
        result = await warehouseOrders.createReshipment(request);
        inDoubt = false;
      } catch (error) {
        const detail = failureDetail(error);
        if (isCancellation(error) || definite(error)) {
          state.record('wms.reship_failed', `reship failed: ${detail}`, { key, detail }, actor);
          return { outcome: 'failed', detail };
        }
        inDoubt = true;
        state.record('wms.reship_unknown', `reship ${key}: no definite answer (round ${round}): ${detail}`, { key, round, detail }, actor);
        if (round >= maxFollowUps) {
          state.record('wms.reship_in_doubt', `reship ${key} may or may not exist: the next reship asks under the same key`, { key, detail }, actor);
          return { outcome: 'unknown', detail };
        }
        // A playbook's wait gives way to an agent's resolve; an action's own reship does not.
        await state.waitUntil(() => false, followUpIntervalMs, `reship ${key}: asking the WMS again`, { interruptible: actor === WORKFLOW_ACTOR });
        continue;
      }
      if (result.outcome === 'refused') {
        state.record('wms.reship_refused', `reship refused: ${result.code} ${result.message}`, { key, code: result.code, message: result.message }, actor);
        return { outcome: 'refused', detail: `${result.code} ${result.message}` };
      }
      state.append('reshipments', {
        key,
        reshipOrderNo: result.reshipOrderNo,
        waybillNo: result.waybillNo,
        carrier: result.carrier,
        items,
        at: new Date().toISOString(),
      });
      state.record(
        'wms.reshipped',
        `reshipped ${items.map((item) => `${item.sku}×${item.qty}`).join(', ')} as ${result.carrier} ${result.waybillNo}`,
        {
          key,
          reshipOrderNo: result.reshipOrderNo,
          waybillNo: result.waybillNo,
          carrier: result.carrier,
          items,
          reason,
        },
        actor,
      );
      await notifyCustomer(state, `reshipped:${state.data.reshipments.length}`, 'case.reshipped', { newWaybillNo: result.waybillNo });
      return { outcome: 'created', waybillNo: result.waybillNo };
    }
  } finally {
    // Unknown (or interrupted while unknown): the key is not used up; the next reship reuses it.
    if (inDoubt) state.reuseReshipAttempt(attempt);
  }
}

/** A 4xx from the WMS (non-retryable): the request was rejected, nothing was created. */
function definite(error: unknown): boolean {
  return error instanceof ActivityFailure && error.cause instanceof ApplicationFailure && error.cause.nonRetryable === true;
}

/**
 * Opens a return order: the warehouse expects the parcel (an intercepted one on its way back, or
 * a pickup it books, 上門取件). The returnReceipt clock (退件入庫 ≤ 24 h) starts now.
 */
export async function expectReturn(
  state: CaseState,
  items: OrderItem[],
  reason: string,
  { pickup }: { pickup: boolean },
): Promise<{ returnOrderNo: string } | undefined> {
  const key = `${state.caseId}:return:${state.next('returnAttempts')}`;
  try {
    const result = await warehouse.createReturnOrder({
      idempotencyKey: key,
      orderId: state.input.orderId,
      items: items.length ? items : await orderedItems(state),
      reason,
      ...(pickup ? {} : { waybillNo: state.input.waybillNo }),
    });
    if (result.outcome === 'refused') {
      state.record('wms.return_refused', `return order refused: ${result.message}`, { key, code: result.code, message: result.message });
      return undefined;
    }
    state.append('returns', {
      key,
      returnOrderNo: result.returnOrderNo,
      ...(result.pickupWaybillNo ? { pickupWaybillNo: result.pickupWaybillNo } : {}),
      status: result.status,
      at: new Date().toISOString(),
    });
    const expected = { key, returnOrderNo: result.returnOrderNo, pickupWaybillNo: result.pickupWaybillNo ?? null, pickup };
    const by = pickup && result.pickupWaybillNo ? `, pickup ${result.pickupWaybillNo}` : '';
    state.record('wms.return_expected', `return ${result.returnOrderNo} expected${by}`, expected);
    state.clocks.start('returnReceipt');
    if (pickup && result.pickupWaybillNo) {
      await notifyCustomer(state, `return-pickup:${state.data.returns.length}`, 'return.pickup', { returnWaybillNo: result.pickupWaybillNo });
    }
    return { returnOrderNo: result.returnOrderNo };
  } catch (error) {
    const detail = failureDetail(error);
    state.record('wms.return_failed', `return order failed: ${detail}`, { key, detail });
    return undefined;
  }
}

/**
 * Waiting for a return can last days (a pickup the customer misses, a parcel on its way back);
 * each check adds to the history. The wait is a continue-as-new point: the next run polls on and
 * does what the playbook would have done (`AfterReturn`).
 */
export function returnReceiptCut(returnOrderNo: string, then: AfterReturn): ReturnReceiptResume {
  return { phase: 'return-receipt', returnOrderNo, then };
}

/**
 * Checks the warehouse at the follow-up interval until the return is received (入庫). With
 * `cutAt`, a wait between checks may end the run (continue-as-new) and resume there.
 */
export async function awaitReturnReceipt(state: CaseState, returnOrderNo: string, cutAt?: ReturnReceiptResume): Promise<void> {
  // Between checks: the follow-up interval, or less when the history is due to be cut.
  const pause = async (summary: string) => {
    await state.waitUntil(() => cutAt !== undefined && continueAsNewDue(state), state.policy.carrier.followUpIntervalMs, summary);
    if (cutAt && state.data.interruption === undefined && continueAsNewDue(state)) throw new ContinueAsNewRequested(cutAt);
  };
  state.setStatus('WAITING_RETURN', `waiting for return ${returnOrderNo} to reach the warehouse`);
  for (;;) {
    let order: { status: string; receivedAt?: string };
    try {
      order = await warehouse.getReturnOrder({ returnOrderNo });
    } catch (error) {
      // The WMS is down (or lost the order): keep looking; the returnReceipt clock escalates.
      state.record('wms.return_check_failed', `return ${returnOrderNo}: ${failureDetail(error)}`, { returnOrderNo, detail: failureDetail(error) });
      await pause(`return ${returnOrderNo} (WMS unavailable)`);
      continue;
    }
    const expected = state.data.returns.find((entry) => entry.returnOrderNo === returnOrderNo);
    if (expected && expected.status !== order.status) {
      state.updateReturn(returnOrderNo, { status: order.status });
      state.record('wms.return_status', `return ${returnOrderNo}: ${order.status}`, { returnOrderNo, status: order.status });
    }
    if (order.status === 'RECEIVED') {
      state.updateReturn(returnOrderNo, { receivedAt: order.receivedAt ?? new Date().toISOString() });
      state.clocks.stop('returnReceipt', 'received into the warehouse');
      state.record('wms.return_received', `return ${returnOrderNo} received into the warehouse`, { returnOrderNo });
      await notifyCustomer(state, `return-received:${returnOrderNo}`, 'return.received');
      state.setStatus('IN_PROGRESS', 'return received');
      return;
    }
    await pause(`return ${returnOrderNo} (${order.status})`);
  }
}

/** A case opened without items: the warehouse knows what the order held. */
async function orderedItems(state: CaseState): Promise<OrderItem[]> {
  try {
    return (await warehouse.getPickRecord({ orderId: state.input.orderId })).ordered;
  } catch {
    return [];
  }
}

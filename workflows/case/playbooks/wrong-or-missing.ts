import { ActivityFailure } from '@temporalio/workflow';
import type { CaseState } from '../state/case-state';
import { awaitReturnReceipt, expectReturn, reship, returnReceiptCut } from '../steps/warehouse';
import { handOver } from '../steps/hand-over';
import { followUpSupplier } from '../steps/supplier';
import { itemsOf } from '../steps/warehouse';
import { acknowledgeCustomer, notifyCustomer } from '../steps/customer';
import { resolveCase } from '../steps/resolution';
import { failureDetail, warehouse as wms } from '../../activity-proxies';

/**
 * WRONG_ITEM / MISSING_ITEM (錯發漏發). Our warehouse's shipments: the pick record says what went
 * wrong; the right or missing part is reshipped, and a wrong part comes back (上門取件) into the
 * warehouse. A supplier's shipments: the supplier is followed up to ship it right.
 */
export async function wrongOrMissingPlaybook(state: CaseState): Promise<void> {
  await acknowledgeCustomer(state);
  if (state.input.supplierId) {
    await supplierPath(state);
    return;
  }

  state.setStatus('WAITING_WAREHOUSE', 'checking the warehouse pick record');
  let pick: Awaited<ReturnType<typeof warehouse>>;
  try {
    pick = await warehouse(state);
  } catch (error) {
    // No pick record (an order the WMS does not know, the WMS down past its retries): a person
    // checks the shipment; the case itself must not fail.
    if (!(error instanceof ActivityFailure)) throw error;
    const detail = failureDetail(error);
    state.record('wms.pick_check_failed', `pick record unavailable: ${detail}`, { detail });
    await handOver(state, 'no pick record from the warehouse: check the shipment by hand');
    return;
  }
  const wrong = state.data.currentType === 'WRONG_ITEM';
  const toSend = pick.missing.length ? pick.missing : wrong ? itemsOf(state) : [];
  if (!toSend.length) {
    await handOver(state, 'the pick record matches the order: check with the carrier and the customer');
    return;
  }
  const shipped = await reship(state, toSend, wrong ? 'wrong part shipped' : 'part missing from the parcel');
  if (shipped.outcome !== 'created') {
    await handOver(state, `reship ${shipped.outcome}: ${shipped.detail}`);
    return;
  }
  if (wrong) {
    const back = pick.unexpected.length ? pick.unexpected : toSend;
    const order = await expectReturn(state, back, 'wrong part: return pickup', { pickup: true });
    const summary = `${wrong ? 'right part' : 'missing part'} reshipped as ${shipped.waybillNo}`;
    if (order) await awaitReturnReceipt(state, order.returnOrderNo, returnReceiptCut(order.returnOrderNo, { kind: 'resolve', outcome: 'reshipped', summary }));
  }
  await resolveCase(state, 'reshipped', `${wrong ? 'right part' : 'missing part'} reshipped as ${shipped.waybillNo}`, 'case.resolved');
}

/** 揀貨記錄: what the warehouse picked against what was ordered. */
async function warehouse(state: CaseState) {
  const pick = await wms.getPickRecord({ orderId: state.input.orderId });
  state.record('wms.pick_checked', `pick record: ${pick.missing.length} missing, ${pick.unexpected.length} unexpected`, {
    missing: pick.missing,
    unexpected: pick.unexpected,
  });
  return pick;
}

async function supplierPath(state: CaseState): Promise<void> {
  const items =
    itemsOf(state)
      .map((item) => `${item.sku}×${item.qty}`)
      .join('、') || '订单配件';
  const request =
    state.data.currentType === 'WRONG_ITEM'
      ? `订单${state.input.orderId}错发，请补发正确配件（${items}）并回复新运单号`
      : `订单${state.input.orderId}漏发，请补发缺件（${items}）并回复新运单号`;
  const outcome = await followUpSupplier(state, request);
  if (outcome.outcome === 'replied' && outcome.reply?.action === 'reshipped' && outcome.reply.waybillNo) {
    await notifyCustomer(state, 'supplier-reshipped', 'case.reshipped', { newWaybillNo: outcome.reply.waybillNo });
    await resolveCase(state, 'supplier-reshipped', `supplier reshipped as ${outcome.reply.waybillNo}`, 'case.resolved');
    return;
  }
  await handOver(state, outcome.outcome === 'replied' ? `supplier answered "${outcome.reply?.action}": decide the next step` : 'supplier did not answer');
}

import { activityDependenciesFromConfig, createActivities } from '../../activities';
import type { Db } from '../../store/database';
import { loadConfig } from '../../config';
import { NEW_ADDRESS } from './carrier-contract';
import { requestPath, useSimulators } from './helpers';

const sims = useSimulators();

/** The activities as the worker builds them from configuration (dev credentials, simulator URLs). */
function activities() {
  const url = sims().url;
  const config = loadConfig({ APP_PROFILE: 'dev', CARRIER_API_URL: `${url}/carrier`, WMS_API_URL: `${url}/wms`, PAYMENTS_API_URL: `${url}/payments` });
  // The database is only used by persistCase and sendNotification, which these tests do not call.
  return createActivities(activityDependenciesFromConfig(config, {} as Db));
}

const lastPath = (operation: string) => {
  const entries = sims().ledger.entries({ operation });
  return requestPath(entries[entries.length - 1]);
};

describe('activities wired from configuration', () => {
  it('urgeCarrier goes through the router', async () => {
    const a = activities();
    expect((await a.urgeCarrier({ idempotencyKey: 'u1', carrier: 'SF', waybillNo: 'SF1', reason: '催件' })).outcome).toBe('accepted');
    expect(lastPath('urge')).toBe('/carrier/sf/std/service');
    expect((await a.urgeCarrier({ idempotencyKey: 'u2', carrier: 'HUOLALA', waybillNo: 'H1', reason: '催件' })).outcome).toBe('accepted');
    expect(lastPath('urge')).toBe('/carrier/generic/v1/urge');
  });

  it('exposes every carrier operation', async () => {
    const a = activities();
    const base = { carrier: 'JD' as const, waybillNo: 'JDVA1', reason: 'r' };
    expect((await a.interceptParcel({ ...base, idempotencyKey: 'i1' })).outcome).toBe('accepted');
    expect(lastPath('intercept')).toBe('/carrier/jd/routerjson');
    expect((await a.redirectParcel({ ...base, idempotencyKey: 'r1', newAddress: NEW_ADDRESS })).outcome).toBe('accepted');
    expect((await a.returnParcelToSender({ ...base, idempotencyKey: 'r2' })).outcome).toBe('accepted');
    expect((await a.redeliverParcel({ ...base, idempotencyKey: 'r3' })).outcome).toBe('accepted');
    const claim = await a.fileCarrierClaim({ ...base, idempotencyKey: 'c1', amountFen: 100 });
    if (claim.outcome !== 'accepted') throw new Error('refused');
    expect(await a.getCarrierClaimStatus({ carrier: 'JD', claimNo: claim.reference })).toMatchObject({ status: 'accepted' });
    expect((await a.trackParcel({ carrier: 'JD', waybillNo: 'JDVA1' })).length).toBeGreaterThan(0);
  });

  it('exposes the WMS and payments', async () => {
    const a = activities();
    expect(await a.getPickRecord({ orderId: 'O1' })).toMatchObject({ missing: [], unexpected: [] });
    expect((await a.createReshipment({ idempotencyKey: 'rs1', orderId: 'O1', items: [{ sku: 'A', qty: 1 }], reason: '漏发' })).outcome).toBe('created');
    const ret = await a.createReturnOrder({ idempotencyKey: 'rt1', orderId: 'O1', items: [{ sku: 'B', qty: 1 }], reason: '错发' });
    if (ret.outcome !== 'created') throw new Error('refused');
    expect((await a.getReturnOrder({ returnOrderNo: ret.returnOrderNo })).status).toBe('PICKED_UP');
    const input = { idempotencyKey: 'p1', caseId: 'case-1', payeeId: 'store-1', amountFen: 100, reason: '赔付' };
    expect((await a.payCustomer(input)).replayed).toBe(false);
    expect((await a.payCustomer(input)).replayed).toBe(true);
  });
});

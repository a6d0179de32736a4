import { carrierRouterFromEndpoints } from '../../activities/carriers/carrier-router';
import type { Carrier } from '../../domain/types';
import { DEV_CREDENTIALS, requestPath, useSimulators } from './helpers';

const sims = useSimulators();

async function interceptPath(router: ReturnType<typeof carrierRouterFromEndpoints>, carrier: Carrier): Promise<string> {
  const key = `route-${carrier}`;
  const answer = await router.intercept({ idempotencyKey: key, carrier, waybillNo: `${carrier}-1`, reason: 'r' });
  expect(answer.outcome).toBe('accepted');
  const entries = sims().ledger.entries({ operation: 'intercept' });
  return requestPath(entries[entries.length - 1]);
}

describe('carrier router', () => {
  it('sends SF to the SF API, JD to JOS, and the others to the generic open API', async () => {
    const router = carrierRouterFromEndpoints({ baseUrl: `${sims().url}/carrier`, credentials: DEV_CREDENTIALS });
    expect(await interceptPath(router, 'SF')).toBe('/carrier/sf/std/service');
    expect(await interceptPath(router, 'JD')).toBe('/carrier/jd/routerjson');
    expect(await interceptPath(router, 'HUOLALA')).toBe('/carrier/generic/v1/intercept');
    expect(await interceptPath(router, 'SHENGSHENG')).toBe('/carrier/generic/v1/intercept');
    expect(await interceptPath(router, 'OTHER')).toBe('/carrier/generic/v1/intercept');
    expect((['SF', 'JD', 'HUOLALA', 'SHENGSHENG', 'OTHER'] as const).map((c) => router.dialectFor(c))).toEqual(['sf', 'jd', 'generic', 'generic', 'generic']);
  });

  it('takes a configured mapping, e.g. OTHER through Kuaidi100', async () => {
    const router = carrierRouterFromEndpoints({
      baseUrl: `${sims().url}/carrier`,
      credentials: DEV_CREDENTIALS,
      routes: { OTHER: 'kuaidi100', SF: 'generic' },
    });
    expect(await interceptPath(router, 'OTHER')).toBe('/carrier/kuaidi100/label/order');
    expect(await interceptPath(router, 'SF')).toBe('/carrier/generic/v1/intercept');
    const [event] = await router.track({ carrier: 'OTHER', waybillNo: 'OT1' });
    expect(event?.provider).toBe('kuaidi100');
  });

  it('sends a carrier whose dialect has no credentials through the generic open API', async () => {
    const router = carrierRouterFromEndpoints({ baseUrl: `${sims().url}/carrier`, credentials: { jd: DEV_CREDENTIALS.jd } });
    expect(router.dialectFor('SF')).toBe('generic');
    expect(await interceptPath(router, 'SF')).toBe('/carrier/generic/v1/intercept');
    expect(await interceptPath(router, 'JD')).toBe('/carrier/jd/routerjson');
  });

  it('routes every operation, tracking and claims included, by the carrier', async () => {
    const router = carrierRouterFromEndpoints({ baseUrl: `${sims().url}/carrier`, credentials: DEV_CREDENTIALS });
    expect((await router.track({ carrier: 'JD', waybillNo: 'JD1' }))[0]?.provider).toBe('jd');
    expect((await router.track({ carrier: 'SF', waybillNo: 'SF1' }))[0]?.provider).toBe('sf');
    expect((await router.track({ carrier: 'HUOLALA', waybillNo: 'H1' }))[0]?.provider).toBe('generic');
    const filed = await router.fileClaim({ idempotencyKey: 'c1', carrier: 'SF', waybillNo: 'SF1', amountFen: 100, reason: '遗失' });
    if (filed.outcome !== 'accepted') throw new Error('refused');
    expect((await router.claimStatus({ carrier: 'SF', claimNo: filed.reference })).status).toBe('accepted');
  });
});

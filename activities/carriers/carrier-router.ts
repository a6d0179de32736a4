import type { CarrierCredentials } from '../../config';
import { CARRIERS, type Carrier } from '../../domain/types';
import type { CarrierGateway } from './carrier-gateway';
import { genericCarrierGateway } from './generic-carrier';
import { jdCarrierGateway } from './jd-carrier';
import { kuaidi100CarrierGateway } from './kuaidi100-carrier';
import { sfCarrierGateway } from './sf-carrier';

/**
 * Picks the adapter for each carrier. Default: SF through the SF dialect, JD through the JD dialect,
 * everyone else (HUOLALA, SHENGSHENG, OTHER) through the generic open API. The mapping is
 * configurable, e.g. `{ OTHER: 'kuaidi100' }` sends OTHER through the Kuaidi100 aggregator.
 * A carrier whose dialect has no adapter configured (no credentials in this deployment) uses the
 * generic open API, so the router never fails on a carrier it was not told about.
 */

type CarrierDialect = 'generic' | 'sf' | 'jd' | 'kuaidi100';

const DEFAULT_CARRIER_ROUTES: Record<Carrier, CarrierDialect> = {
  SF: 'sf',
  JD: 'jd',
  HUOLALA: 'generic',
  SHENGSHENG: 'generic',
  OTHER: 'generic',
};

interface CarrierRouterOptions {
  gateways: { generic: CarrierGateway } & Partial<Record<Exclude<CarrierDialect, 'generic'>, CarrierGateway>>;
  /** Overrides of DEFAULT_CARRIER_ROUTES. */
  routes?: Partial<Record<Carrier, CarrierDialect>>;
}

export interface CarrierRouter extends CarrierGateway {
  /** Which dialect serves a carrier (after falling back for unconfigured dialects). */
  dialectFor(carrier: Carrier): CarrierDialect;
}

function carrierRouter(options: CarrierRouterOptions): CarrierRouter {
  const routes: Record<Carrier, CarrierDialect> = { ...DEFAULT_CARRIER_ROUTES, ...options.routes };
  const dialectFor = (carrier: Carrier): CarrierDialect => {
    const wanted = routes[carrier] ?? 'generic';
    return options.gateways[wanted] !== undefined ? wanted : 'generic';
  };
  const pick = (carrier: Carrier): CarrierGateway => {
    if (!(CARRIERS as readonly string[]).includes(carrier)) {
      // Not a carrier of ours (a typo in workflow input): still served by the generic API, which
      // names the carrier in the request, rather than failing the activity forever.
      return options.gateways.generic;
    }
    return options.gateways[dialectFor(carrier)] ?? options.gateways.generic;
  };
  return {
    dialectFor,
    urge: (r) => pick(r.carrier).urge(r),
    intercept: (r) => pick(r.carrier).intercept(r),
    redirect: (r) => pick(r.carrier).redirect(r),
    returnToSender: (r) => pick(r.carrier).returnToSender(r),
    redeliver: (r) => pick(r.carrier).redeliver(r),
    fileClaim: (r) => pick(r.carrier).fileClaim(r),
    claimStatus: (r) => pick(r.carrier).claimStatus(r),
    track: (r) => pick(r.carrier).track(r),
  };
}

export interface CarrierEndpointsOptions {
  /** Root of the carrier APIs: the generic API under /generic/v1, SF under /sf, JD under /jd, Kuaidi100 under /kuaidi100 (the simulators' layout). */
  baseUrl: string;
  credentials: CarrierCredentials;
  routes?: Partial<Record<Carrier, CarrierDialect>>;
  /** SF urge service code; null sends SF urges through the generic API (see sf-carrier.ts). */
  sfUrgeServiceCode?: string | null;
}

/** The router with every dialect whose credentials are configured. */
export function carrierRouterFromEndpoints(options: CarrierEndpointsOptions): CarrierRouter {
  const generic = genericCarrierGateway(options.baseUrl);
  const { sf, jd, kuaidi100 } = options.credentials;
  return carrierRouter({
    gateways: {
      generic,
      ...(sf
        ? {
            sf: sfCarrierGateway({
              serviceUrl: `${options.baseUrl}/sf/std/service`,
              partnerId: sf.partnerId,
              checkWord: sf.checkWord,
              fallback: generic,
              ...(options.sfUrgeServiceCode !== undefined ? { urgeServiceCode: options.sfUrgeServiceCode } : {}),
            }),
          }
        : {}),
      ...(jd ? { jd: jdCarrierGateway({ routerUrl: `${options.baseUrl}/jd/routerjson`, ...jd, fallback: generic }) } : {}),
      ...(kuaidi100 ? { kuaidi100: kuaidi100CarrierGateway({ baseUrl: `${options.baseUrl}/kuaidi100`, ...kuaidi100, fallback: generic }) } : {}),
    },
    ...(options.routes ? { routes: options.routes } : {}),
  });
}

import { Context } from '@temporalio/activity';
import type { AppConfig } from '../config';
import { recordClaim, type RecordClaimInput } from './claims/claim-store';
import type { NotificationRecord } from '../domain/case-view';
import type { TrackingEvent } from '../domain/tracking';
import type { Carrier, DeliveryAddress, NotificationChannel } from '../domain/types';
import type { CarrierAnswer, CarrierClaimStatus, CarrierGateway, CarrierRequestContext } from './carriers/carrier-gateway';
import { carrierRouterFromEndpoints } from './carriers/carrier-router';
import { inappChannel, smsChannel, wecomChannel, type NotificationChannelAdapter } from './notifications/channels';
import { sendNotification, type SendNotificationInput } from './notifications/notify';
import { sendNoticeChannels, type SendNoticeChannelsInput } from './notifications/send-notice-channels';
import { paymentsClient, type PayCustomerInput, type PaymentsClient, type PayoutResult } from './payments/payments-client';
import { findOpenCaseForWaybill, type OpenCaseFound, type OpenCaseLookup } from '../store/case-lookup';
import { findIncidentCases, type FindIncidentCasesInput, type IncidentCase } from './incidents/incident-cases';
import { persistCase, type PersistCaseInput, type PersistCaseResult } from '../store/case-store';
import type { Db } from '../store/database';
import { createSupplierActivities } from './suppliers/supplier-activities';
import { createOmsActivities } from './oms/oms-activities';
import { createPayoutScreeningActivities } from './claims/payout-screening';
import { createShipmentNoticeActivities } from './notifications/shipment-notices';
import { omsClient, type OmsClient } from './oms/oms-client';
import { createTrackedCaseActivities } from './tracking/tracking-activities';
import type { TrackedCaseDefaults } from './tracking/tracked-cases';
import { createWatchlistActivities } from './tracking/watchlist-activities';
import {
  wmsClient,
  type CreateReshipmentInput,
  type CreateReturnOrderInput,
  type PickRecordResult,
  type ReshipmentResult,
  type ReturnOrderResult,
  type ReturnOrderStatus,
  type WmsClient,
} from './wms/wms-client';

export type { OpenCaseFound } from '../store/case-lookup';

/**
 * The activities the case workflow may call, built from their dependencies (a factory, so tests
 * and the worker wire real databases and real HTTP endpoints the same way), one factory per area.
 * Workflows import only the areas' types (`StoreActivities`, `CarrierActivities`, ...).
 */

export interface ActivityDependencies {
  db: Db;
  /** The carrier router: one adapter per carrier (SF, JD, Kuaidi100 dialects, the generic open API). */
  carriers: CarrierGateway;
  channels: Record<NotificationChannel, NotificationChannelAdapter>;
  wms: WmsClient;
  payments: PaymentsClient;
  /** The platform's order system: orders, customers and stores by waybill. */
  oms: OmsClient;
  /** What a case opened from tracking is opened with (policy, staff routing, the key sealing its start request). */
  trackedCaseDefaults: TrackedCaseDefaults;
}

/** The read model, audit trail and claims table (PostgreSQL). */
function createStoreActivities(deps: Pick<ActivityDependencies, 'db'>) {
  return {
    /** Writes the snapshot to the read model and appends the audit events (idempotent). */
    async persistCase(input: PersistCaseInput): Promise<PersistCaseResult> {
      return persistCase(deps.db, input);
    },
    /** A page of the open cases an incident matches (read model, keyset cursor). */
    async findIncidentCases(input: FindIncidentCasesInput): Promise<IncidentCase[]> {
      return findIncidentCases(deps.db, input);
    },
    /** Another open case for this waybill and type, if any (read model; before a type conversion). */
    async findOpenCaseForWaybill(input: OpenCaseLookup): Promise<OpenCaseFound | undefined> {
      return findOpenCaseForWaybill(deps.db, input);
    },
    /** Keeps the claims table current for a claim's every step (idempotent upsert). */
    async recordClaim(input: RecordClaimInput): Promise<void> {
      return recordClaim(deps.db, input);
    },
    /** 供應商跟進: the supplier follow-up's scorecard row (idempotent upsert). */
    ...createSupplierActivities(deps.db),
  };
}

/** Notices to customers and staff (SMS, WeCom, in-app), once per key through the outbox. */
function createNotificationActivities(deps: Pick<ActivityDependencies, 'db' | 'channels'>) {
  return {
    /** Sends one customer or staff notification, at most once per idempotency key. */
    async sendNotification(input: SendNotificationInput): Promise<NotificationRecord> {
      return sendNotification(deps.db, deps.channels, input);
    },
    /** One notice on each of its channels, each at most once per its own idempotency key. */
    async sendNoticeChannels(input: SendNoticeChannelsInput): Promise<NotificationRecord[]> {
      return sendNoticeChannels((notice) => sendNotification(deps.db, deps.channels, notice), input, Context.current().info.attempt);
    },
  };
}

/** The carriers: urges, instructions, claims and tracking, through the carrier router. */
function createCarrierActivities(deps: Pick<ActivityDependencies, 'carriers'>) {
  return {
    /** 催件: asks the carrier to chase a parcel that is not moving. */
    async urgeCarrier(input: CarrierRequestContext & { reason: string }): Promise<CarrierAnswer> {
      return deps.carriers.urge(input);
    },
    /** 攔截: stop the parcel (refused when it is already out for delivery or delivered). */
    async interceptParcel(input: CarrierRequestContext & { reason: string }): Promise<CarrierAnswer> {
      return deps.carriers.intercept(input);
    },
    /** 改址: deliver to a new address. */
    async redirectParcel(input: CarrierRequestContext & { newAddress: DeliveryAddress; reason: string }): Promise<CarrierAnswer> {
      return deps.carriers.redirect(input);
    },
    /** 退回: send the parcel back to the sender. */
    async returnParcelToSender(input: CarrierRequestContext & { reason: string }): Promise<CarrierAnswer> {
      return deps.carriers.returnToSender(input);
    },
    /** 再派: another delivery attempt after a failed one. */
    async redeliverParcel(input: CarrierRequestContext & { reason: string }): Promise<CarrierAnswer> {
      return deps.carriers.redeliver(input);
    },
    /** 理賠: files a claim with the carrier; an accepted answer's `reference` is the claim number. */
    async fileCarrierClaim(input: CarrierRequestContext & { amountFen: number; reason: string; evidence?: string[] }): Promise<CarrierAnswer> {
      return deps.carriers.fileClaim(input);
    },
    /** One status query of a carrier claim (poll it until `paid` or `rejected`). */
    async getCarrierClaimStatus(input: { carrier: Carrier; claimNo: string }): Promise<CarrierClaimStatus> {
      return deps.carriers.claimStatus(input);
    },
    /** The parcel's trace in canonical form, oldest first (empty when the carrier knows nothing of it). */
    async trackParcel(input: { carrier: Carrier; waybillNo: string }): Promise<TrackingEvent[]> {
      return deps.carriers.track(input);
    },
  };
}

/** The warehouse (WMS): pick records, reships, return orders. */
function createWarehouseActivities(deps: Pick<ActivityDependencies, 'wms'>) {
  return {
    /** WMS pick record compared with the order: what is missing and what was picked by mistake. */
    async getPickRecord(input: { orderId: string }): Promise<PickRecordResult> {
      return deps.wms.getPickRecord(input);
    },
    /** 補發: a reship order in the WMS (refused, e.g. STOCK_SHORTAGE, is an answer). */
    async createReshipment(input: CreateReshipmentInput): Promise<ReshipmentResult> {
      return deps.wms.createReshipment(input);
    },
    /** 退貨: a reverse-pickup order in the WMS. */
    async createReturnOrder(input: CreateReturnOrderInput): Promise<ReturnOrderResult> {
      return deps.wms.createReturnOrder(input);
    },
    /** One status query of a return order (CREATED → PICKED_UP → RECEIVED). */
    async getReturnOrder(input: { returnOrderNo: string }): Promise<ReturnOrderStatus> {
      return deps.wms.getReturnOrder(input);
    },
  };
}

/** Payments: payouts and refunds, at most once per key. */
function createPaymentActivities(deps: Pick<ActivityDependencies, 'payments'>) {
  return {
    /** 先行賠付 / refund: pays the customer at most once per idempotency key, even across crashes. */
    async payCustomer(input: PayCustomerInput): Promise<PayoutResult> {
      return deps.payments.payCustomer(input);
    },
  };
}

export type StoreActivities = ReturnType<typeof createStoreActivities>;
export type NotificationActivities = ReturnType<typeof createNotificationActivities>;
export type CarrierActivities = ReturnType<typeof createCarrierActivities>;
export type WarehouseActivities = ReturnType<typeof createWarehouseActivities>;
export type PaymentActivities = ReturnType<typeof createPaymentActivities>;
export type TrackedCaseActivities = ReturnType<typeof createTrackedCaseActivities>;
export type WatchlistActivities = ReturnType<typeof createWatchlistActivities>;
export type { OmsActivities } from './oms/oms-activities';
export type { PayoutScreeningActivities } from './claims/payout-screening';

/** Every activity the worker registers: one factory per area. */
export function createActivities(deps: ActivityDependencies) {
  return {
    ...createStoreActivities(deps),
    ...createNotificationActivities(deps),
    ...createCarrierActivities(deps),
    ...createWarehouseActivities(deps),
    ...createPaymentActivities(deps),
    ...createOmsActivities(deps),
    ...createPayoutScreeningActivities(deps),
    // Proactive shipment notices (主動觸達): contacts, open-case check, outcome record, WeCom outbox hand-over.
    ...createShipmentNoticeActivities(deps),
    ...createTrackedCaseActivities(deps),
    ...createWatchlistActivities(deps),
  };
}

/** Dependencies wired to the configured endpoints (the simulators in the dev stack). */
export function activityDependenciesFromConfig(config: AppConfig, db: Db): ActivityDependencies {
  return {
    db,
    carriers: carrierRouterFromEndpoints({ baseUrl: config.endpoints.carrier, credentials: config.carrierCredentials }),
    channels: {
      sms: smsChannel(config.endpoints.sms),
      wecom: wecomChannel(config.endpoints.wecom),
      inapp: inappChannel(config.endpoints.inapp),
    },
    wms: wmsClient(config.endpoints.wms),
    payments: paymentsClient(config.endpoints.payments),
    oms: omsClient(config.endpoints.oms),
    trackedCaseDefaults: {
      policy: config.slaPolicy,
      opsWecomKey: config.opsWecomKey,
      payloadEncryptionKey: config.payloadEncryptionKey,
      ...(config.caseHistoryLimit !== undefined ? { historyLimit: config.caseHistoryLimit } : {}),
    },
  };
}

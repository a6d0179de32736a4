import type { AppConfig } from '../config';
import type { NotificationRecord } from '../domain/case-view';
import type { NotificationChannel } from '../domain/types';
import type { CarrierAnswer, CarrierGateway, CarrierRequestContext } from './carriers/carrier-gateway';
import { genericCarrierGateway } from './carriers/generic-carrier';
import { inappChannel, smsChannel, wecomChannel, type NotificationChannelAdapter } from './notifications/channels';
import { sendNotification, type SendNotificationInput } from './notifications/notify';
import { persistCase, type PersistCaseInput, type PersistCaseResult } from './store/case-store';
import type { Db } from './store/database';

/**
 * The activities the case workflow may call, built from their dependencies (a factory, so tests
 * and the worker wire real databases and real HTTP endpoints the same way). The workflow imports
 * only the `CaseActivities` type.
 */

export interface ActivityDependencies {
  db: Db;
  carriers: CarrierGateway;
  channels: Record<NotificationChannel, NotificationChannelAdapter>;
}

export function createActivities(deps: ActivityDependencies) {
  return {
    /** Writes the snapshot to the read model and appends the audit events (idempotent). */
    async persistCase(input: PersistCaseInput): Promise<PersistCaseResult> {
      return persistCase(deps.db, input);
    },
    /** Sends one customer or staff notification, at most once per idempotency key. */
    async sendNotification(input: SendNotificationInput): Promise<NotificationRecord> {
      return sendNotification(deps.db, deps.channels, input);
    },
    /** 催件: asks the carrier to chase a parcel that is not moving. */
    async urgeCarrier(input: CarrierRequestContext & { reason: string }): Promise<CarrierAnswer> {
      return deps.carriers.urge(input);
    },
  };
}

export type CaseActivities = ReturnType<typeof createActivities>;

/** Dependencies wired to the configured endpoints (the simulators in the dev stack). */
export function activityDependenciesFromConfig(config: AppConfig, db: Db): ActivityDependencies {
  return {
    db,
    carriers: genericCarrierGateway(config.endpoints.carrier),
    channels: {
      sms: smsChannel(config.endpoints.sms),
      wecom: wecomChannel(config.endpoints.wecom),
      inapp: inappChannel(config.endpoints.inapp),
    },
  };
}

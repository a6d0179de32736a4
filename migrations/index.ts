import { Migrator, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import * as readModel from './0001_read_model';
import * as auditAnchor from './0002_audit_anchor';
import * as supplierFollowUps from './0003_supplier_follow_ups';
import * as claims from './0004_claims';
import * as inboundDelivery from './0005_inbound_delivery';
import * as notificationLease from './0007_notification_lease';
import * as piiErasureReason from './0008_pii_erasure_reason';
import * as notificationDeliveryUnknown from './0009_notification_delivery_unknown';
import * as trackingIn from './0010_tracking_in';
import * as writeGeneration from './0030_write_generation';
import * as breachedCasesIndex from './0040_breached_cases_index';
import * as shipmentNotices from './0050_shipment_notices';
import * as idempotencyExpiry from './0060_idempotency_expiry';
import * as payoutScreenings from './0070_payout_screenings';
import * as workQueue from './0090_work_queue';
import * as knowledge from './0080_knowledge';
import * as customerCasesIndex from './0100_customer_cases_index';

/**
 * Migrations are listed here rather than discovered on disk, so they run the same under tsx,
 * jest and a compiled build.
 */
const MIGRATIONS: Record<string, Migration> = {
  '0001_read_model': readModel,
  '0002_audit_anchor': auditAnchor,
  '0003_supplier_follow_ups': supplierFollowUps,
  '0004_claims': claims,
  '0005_inbound_delivery': inboundDelivery,
  '0007_notification_lease': notificationLease,
  '0008_pii_erasure_reason': piiErasureReason,
  '0009_notification_delivery_unknown': notificationDeliveryUnknown,
  '0010_tracking_in': trackingIn,
  // Numbered in the order they landed: kysely refuses a migration that sorts before one a
  // database has already run.
  '0030_write_generation': writeGeneration,
  '0040_breached_cases_index': breachedCasesIndex,
  '0050_shipment_notices': shipmentNotices,
  '0060_idempotency_expiry': idempotencyExpiry,
  '0070_payout_screenings': payoutScreenings,
  '0090_work_queue': workQueue,
  '0080_knowledge': knowledge,
  '0100_customer_cases_index': customerCasesIndex,
};

const provider: MigrationProvider = { getMigrations: async () => MIGRATIONS };

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations run on any schema
export async function migrateToLatest(db: Kysely<any>): Promise<string[]> {
  const migrator = new Migrator({ db, provider });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((result) => result.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`migration ${failed} failed: ${(error as Error).message ?? String(error)}`);
  }
  return (results ?? []).filter((result) => result.status === 'Success').map((result) => result.migrationName);
}

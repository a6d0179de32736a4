/** The workflows this worker runs; the bundler starts here. */
export { caseWorkflow } from './case/case-workflow';
export { supplierFollowUpWorkflow } from './supplier/supplier-follow-up';
export { claimSettlementWorkflow } from './claims/claim-settlement';
export { incidentWorkflow } from './incidents/incident-workflow';
export { shipmentNoticesWorkflow } from './notices/shipment-notices';
export { wecomOutboxWorkflow } from './notices/wecom-outbox';
export { openTrackedCaseWorkflow } from './tracking/open-tracked-case';
export { watchlistWorkflow } from './tracking/watchlist';

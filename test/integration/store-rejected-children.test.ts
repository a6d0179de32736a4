import { randomUUID } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import { recordClaim } from '../../activities/claims/claim-store';
import { createSupplierActivities } from '../../activities/suppliers/supplier-activities';
import type { ClaimView } from '../../domain/claim';
import { claimSettlementWorkflow, supplierFollowUpWorkflow } from '../../workflows';
import { supplierFollowUpWorkflowId } from '../../workflows/supplier/contract';
import { testPolicy } from '../../fixtures/fast-policy';
import { startTestStack, uniqueWaybill, type TestStack } from '../helpers/test-stack';

/**
 * Store writes other than persistCase, reached from the claim and supplier child workflows: data
 * PostgreSQL refuses for good (a NUL in text) fails at once as a non-retryable StoreRejected, and
 * the child workflow records it and carries on instead of retrying the write for ever (issue 7,
 * item 1a: "no activity can be poisoned").
 */

let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.stop();
});

async function failureOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the write to fail');
}

const POISON = 'x\u0000y';

test('recordClaim: a claim view PostgreSQL refuses is StoreRejected, non-retryable', async () => {
  const view: ClaimView = {
    claimId: `CLM-${randomUUID().slice(0, 8)}`,
    status: 'PROPOSED',
    kind: 'goodwill',
    proposedBy: 'agent:test',
    proposedAt: new Date().toISOString(),
    reason: POISON,
    actualLossFen: 100,
  };
  const error = await failureOf(recordClaim(stack.db, { caseId: `CASE-${randomUUID().slice(0, 8)}`, carrier: 'SF', type: 'DAMAGED', view }));
  expect(error).toBeInstanceOf(ApplicationFailure);
  expect(error).toMatchObject({ type: 'StoreRejected', nonRetryable: true });
});

test('recordSupplierFollowUp: a row PostgreSQL refuses is StoreRejected, non-retryable', async () => {
  const error = await failureOf(
    createSupplierActivities(stack.db).recordSupplierFollowUp({
      caseId: `CASE-${randomUUID().slice(0, 8)}`,
      supplierId: 'SUP-1',
      orderId: POISON,
      type: 'WRONG_ITEM',
      startedAt: new Date().toISOString(),
      outcome: 'open',
      reminders: 0,
      escalatedToManager: false,
    }),
  );
  expect(error).toBeInstanceOf(ApplicationFailure);
  expect(error).toMatchObject({ type: 'StoreRejected', nonRetryable: true });
});

test('a supplier follow-up whose scorecard row is refused still follows up and ends, saying so', async () => {
  const caseId = `CASE-SUPX-${randomUUID().slice(0, 8)}`;
  const handle = await stack.client.workflow.start(supplierFollowUpWorkflow, {
    workflowId: supplierFollowUpWorkflowId(caseId),
    taskQueue: stack.config.temporal.taskQueue,
    args: [
      {
        caseId,
        supplierId: `SUP-${randomUUID().slice(0, 6)}`,
        orderId: `SO-${POISON}`,
        waybillNo: uniqueWaybill('JD'),
        type: 'WRONG_ITEM',
        request: '请补发正确配件',
        policy: { reminderIntervalMs: 1_000, maxReminders: 0, responseTargetMs: 2_000 },
      },
    ],
  });
  const result = await handle.result();
  expect(result).toMatchObject({ outcome: 'unanswered', scorecardRejected: expect.stringMatching(/StoreRejected|rejected by PostgreSQL/) });
  // The supplier was still asked.
  const asked = stack.simulators.ledger.entries({ system: 'wecom' }).filter((entry) => entry.idempotencyKey === `${caseId}:supplier:request:wecom`);
  expect(asked).toHaveLength(1);
}, 60_000);

test('a claim whose row is refused is still paid once, and the case hears of the refusal', async () => {
  const caseId = `CASE-CLMX-${randomUUID().slice(0, 8)}`;
  const claimId = `${caseId}-C1`;
  const policy = testPolicy();
  const handle = await stack.client.workflow.start(claimSettlementWorkflow, {
    workflowId: `${caseId}/claim-1`,
    taskQueue: stack.config.temporal.taskQueue,
    args: [
      {
        caseId,
        claimId,
        type: 'DAMAGED',
        carrier: 'SF',
        waybillNo: uniqueWaybill('SF'),
        orderId: 'SO-1',
        payeeId: 'shop-1',
        proposal: { kind: 'goodwill', actualLossFen: 1_000, reason: `sorry ${POISON}` },
        proposedBy: { kind: 'user', role: 'agent', id: 'agent:test' },
        goods: {},
        recoverFrom: 'none',
        verifyTrajectory: false,
        policy: { claims: policy.claims, lost: policy.lost, carrier: policy.carrier },
      },
    ],
  });
  const view = await handle.result();
  expect(view).toMatchObject({ status: 'PAID', storeRejected: expect.stringMatching(/rejected by PostgreSQL/) });
  const payouts = stack.simulators.ledger.entries({ system: 'payments' }).filter((entry) => entry.idempotencyKey?.startsWith(`${claimId}:payout`));
  expect(payouts.length).toBeGreaterThanOrEqual(1);
}, 60_000);

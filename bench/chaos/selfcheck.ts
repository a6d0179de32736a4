import assert from 'node:assert/strict';
import {
  doubleNotifications,
  doublePayouts,
  doubleWmsOrders,
  duplicateActions,
  readModelMismatches,
  recovery,
  processCrashes,
  unverifiedChains,
  wrongEndStates,
  lateCases,
  type LedgerEntryLike,
} from './checks';

/**
 * A jest-free self-check of the chaos run's checkers (`npx tsx bench/chaos/selfcheck.ts`, also run
 * by `npm run chaos -- --self-check`): each checker must pass clean data and catch the fault it is
 * for, so a green chaos run means the system was right, not that a checker was blind.
 */

const A = 'CASE-20261124-AAAAAAAA';
const B = 'CASE-20261124-BBBBBBBB';
let seq = 0;
function entry(
  system: string,
  operation: string,
  key: string | undefined,
  body: Record<string, unknown>,
  response: Record<string, unknown>,
  replay = false,
): LedgerEntryLike {
  seq += 1;
  return {
    seq,
    at: new Date(0).toISOString(),
    system,
    operation,
    ...(key ? { idempotencyKey: key } : {}),
    replay,
    status: 200,
    request: { method: 'POST', path: '/', query: {}, body },
    response,
  };
}

const checks: Array<[string, () => void]> = [
  [
    'wrongEndStates: CLOSED passes; a stuck case, an unopened one and a driver error are caught',
    () => {
      const rows = [
        { caseId: A, status: 'CLOSED', tier: 1, version: 9 },
        { caseId: B, status: 'IN_PROGRESS', tier: 2, version: 4 },
      ];
      assert.equal(wrongEndStates([{ caseId: A, type: 'LOST', orderId: 'o1', finalStatus: 'CLOSED' }], rows, 'CLOSED').value, 0);
      const caught = wrongEndStates(
        [
          { caseId: A, type: 'LOST', orderId: 'o1', finalStatus: 'CLOSED', error: 'gave up' },
          { caseId: B, type: 'DAMAGED', orderId: 'o2', finalStatus: 'IN_PROGRESS' },
          { type: 'DELAYED', orderId: 'o3', error: 'open → 503' },
        ],
        rows,
        'CLOSED',
      );
      assert.equal(caught.value, 3);
      assert.equal(caught.pass, false);
      assert.deepEqual(
        caught.offenders.map((o) => o.caseId),
        [A, B, undefined],
      );
      // Past the client's deadline: judged by where the case ended, and counted as late.
      const slow = [
        { caseId: A, type: 'LOST', orderId: 'o1', finalStatus: 'AWAITING_FEEDBACK', error: 'not CLOSED after 600000 ms', pastDeadline: true },
        { caseId: B, type: 'DAMAGED', orderId: 'o2', finalStatus: 'IN_PROGRESS', error: 'not CLOSED after 600000 ms', pastDeadline: true },
      ];
      assert.deepEqual(
        wrongEndStates(slow, rows, 'CLOSED').offenders.map((o) => o.caseId),
        [B],
      );
      assert.deepEqual(
        lateCases(slow, rows, 'CLOSED').offenders.map((o) => o.caseId),
        [A],
      );
    },
  ],
  [
    'doublePayouts: replays and failed payouts do not count; a second key for a case does',
    () => {
      const paid = { status: 'SUCCEEDED' };
      const clean = [
        entry('payments', 'payout', 'k1', { caseId: A, amountFen: 100 }, paid),
        entry('payments', 'payout', 'k1', { caseId: A, amountFen: 100 }, paid, true),
        entry('payments', 'payout', 'k2', { caseId: B, amountFen: 100 }, { status: 'FAILED' }),
        entry('payments', 'payout', 'k3', { caseId: B, amountFen: 100 }, paid),
      ];
      assert.equal(doublePayouts(clean).value, 0);
      const doubled = [...clean, entry('payments', 'payout', 'k4', { caseId: A, amountFen: 100 }, paid)];
      const caught = doublePayouts(doubled);
      assert.equal(caught.value, 1);
      assert.equal(caught.offenders[0]?.caseId, A);
    },
  ],
  [
    'doubleNotifications: one message per key; a repeat under the same key is caught, refusals ignored',
    () => {
      const key = `${A}:sla-warning:handling:1`;
      const clean = [
        entry('sms', 'send', key, {}, { Code: 'OK' }),
        entry('sms', 'send', key, {}, { Code: 'isv.BUSINESS_LIMIT_CONTROL' }),
        entry('wecom', 'send', key, {}, { errcode: 0 }),
        entry('inapp', 'send', 'k-in', {}, { messageId: 'm1' }),
        entry('wecom', 'send', undefined, {}, { errcode: 0 }),
      ];
      const ok = doubleNotifications(clean);
      assert.equal(ok.value, 0);
      assert.equal(ok.withoutKey, 1);
      const caught = doubleNotifications([...clean, entry('sms', 'send', key, {}, { Code: 'OK' })]);
      assert.equal(caught.value, 1);
      assert.equal(caught.offenders[0]?.caseId, A);
    },
  ],
  [
    'doubleWmsOrders: one reship per order; a second reship under another key is caught, a refusal is not',
    () => {
      const clean = [
        entry('wms', 'reship-order', 'r1', { orderId: 'SO-1' }, { reshipOrderNo: 'RS1' }),
        entry('wms', 'reship-order', 'r1', { orderId: 'SO-1' }, { reshipOrderNo: 'RS1' }, true),
        entry('wms', 'reship-order', 'r2', { orderId: 'SO-2' }, { errorCode: 'STOCK_SHORTAGE' }),
        entry('wms', 'return-order', 'x1', { orderId: 'SO-1' }, { returnOrderNo: 'RT1' }),
      ];
      const caseOf = (orderId: string) => (orderId === 'SO-1' ? A : B);
      assert.equal(doubleWmsOrders(clean, caseOf).value, 0);
      const caught = doubleWmsOrders([...clean, entry('wms', 'reship-order', 'r3', { orderId: 'SO-1' }, { reshipOrderNo: 'RS2' })], caseOf);
      assert.equal(caught.value, 1);
      assert.equal(caught.offenders[0]?.caseId, A);
    },
  ],
  [
    'readModelMismatches: equal rows pass; status, tier or version drift and unreadable workflows are caught',
    () => {
      const rows = [
        { caseId: A, status: 'CLOSED', tier: 1, version: 9 },
        { caseId: B, status: 'CLOSED', tier: 2, version: 12 },
      ];
      assert.equal(
        readModelMismatches(rows, [
          { caseId: A, status: 'CLOSED', tier: 1, version: 9 },
          { caseId: B, status: 'CLOSED', tier: 2, version: 12 },
        ]).value,
        0,
      );
      const caught = readModelMismatches(rows, [
        { caseId: A, status: 'CLOSED', tier: 1, version: 10 },
        { caseId: B, error: 'query timed out' },
        { caseId: 'CASE-20261124-CCCCCCCC', status: 'OPEN', tier: 1, version: 1 },
      ]);
      assert.equal(caught.value, 3);
    },
  ],
  [
    'unverifiedChains: only verified trails pass',
    () => {
      assert.equal(unverifiedChains([{ caseId: A, verified: true }]).value, 0);
      assert.equal(
        unverifiedChains([
          { caseId: A, verified: true },
          { caseId: B, verified: false },
        ]).offenders[0]?.caseId,
        B,
      );
    },
  ],
  [
    'recovery: p50 and max over the kills; a slow or missing recovery fails the goal',
    () => {
      const ok = recovery(
        [
          { killedAt: 'a', seconds: 2 },
          { killedAt: 'b', seconds: 4 },
          { killedAt: 'c', seconds: 9 },
        ],
        15,
      );
      assert.equal(ok.pass, true);
      assert.equal(ok.p50, 4);
      assert.equal(ok.max, 9);
      assert.equal(recovery([{ killedAt: 'a', seconds: 20 }], 15).pass, false);
      assert.equal(recovery([{ killedAt: 'a' }], 15).value, 1);
      // A kill while nothing moved, or with the run's last few cases asleep on timers, is not judged.
      assert.equal(recovery([{ killedAt: 'a', notJudged: 'no case moved since the previous kill' }], 15).pass, true);
      const tail = recovery(
        [
          { killedAt: 'a', seconds: 2 },
          { killedAt: 'b', notJudged: '2 cases in flight', seconds: 40 },
        ],
        15,
      );
      assert.equal(tail.pass, true);
      assert.equal(tail.max, 2);
      assert.equal(tail.notJudged, 1);
    },
  ],
  [
    'duplicateActions: as many effects as requests passes; a retried request that took effect twice is caught',
    () => {
      const run = { caseId: A, type: 'DAMAGED', orderId: 'o1', actions: ['agent:add-evidence', 'agent:propose-claim', 'system:feedback'] };
      const once = { caseId: A, verified: true, kinds: { 'evidence.added': 1, 'claim.proposed': 1, 'feedback.received': 1 } };
      assert.equal(duplicateActions([run], [once]).value, 0);
      const twice = { ...once, kinds: { ...once.kinds, 'evidence.added': 3 } };
      const caught = duplicateActions([run], [twice]);
      assert.equal(caught.value, 1);
      assert.match(caught.offenders[0]?.detail ?? '', /3 × evidence.added for 1 add-evidence/);
      // A LOST playbook proposes its own claim: not the client's action, not judged.
      const lost = { caseId: A, type: 'LOST', orderId: 'o2', actions: [] };
      assert.equal(duplicateActions([lost], [{ caseId: A, verified: true, kinds: { 'claim.proposed': 1 } }]).value, 0);
    },
  ],
  [
    'processCrashes: none passes; an exit names the process and the error line',
    () => {
      assert.equal(processCrashes([]).pass, true);
      const caught = processCrashes([
        { name: 'api', at: 'now', code: 1, signal: null, tail: '  throw er;\nerror: terminating connection due to administrator command\n' },
      ]);
      assert.equal(caught.pass, false);
      assert.match(caught.offenders[0]?.detail ?? '', /api exited with 1 .*terminating connection/);
      assert.equal(processCrashes([{ name: 'api', at: 'now', code: 1, signal: null, tail: '' }], true).pass, true);
    },
  ],
];

let failed = 0;
for (const [name, check] of checks) {
  try {
    check();
    console.log(`ok   ${name}`);
  } catch (error) {
    failed += 1;
    console.log(`FAIL ${name}\n     ${(error as Error).message}`);
  }
}
console.log(failed ? `${failed} of ${checks.length} self-checks failed` : `all ${checks.length} self-checks passed`);
process.exitCode = failed ? 1 : 0;

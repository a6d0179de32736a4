import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';
import { HISTORIES_DIR } from '../helpers/histories';
import { installTemporalRuntime } from '../../worker/runtime';
import { caseDataConverter } from '../../codec/data-converter';
import { DEV_PAYLOAD_CODEC_KEYS, parsePayloadKeyRing } from '../../config/payload-keys';

installTemporalRuntime('ERROR');

/**
 * Determinism is tested, not hoped for: every history recorded from a real run (RECORD_HISTORIES=1
 * while running the integration tests) must replay on today's workflow code. A change that would
 * break running cases fails here and must go through patched().
 */

const files = readdirSync(HISTORIES_DIR)
  .filter((file) => file.endsWith('.json'))
  .sort();

test('recorded histories exist for every playbook, the claim and supplier children, and the pre-patch DELAYED cases', () => {
  expect(files).toEqual(
    expect.arrayContaining([
      'delayed-closed-by-feedback.json',
      // Each generation of the case's writes: local activities, activities, in-task (the newest).
      'delayed-lean-history.json',
      'delayed-activity-writes.json',
      'delayed-in-task-writes.json',
      'delayed-breach-escalated.json',
      'delayed-no-feedback.json',
      // Recorded before the total-delay and background-notice patches: they replay on the old path.
      'delayed-closed-by-feedback-before-patches.json',
      'delayed-breach-escalated-before-patches.json',
      'playbook-lost-below-the-agent-limit.json',
      'playbook-lost-below-the-agent-limit-claim.json',
      'playbook-damaged.json',
      'playbook-wrong-item-from-our-warehouse.json',
      'playbook-wrong-item-shipped-by-a-supplier-supplier.json',
      'playbook-missing-item-from-our-warehouse.json',
      'playbook-address-change-accepted.json',
      'playbook-address-change-refused.json',
      'playbook-intercept-accepted.json',
      'playbook-intercept-refused.json',
      'playbook-refused.json',
      'playbook-return-exchange.json',
      'low-score-reopen.json',
    ]),
  );
});

/**
 * Histories recorded before the payload codec are in clear and pass through it; ones recorded
 * since are encrypted under the dev key the test stack runs on (RECORD_HISTORIES=1 keeps them so).
 */
const dataConverter = caseDataConverter({ payloadCodec: parsePayloadKeyRing(DEV_PAYLOAD_CODEC_KEYS) });

test.each(files)('%s replays on the current workflow code', async (file) => {
  const history = historyFromJSON(JSON.parse(readFileSync(join(HISTORIES_DIR, file), 'utf8')));
  const bundlePath = process.env.TEST_WORKFLOW_BUNDLE as string;
  await Worker.runReplayHistory({ workflowBundle: { codePath: bundlePath }, dataConverter }, history, file.replace(/\.json$/, ''));
});

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
 * Determinism is tested, not hoped for: every history recorded from a real run of the current
 * build (RECORD_HISTORIES=1 while running the integration tests) must replay on today's workflow
 * code. Running cases stay on the build they began on (Worker Versioning, docs/operations.md), so
 * a change that alters commands ships as a new build, and its histories are recorded anew with it;
 * a change that fails here without meaning to is a determinism bug.
 */

const files = readdirSync(HISTORIES_DIR)
  .filter((file) => file.endsWith('.json'))
  .sort();

test('recorded histories exist for every playbook and the claim and supplier children', () => {
  expect(files).toEqual(
    expect.arrayContaining([
      'delayed-closed-by-feedback.json',
      'delayed-breach-escalated.json',
      'delayed-no-feedback.json',
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

/** Histories are encrypted under the dev key the test stack runs on (RECORD_HISTORIES=1 keeps them so). */
const dataConverter = caseDataConverter({ payloadCodec: parsePayloadKeyRing(DEV_PAYLOAD_CODEC_KEYS) });

test.each(files)('%s replays on the current workflow code', async (file) => {
  const history = historyFromJSON(JSON.parse(readFileSync(join(HISTORIES_DIR, file), 'utf8')));
  const bundlePath = process.env.TEST_WORKFLOW_BUNDLE as string;
  await Worker.runReplayHistory({ workflowBundle: { codePath: bundlePath }, dataConverter }, history, file.replace(/\.json$/, ''));
});

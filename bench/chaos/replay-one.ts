import { readFileSync } from 'node:fs';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';
import { caseDataConverter } from '../../codec/data-converter';
import { DEV_PAYLOAD_CODEC_KEYS, parsePayloadKeyRing } from '../../config/payload-keys';

/**
 * Replays one exported history (`temporal workflow show -o json`) on a workflow bundle, to tell a
 * case that jammed with a nondeterminism error under chaos from one that replays cleanly:
 * `npx tsx bench/chaos/replay-one.ts <history.json> <bundle.js>` (the run leaves its bundle in its log dir).
 */
async function main(): Promise<void> {
  const [file, bundle] = process.argv.slice(2);
  if (!file || !bundle) throw new Error('usage: tsx bench/chaos/replay-one.ts <history.json> <workflow-bundle.js>');
  const history = historyFromJSON(JSON.parse(readFileSync(file, 'utf8')));
  // The run's payloads are encrypted: the dev key unless PAYLOAD_CODEC_KEYS says otherwise.
  const payloadCodec = parsePayloadKeyRing(process.env.PAYLOAD_CODEC_KEYS ?? DEV_PAYLOAD_CODEC_KEYS, process.env.PAYLOAD_CODEC_KEY_ID);
  await Worker.runReplayHistory({ workflowBundle: { codePath: bundle }, dataConverter: caseDataConverter({ payloadCodec }) }, history, file);
  console.log(`${file}: replays cleanly`);
}

main().catch((error: unknown) => {
  console.error(`replay failed: ${(error as Error).message}`);
  process.exit(1);
});

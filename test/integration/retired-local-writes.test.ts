import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';
import { HISTORIES_DIR } from '../helpers/histories';
import { installTemporalRuntime } from '../../worker/runtime';
import { caseDataConverter } from '../../codec/data-converter';
import { DEV_PAYLOAD_CODEC_KEYS, parsePayloadKeyRing } from '../../config/payload-keys';
import { WRITES_AS_ACTIVITIES_PATCH } from '../../workflows/case/state/case-writer';

installTemporalRuntime('ERROR');

/**
 * Two cases of a 1,000-case chaos run that jammed for good, kept as they were. Both began on the
 * lean history, whose writes were local activities, and in both a workflow task that re-ran a
 * local write after a worker was killed also carried other results: live, the local write's
 * result came last (it ran while the task was open); on replay it comes with the task's other
 * jobs, so the coroutines resume in another order and number their commands differently. The
 * history cannot say when a local result arrived, so no code can replay these two: they are the
 * shape the case's writes left (WRITES_AS_ACTIVITIES_PATCH), not histories the current build must
 * replay (those are in test/histories/ and replay in replay.test.ts). New runs cannot take this
 * shape: writes-at-defined-points.test.ts shows a new case writes with activities only, and a lean
 * case switching at its first write after a deploy.
 */

const RETIRED = join(HISTORIES_DIR, 'retired');
const dataConverter = caseDataConverter({ payloadCodec: parsePayloadKeyRing(DEV_PAYLOAD_CODEC_KEYS) });

const cases = [
  {
    file: 'lean-local-write-reordered-activity.json',
    // A DAMAGED case: the re-run write (local activity 28) and the completion of a notice (activity 29).
    error: "Activity id of scheduled event '31' does not match activity id of activity command '32'",
  },
  {
    file: 'lean-local-write-reordered-update.json',
    // A LOST case: a re-run write, search-attribute upserts and an update's answer in one task.
    error: 'Update machine does not handle this event: HistoryEvent(id: 207, UpsertWorkflowSearchAttributes',
  },
];

type History = ReturnType<typeof historyFromJSON>;

function localWriteMarkers(history: History): number {
  return (history.events ?? []).filter((event) => {
    if (event.markerRecordedEventAttributes?.markerName !== 'core_local_activity') return false;
    const data = event.markerRecordedEventAttributes.details?.data?.payloads?.[0]?.data;
    return data !== undefined && data !== null && Buffer.from(data).toString('utf8').includes('"activity_type":"persistCase"');
  }).length;
}

function mentions(history: History, text: string): boolean {
  return JSON.stringify(history).includes(text);
}

test.each(cases)('$file: a local write re-run after a worker kill replays out of order ($error)', async ({ file, error }) => {
  const history = historyFromJSON(JSON.parse(readFileSync(join(RETIRED, file), 'utf8')));
  // The shape: writes through local activities, from before writes became activities.
  expect(localWriteMarkers(history)).toBeGreaterThan(0);
  expect(mentions(history, WRITES_AS_ACTIVITIES_PATCH)).toBe(false);
  const replay = Worker.runReplayHistory(
    { workflowBundle: { codePath: process.env.TEST_WORKFLOW_BUNDLE as string }, dataConverter },
    history,
    file.replace(/\.json$/, ''),
  );
  await expect(replay).rejects.toThrow(error);
});

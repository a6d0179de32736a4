import { AuditTrail } from '../../workflows/case/state/audit-trail';
import { WORKFLOW_ACTOR } from '../../domain/types';

/**
 * A case's in-task write can fail to land (the store refuses it, or an earlier write died with
 * its worker): the store says how far its trail goes, and the case hands the later events over
 * again, in order, ahead of the ones it never handed over.
 */

function trailWith(count: number): AuditTrail {
  const trail = new AuditTrail();
  for (let i = 0; i < count; i++) trail.append('case.note_added', `note ${i + 1}`, { i }, WORKFLOW_ACTOR);
  return trail;
}

const seqs = (events: Array<{ seq: number }>) => events.map((event) => event.seq);

test('events after what the store holds are unsaved again, before the ones never handed over', () => {
  const trail = trailWith(5);
  trail.saved(trail.unsaved().slice(0, 4)); // 1–4 handed over, 5 not yet
  expect(seqs(trail.unsaved())).toEqual([5]);

  expect(trail.handOverAgain(2)).toBeUndefined();
  expect(seqs(trail.unsaved())).toEqual([3, 4, 5]);
  // Handed over again, they are not doubled on the next failure either.
  expect(trail.handOverAgain(2)).toBeUndefined();
  expect(seqs(trail.unsaved())).toEqual([3, 4, 5]);
});

test('nothing changes when the store holds everything handed over', () => {
  const trail = trailWith(3);
  trail.saved(trail.unsaved());
  expect(trail.handOverAgain(3)).toBeUndefined();
  expect(trail.hasUnsaved()).toBe(false);
});

test("the run's last write carries every event it still holds, handed over or not", () => {
  const trail = trailWith(4);
  trail.saved(trail.unsaved().slice(0, 2));
  expect(seqs(trail.keptThisRun())).toEqual([1, 2, 3, 4]);
});

test('events this run no longer holds are named: the first seq it cannot hand over again', () => {
  // A run carried on from an earlier one starts its numbering after the earlier run's events.
  const trail = new AuditTrail({ seq: 10, timeline: [] });
  trail.append('case.note_added', 'note', {}, WORKFLOW_ACTOR);
  trail.append('case.note_added', 'note', {}, WORKFLOW_ACTOR);
  trail.saved(trail.unsaved());
  expect(trail.handOverAgain(8)).toBe(9);
  expect(seqs(trail.unsaved())).toEqual([11, 12]);
});

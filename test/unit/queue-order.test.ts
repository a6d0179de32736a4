import { compareQueueItems, timeLeftSeconds, type QueueOrderFields } from '../../api/queue/queue-order';

/** The queue's order: breached first, then the earliest due time, then the oldest; no clock last. */

const at = (iso: string) => new Date(iso);
const item = (caseId: string, slaBreached: boolean, due: string | null, opened = '2026-12-01T00:00:00Z'): QueueOrderFields => ({
  caseId,
  slaBreached,
  slaDueAt: due === null ? null : at(due),
  openedAt: at(opened),
});

describe('queue order', () => {
  test('breached first, then by due time, cases without a clock last, ties by age then id', () => {
    const items = [
      item('no-clock', false, null),
      item('due-late', false, '2026-12-08T12:00:00Z'),
      item('breached-late', true, '2026-12-08T01:00:00Z'),
      item('due-soon', false, '2026-12-08T02:00:00Z'),
      item('breached-early', true, '2026-12-07T23:00:00Z'),
      item('tie-b', false, '2026-12-08T03:00:00Z', '2026-12-01T00:00:00Z'),
      item('tie-a', false, '2026-12-08T03:00:00Z', '2026-12-01T00:00:00Z'),
      item('tie-older', false, '2026-12-08T03:00:00Z', '2026-11-30T00:00:00Z'),
    ];
    expect([...items].sort(compareQueueItems).map((entry) => entry.caseId)).toEqual([
      'breached-early',
      'breached-late',
      'due-soon',
      'tie-older',
      'tie-a',
      'tie-b',
      'due-late',
      'no-clock',
    ]);
  });

  test('a breached case without a due time still comes before unbreached ones', () => {
    const sorted = [item('due', false, '2026-12-08T00:00:00Z'), item('breached', true, null)].sort(compareQueueItems);
    expect(sorted.map((entry) => entry.caseId)).toEqual(['breached', 'due']);
  });

  test('time left is whole seconds, negative once past due, null without a clock', () => {
    const now = Date.parse('2026-12-08T00:00:00Z');
    expect(timeLeftSeconds(at('2026-12-08T00:01:30.900Z'), now)).toBe(90);
    expect(timeLeftSeconds(at('2026-12-07T23:59:00Z'), now)).toBe(-60);
    expect(timeLeftSeconds(null, now)).toBeNull();
  });
});

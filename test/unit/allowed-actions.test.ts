import { allowedActions } from '../../domain/allowed-actions';
import type { FeedbackRecord } from '../../domain/case-view';
import { CASE_STATUSES, ROLES, type CaseStatus, type Role } from '../../domain/types';

const FEEDBACK: FeedbackRecord = { score: 4, channel: 'sms', at: '2026-11-25T10:00:00.000Z' };

describe('allowedActions: feedback', () => {
  test.each<Role>(['system', 'agent'])('%s may record feedback while the case awaits it', (role) => {
    expect(allowedActions({ status: 'AWAITING_FEEDBACK' }, role)).toEqual(['feedback']);
  });

  test.each(ROLES.filter((role) => role !== 'system' && role !== 'agent'))('%s may not record feedback', (role) => {
    expect(allowedActions({ status: 'AWAITING_FEEDBACK' }, role)).toEqual([]);
  });

  test.each<Role>(['system', 'agent'])('%s may not record feedback a second time', (role) => {
    expect(allowedActions({ status: 'AWAITING_FEEDBACK', feedback: FEEDBACK }, role)).toEqual([]);
  });

  const otherStatuses = CASE_STATUSES.filter((status) => status !== 'AWAITING_FEEDBACK');
  test.each(otherStatuses.flatMap((status) => (['system', 'agent'] as Role[]).map((role) => [status, role] as [CaseStatus, Role])))(
    'no feedback in status %s, even for %s',
    (status, role) => {
      expect(allowedActions({ status }, role)).toEqual([]);
    },
  );
});

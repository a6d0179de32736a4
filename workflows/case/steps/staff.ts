import { CARRIER_NAMES_ZH, type TemplateId } from '../../../domain/notification-templates';
import type { CaseState } from '../state/case-state';
import { sendOne } from './send-notice';

/**
 * Talking to staff: the operations group hears of escalations and SLA warnings (WeCom).
 */

/** Tells the operations group (WeCom) about an escalation or an SLA warning. */
export async function notifyStaff(state: CaseState, step: string, template: TemplateId, extra: Record<string, string>): Promise<void> {
  const { input } = state;
  await sendOne(
    state,
    `${input.caseId}:${step}:wecom`,
    'wecom',
    template,
    {
      userId: state.data.assignee,
      wecomKey: input.staff.opsWecomKey,
    },
    {
      caseId: input.caseId,
      type: state.data.currentType,
      priority: state.data.priority,
      tier: String(state.data.tier),
      assignee: state.data.assignee,
      carrierName: CARRIER_NAMES_ZH[input.carrier] ?? input.carrier,
      waybillNo: input.waybillNo,
      ...extra,
    },
  );
}

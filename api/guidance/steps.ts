import type { CaseView } from '../../domain/case-view';
import type { SlaPolicy } from '../../domain/sla-policy';
import { CARRIER_NAMES_ZH } from '../../domain/notification-templates';
import { formatYuan } from '../../domain/compensation';

/**
 * Where a case stands in its playbook, in words an agent reads (docs/knowledge.md → Guidance).
 * Pure: from the case view (status, type, clocks, carrier requests, evidence, remedy, claim,
 * feedback), the SLA policy's intervals and the present time, to a step id, a summary with the
 * case's own times (Asia/Shanghai) and the actions that step uses. The step ids name the scripts
 * in knowledge/scripts/ (their `step` front matter).
 */

export const GUIDANCE_STEPS = [
  'common.acknowledge',
  'delayed.urge-carrier',
  'delayed.await-delivery',
  'lost.verify',
  'lost.compensate',
  'lost.track-recovery',
  'damaged.collect-evidence',
  'damaged.assess',
  'claim.approve',
  'claim.pay',
  'claim.payout-failed',
  'wrong-item.warehouse-check',
  'wrong-item.supplier-follow-up',
  'wrong-item.await-return',
  'address-change.redirect',
  'intercept.await-return',
  'refused.await-remedy',
  'refused.await-delivery',
  'return-exchange.await-return',
  'evidence.await',
  'handover.decide',
  'resolved.await-feedback',
  'closed',
] as const;
export type GuidanceStep = (typeof GUIDANCE_STEPS)[number];

export interface StepGuidance {
  step: GuidanceStep;
  summary: string;
  /** The actions this step uses, before intersecting with what the caller may do. */
  actions: string[];
}

const TIME_ZONE = 'Asia/Shanghai';
const timeFormat = new Intl.DateTimeFormat('en-CA', {
  timeZone: TIME_ZONE,
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

/** An instant as an agent in China reads it: `12-08 15:20` (Asia/Shanghai). */
export function localTime(at: string | number | Date): string {
  const parts = Object.fromEntries(timeFormat.formatToParts(new Date(at)).map((part) => [part.type, part.value]));
  return `${parts.month}-${parts.day} ${parts.hour}:${parts.minute}`;
}

export const carrierName = (view: Pick<CaseView, 'carrier'>): string => CARRIER_NAMES_ZH[view.carrier] ?? view.carrier;

const COMMON = ['note', 'reply', 'log-call'];

function clockDue(view: CaseView, name: string): string | undefined {
  const clock = view.clocks.find((candidate) => candidate.name === name && candidate.state !== 'stopped');
  return clock?.dueAt;
}

function dueText(view: CaseView, name: string, label: string): string {
  const due = clockDue(view, name);
  return due ? `；${label} ${localTime(due)} 到期` : '';
}

function delayedGuidance(view: CaseView, policy: Pick<SlaPolicy, 'delayed'> | undefined): StepGuidance {
  const carrier = carrierName(view);
  const urges = view.carrierRequests.filter((request) => request.operation === 'urge');
  const accepted = urges.filter((request) => request.outcome === 'accepted').length;
  const last = urges.at(-1);
  const parts = [`催${carrier}：已催件 ${urges.length} 次（受理 ${accepted} 次）`];
  if (policy && last && urges.length < policy.delayed.maxUrges) {
    parts.push(`第 ${urges.length + 1} 次催件 ${localTime(Date.parse(last.at) + policy.delayed.urgeIntervalMs)} 到期`);
  }
  if (policy) {
    const since = Date.parse(view.tracking.lastEventAt ?? view.openedAt);
    parts.push(`若 ${localTime(since + policy.delayed.totalDelayMs)} 前仍无扫描，案件转为丢件`);
  }
  if (view.tracking.lastLocation)
    parts.push(`最后扫描：${view.tracking.lastLocation}${view.tracking.lastEventAt ? ` ${localTime(view.tracking.lastEventAt)}` : ''}`);
  const moving = view.clocks.some((clock) => clock.name === 'handling' && clock.state === 'stopped');
  if (moving) {
    return {
      step: 'delayed.await-delivery',
      summary: `包裹已恢复移动，等待${carrier}派送；主动告知客户最新轨迹${dueText(view, 'resolution', '解决时效')}`,
      actions: [...COMMON, 'extend-sla', 'resolve'],
    };
  }
  return { step: 'delayed.urge-carrier', summary: parts.join('；'), actions: [...COMMON, 'escalate', 'extend-sla'] };
}

function claimGuidance(view: CaseView): StepGuidance | undefined {
  const claim = view.claim;
  if (!claim) return undefined;
  const amount = claim.amountFen !== undefined ? formatYuan(claim.amountFen) : undefined;
  switch (claim.status) {
    case 'VERIFYING':
      return {
        step: 'lost.verify',
        summary: `系统正在核验${carrierName(view)}轨迹（最后扫描 ${view.tracking.lastEventAt ? localTime(view.tracking.lastEventAt) : '无'}）；核验通过即先行赔付，无需客户举证`,
        actions: [...COMMON],
      };
    case 'PROPOSED':
    case 'AWAITING_APPROVAL':
      return {
        step: 'claim.approve',
        summary: `理赔待审批：${amount ?? '金额计算中'}，超出一线权限，由${view.tier >= 3 ? '专家' : '主管'}批准或驳回${dueText(view, 'payout', '赔付时效')}`,
        actions: [...COMMON, 'approve-claim', 'reject-claim', 'escalate'],
      };
    case 'APPROVED':
    case 'PAYING':
      return {
        step: 'claim.pay',
        summary: `已批准 ${amount ?? ''}，正在打款（先行赔付，同一理赔只付一次）${dueText(view, 'payout', '赔付时效')}`,
        actions: [...COMMON],
      };
    case 'PAID':
      return view.type === 'LOST'
        ? {
            step: 'lost.track-recovery',
            summary: `已先行赔付 ${amount ?? ''}，向${carrierName(view)}追偿中；客户如需补发可操作补发`,
            actions: [...COMMON, 'reship', 'resolve'],
          }
        : undefined;
    case 'PAYOUT_FAILED':
      return {
        step: 'claim.payout-failed',
        summary: `打款失败：主管重试打款（approve-claim）或驳回；先向客户说明到账会延迟${dueText(view, 'payout', '赔付时效')}`,
        actions: [...COMMON, 'approve-claim', 'reject-claim', 'escalate'],
      };
    default:
      return undefined;
  }
}

/**
 * Why the playbook handed the case to people (`IN_PROGRESS` with a reason "needs a decision: …"
 * in its latest status change), '' when the change is no longer in the view's timeline and
 * nothing else explains `IN_PROGRESS`; undefined when the case was not handed over.
 */
function handOverReason(view: CaseView): string | undefined {
  if (view.status !== 'IN_PROGRESS') return undefined;
  const change = view.timeline.filter((entry) => entry.kind === 'case.status_changed').at(-1);
  const marker = 'needs a decision: ';
  if (change) {
    const at = change.summary.indexOf(marker);
    return at >= 0 ? change.summary.slice(at + marker.length) : undefined;
  }
  // Steps that work on in IN_PROGRESS by themselves: damage assessment, a chosen remedy, a paid claim.
  const working = view.type === 'DAMAGED' || (view.type === 'REFUSED' && view.remedy !== undefined) || view.claim?.status === 'PAID';
  return working ? undefined : '';
}

/** The step a case is at, what to do next and which actions it takes. */
export function guidanceStep(view: CaseView, policy?: Pick<SlaPolicy, 'delayed'>): StepGuidance {
  const carrier = carrierName(view);
  if (view.status === 'CLOSED' || view.status === 'CANCELLED') {
    return { step: 'closed', summary: view.status === 'CLOSED' ? '案件已关闭：无需操作，历史见审计轨迹' : '案件已取消：无需操作', actions: [] };
  }
  if (view.status === 'RESOLVED' || view.status === 'AWAITING_FEEDBACK') {
    const score = view.feedback ? `客户已评分 ${view.feedback.score} 分` : '等待客户满意度评价';
    return {
      step: 'resolved.await-feedback',
      summary: `已解决（${view.resolution?.summary ?? view.resolution?.outcome ?? ''}）：${score}${dueText(view, 'callback', '回访')}；客户不满意可重开`,
      actions: [...COMMON, 'reopen'],
    };
  }
  const firstResponseDue = clockDue(view, 'firstResponse');
  if (view.status === 'OPEN' && firstResponseDue) {
    return {
      step: 'common.acknowledge',
      summary: `首次响应 ${localTime(firstResponseDue)} 到期：先联系客户确认问题并告知处理方案`,
      actions: [...COMMON, 'assign'],
    };
  }
  const claim = claimGuidance(view);
  if (claim) return claim;
  if (view.awaitingRemedy) {
    return {
      step: 'refused.await-remedy',
      summary: `${carrier}派件失败，等待客户选择：${view.awaitingRemedy.options.join(' / ')}（自 ${localTime(view.awaitingRemedy.since)} 起，时效已暂停）；客户选定后代为提交`,
      actions: [...COMMON, 'choose-remedy'],
    };
  }
  if (view.evidence.requested) {
    const requested = view.evidence.requested;
    return {
      step: view.type === 'DAMAGED' ? 'damaged.collect-evidence' : 'evidence.await',
      summary: `等待客户上传：${requested.what}（${localTime(requested.at)} 发起，时效已暂停）；收到后录入证据`,
      actions: [...COMMON, 'add-evidence'],
    };
  }
  const handedOver = handOverReason(view);
  if (handedOver !== undefined) {
    return {
      step: 'handover.decide',
      summary: `流程已转人工（第 ${view.tier} 级${handedOver ? `，原因：${handedOver}` : ''}）：决定补发、理赔或解决${dueText(view, 'resolution', '解决时效')}`,
      actions: [...COMMON, 'reship', 'propose-claim', 'resolve', 'escalate', 'assign'],
    };
  }
  switch (view.type) {
    case 'DELAYED':
      return delayedGuidance(view, policy);
    case 'LOST':
      if (view.status === 'WAITING_CARRIER') return delayedGuidance(view, policy);
      return {
        step: 'lost.compensate',
        summary: `确认丢件：先行赔付或补发，并向${carrier}发起理赔${dueText(view, 'payout', '赔付时效')}`,
        actions: [...COMMON, 'propose-claim', 'reship'],
      };
    case 'DAMAGED':
      return {
        step: 'damaged.assess',
        summary: `已收到 ${view.evidence.items.length} 份证据：定损后提出理赔（按破损比例）或补发${dueText(view, 'handling', '处理时效')}`,
        actions: [...COMMON, 'propose-claim', 'reship', 'request-evidence'],
      };
    case 'WRONG_ITEM':
    case 'MISSING_ITEM':
      if (view.status === 'WAITING_SUPPLIER') {
        return {
          step: 'wrong-item.supplier-follow-up',
          summary: `等待供应商 ${view.supplierId ?? ''} 回复补发单号${dueText(view, 'handling', '处理时效')}`,
          actions: [...COMMON, 'escalate'],
        };
      }
      if (view.status === 'WAITING_RETURN' || (view.returns?.length ?? 0) > 0) {
        return {
          step: 'wrong-item.await-return',
          summary: `正确配件已补发，等待错发件退回入库${dueText(view, 'returnReceipt', '退件入库')}`,
          actions: [...COMMON],
        };
      }
      return {
        step: 'wrong-item.warehouse-check',
        summary: `仓库核对拣货记录，确认后补发${view.type === 'MISSING_ITEM' ? '漏发' : '正确'}配件${dueText(view, 'handling', '处理时效')}`,
        actions: [...COMMON, 'reship'],
      };
    case 'ADDRESS_CHANGE':
      return {
        step: 'address-change.redirect',
        summary: `已向${carrier}申请改址，等待确认与派送；被拒则拦截退回并按新地址补发${dueText(view, 'handling', '处理时效')}`,
        actions: [...COMMON],
      };
    case 'INTERCEPT':
      return {
        step: 'intercept.await-return',
        summary: `已向${carrier}申请拦截，等待退回入库后退款${dueText(view, 'returnReceipt', '退件入库')}`,
        actions: [...COMMON],
      };
    case 'REFUSED':
      return {
        step: 'refused.await-delivery',
        summary: `按客户选择（${view.remedy?.choice ?? '处理中'}）跟进${carrier}${dueText(view, 'resolution', '解决时效')}`,
        actions: [...COMMON],
      };
    case 'RETURN_EXCHANGE':
      return {
        step: 'return-exchange.await-return',
        summary: `等待上门取件与退件入库，入库后换货或退款${dueText(view, 'returnReceipt', '退件入库')}`,
        actions: [...COMMON],
      };
  }
}

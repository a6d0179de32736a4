import { type ApiClient, GaveUpError, sleep, WEBHOOK_SECRET, type Json, type Role, type SimulatorControl } from './http';
import { CASE_TYPES, SCENARIOS, type CaseType, type ScenarioWorld } from '../../fixtures/case-scenarios';

/**
 * Drives one case through its lifecycle over HTTP, like a client would — the approach of
 * test/e2e/all-playbooks.test.ts, on the same scenarios (fixtures/case-scenarios.ts): read the case,
 * act only through what a role's `allowedActions` offers, and play the outside world (the
 * carrier's signed pushes through the simulators, the warehouse's pick records, the customer's
 * photos, choices and survey answer) until the case is CLOSED or the deadline passes.
 *
 * Under chaos every write carries a key that stays the same across retries: the open's
 * Idempotency-Key, one key per intended action, one event id per carrier push.
 */

const IN_FLIGHT = ['PROPOSED', 'VERIFYING', 'AWAITING_APPROVAL', 'APPROVED', 'PAYING'];

/** The outside world as the driver plays it. */
export class World implements ScenarioWorld {
  constructor(
    readonly api: ApiClient,
    readonly control: SimulatorControl,
    private readonly apiUrl: string,
  ) {}

  /**
   * The carrier pushes a signed event to the generic webhook through the simulators. A push the
   * API did not take (5xx, unreachable) is pushed again with the same event id, as a carrier's
   * retry would be; a 4xx is a real refusal.
   */
  /** The warehouse's pick record of an order (the simulated WMS). */
  setWarehouseOrder(orderId: string, order: { items: unknown[]; picked: unknown[] }): Promise<unknown> {
    return this.control.call('PUT', `/wms/orders/${orderId}`, order as Json);
  }

  async carrierPushes(waybillNo: string, carrier: string, status: string, extra: Record<string, unknown> = {}, eventId?: string): Promise<void> {
    const id = eventId ?? `chaos-${waybillNo}-${status}`;
    const event = { eventId: id, waybillNo, carrier, status, occurredAt: new Date().toISOString(), location: '杭州市', ...extra };
    const deadline = Date.now() + 180_000;
    let backoff = 500;
    for (;;) {
      const answer = await this.control.call('POST', '/tracking-push', {
        provider: 'generic',
        targetUrl: `${this.apiUrl}/v1/webhooks/tracking/generic`,
        secret: WEBHOOK_SECRET,
        event,
      });
      if (answer.status === 200) return;
      if (answer.status >= 400 && answer.status < 500) {
        throw new Error(`the webhook refused the ${status} push ${id} for ${waybillNo}: ${JSON.stringify(answer).slice(0, 300)}`);
      }
      this.api.stats.retries += 1;
      this.api.stats.retryCauses[`webhook ${answer.status}`] = (this.api.stats.retryCauses[`webhook ${answer.status}`] ?? 0) + 1;
      if (Date.now() > deadline) throw new Error(`the ${status} push ${id} for ${waybillNo} was never accepted: ${JSON.stringify(answer).slice(0, 300)}`);
      await sleep(backoff);
      backoff = Math.min(backoff * 2, 4_000);
    }
  }
}

export interface CaseRun {
  index: number;
  type: CaseType;
  orderId: string;
  waybillNo: string;
  caseId?: string;
  finalStatus?: string;
  outcome?: string;
  statuses: string[];
  actions: string[];
  refusals: string[];
  handedOver: boolean;
  /** Requests that got no definite answer within their retry budget; the client carried on. */
  giveUps: number;
  openedAt?: number;
  msToClosed?: number;
  /** Why the driver stopped short of CLOSED (deadline, an error). */
  error?: string;
  /** The client stopped following the case at its deadline. */
  pastDeadline?: boolean;
}

export interface DriveOptions {
  runTag: string;
  pollMs: number;
  deadlineMs: number;
}

/** Whether the case is IN_PROGRESS because the playbook handed it over (nothing left to automate). */
async function handedOver(api: ApiClient, caseId: string, current: Json): Promise<boolean> {
  const lastStatusChange = [...(current.timeline ?? [])].reverse().find((entry: Json) => entry.kind === 'case.status_changed');
  if (lastStatusChange) return /needs a decision|reopened/.test(lastStatusChange.summary);
  const history = await api.call('auditor', `/v1/cases/${caseId}/history`);
  const last = [...(history.body?.events ?? [])].reverse().find((event: Json) => event.kind === 'case.status_changed');
  return Boolean(last && /needs a decision|reopened/.test(String(last.data?.reason)));
}

export async function drive(world: World, index: number, options: DriveOptions): Promise<CaseRun> {
  const type = CASE_TYPES[index % CASE_TYPES.length] as CaseType;
  const scenario = SCENARIOS[type];
  const tag = `${options.runTag}${String(index).padStart(5, '0')}`;
  const run: CaseRun = {
    index,
    type,
    orderId: `SO-CH-${tag}`,
    waybillNo: `${scenario.carrier}CH${tag}`,
    statuses: [],
    actions: [],
    refusals: [],
    handedOver: false,
    giveUps: 0,
  };
  const { api } = world;
  try {
    await scenario.before?.(world, run.orderId);
    const openedBefore = Date.now();
    const openBody = {
      type,
      orderId: run.orderId,
      waybillNo: run.waybillNo,
      carrier: scenario.carrier,
      // 97 repair shops, each with its own number (about ten cases a shop in a 1,000-case run).
      customer: { id: `C-CH-${index % 97}`, name: '张三汽修', phone: `1380013${String(index % 97).padStart(4, '0')}`, storeId: 'S-9' },
      description: scenario.description,
      priority: 'normal',
      region: '330100',
      ...scenario.fields,
    };
    // A client that got no answer asks again, with the same key, until its own deadline.
    let opened;
    for (;;) {
      try {
        opened = await api.call('agent', '/v1/cases', openBody, `chaos-open-${tag}`);
        break;
      } catch (error) {
        if (!(error instanceof GaveUpError) || Date.now() - openedBefore > options.deadlineMs) throw error;
        run.giveUps += 1;
      }
    }
    if (opened.status !== 201) throw new Error(`open → ${opened.status} ${JSON.stringify(opened.body).slice(0, 300)}`);
    const caseId: string = opened.body.caseId;
    run.caseId = caseId;
    const t0 = Date.now();
    run.openedAt = t0;
    await scenario.after?.(world, run.waybillNo, scenario.carrier);

    let actionSeq = 0;
    let deliveredPushes = 0;

    /** Takes one action as `role`, only if that role's view lists it right now; one key per intended action. */
    const act = async (role: Role, current: Json, body: Record<string, unknown>): Promise<boolean> => {
      const mine = role === 'agent' ? current : await api.view(caseId, role);
      if (!mine.allowedActions?.includes(body.action)) return false;
      actionSeq += 1;
      run.actions.push(`${role}:${String(body.action)}`);
      let answer;
      try {
        answer = await api.call(role, `/v1/cases/${caseId}/actions`, body, `chaos-act-${tag}-${actionSeq}`);
      } catch (error) {
        if (!(error instanceof GaveUpError)) throw error;
        // Outcome unknown: the client reads the case again and decides anew, as a person would.
        run.giveUps += 1;
        run.refusals.push(`${role} ${String(body.action)} → no answer (${error.message.slice(-60)})`);
        return true;
      }
      if (answer.status !== 200) run.refusals.push(`${role} ${String(body.action)} → ${answer.status} ${answer.body?.detail ?? ''}`.slice(0, 300));
      return true;
    };

    for (;;) {
      if (Date.now() - t0 > options.deadlineMs) {
        run.pastDeadline = true;
        throw new Error(`not CLOSED after ${options.deadlineMs} ms; statuses ${run.statuses.join(' → ')}`);
      }
      let current: Json;
      try {
        current = await api.view(caseId);
      } catch (error) {
        if (!(error instanceof GaveUpError)) throw error;
        run.giveUps += 1;
        continue;
      }
      if (run.statuses.at(-1) !== current.status) run.statuses.push(current.status);
      run.finalStatus = current.status;
      const allowed: string[] = current.allowedActions ?? [];
      if (current.status === 'CLOSED' || current.status === 'CANCELLED') {
        run.outcome = current.resolution?.outcome;
        run.msToClosed = Date.now() - t0;
        break;
      }

      try {
        if (current.status === 'AWAITING_FEEDBACK') {
          const asSystem = await api.view(caseId, 'system');
          if (asSystem.allowedActions?.includes('feedback')) {
            run.actions.push('system:feedback');
            const answer = await api.call(
              'system',
              `/v1/cases/${caseId}/feedback`,
              { score: 5, comment: '处理及时，满意', channel: 'inapp' },
              `chaos-fb-${tag}`,
            );
            if (answer.status !== 200) run.refusals.push(`system feedback → ${answer.status} ${answer.body?.detail ?? ''}`.slice(0, 300));
          }
        } else if (current.evidence?.requested && allowed.includes('add-evidence')) {
          await act('agent', current, {
            action: 'add-evidence',
            evidence: { kind: 'photo', description: '外包装破损及配件划痕照片，含面单', url: `https://img.example.com/chaos/${tag}.jpg` },
          });
        } else if (current.awaitingRemedy && allowed.includes('choose-remedy')) {
          await act('agent', current, { action: 'choose-remedy', remedy: 'redeliver', note: '客户要求明天再派' });
        } else if (
          current.status === 'WAITING_CARRIER' &&
          type !== 'LOST' &&
          deliveredPushes < 3 &&
          run.statuses.filter((status) => status === 'WAITING_CARRIER').length > deliveredPushes
        ) {
          // The carrier delivers what it is waiting to deliver (after an urge, a redirect, a
          // redelivery); each new wait for the carrier gets one delivery, with an event id of its own.
          deliveredPushes += 1;
          await world.carrierPushes(
            run.waybillNo,
            scenario.carrier,
            'Delivered',
            { description: '已签收' },
            `chaos-${run.waybillNo}-Delivered-${deliveredPushes}`,
          );
        } else if (current.claim?.status === 'AWAITING_APPROVAL') {
          for (const role of ['supervisor', 'expert'] as const) {
            if (await act(role, current, { action: 'approve-claim', note: '定损合理，同意赔付' })) break;
          }
        } else if (
          current.status === 'IN_PROGRESS' &&
          type === 'DAMAGED' &&
          !current.claim &&
          !current.reshipments?.length &&
          allowed.includes('propose-claim')
        ) {
          await act('agent', current, { action: 'propose-claim', kind: 'damage', actualLossFen: 60_000, damagedShare: 0.5, reason: '刹车盘划伤，按 50% 定损' });
        } else if (current.status === 'IN_PROGRESS' && !IN_FLIGHT.includes(current.claim?.status) && (await handedOver(api, caseId, current))) {
          run.handedOver = true;
          for (const role of ['agent', 'supervisor', 'expert'] as const) {
            if (await act(role, current, { action: 'resolve', outcome: 'resolved-by-hand', summary: '人工处理完毕' })) break;
          }
        }
      } catch (error) {
        // No definite answer (an unknown outcome): look at the case again and decide anew.
        if (!(error instanceof GaveUpError)) throw error;
        run.giveUps += 1;
      }
      await sleep(options.pollMs * (0.8 + Math.random() * 0.4));
    }
  } catch (error) {
    run.error = (error as Error).message.slice(0, 500);
  }
  return run;
}

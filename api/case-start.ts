import type { AppConfig } from '../config';
import type { OpenCaseInput } from '../workflows/case/contract';
import { actorOf, type Principal } from './auth';
import type { OpenCaseBody } from './schemas';

/**
 * The case workflow's input for a case an agent opens (also what the benchmark starts bare). How
 * the workflow starts is workflows/case/case-start.ts, the same for every door.
 */
export function caseStartInput(caseId: string, body: OpenCaseBody, principal: Principal, config: AppConfig): OpenCaseInput {
  return {
    caseId,
    type: body.type,
    orderId: body.orderId,
    waybillNo: body.waybillNo,
    carrier: body.carrier,
    customer: body.customer,
    description: body.description,
    priority: body.priority,
    // General is the default: only a serious or major complaint travels (older inputs have none).
    ...(body.severity !== 'general' ? { severity: body.severity } : {}),
    ...(body.region ? { region: body.region } : {}),
    ...(body.declaredValue !== undefined ? { declaredValue: body.declaredValue } : {}),
    ...(body.insured !== undefined ? { insured: body.insured } : {}),
    ...(body.freight !== undefined ? { freight: body.freight } : {}),
    ...(body.supplierId ? { supplierId: body.supplierId } : {}),
    ...(body.items ? { items: body.items } : {}),
    ...(body.orderValue !== undefined ? { orderValue: body.orderValue } : {}),
    ...(body.newAddress ? { newAddress: body.newAddress } : {}),
    ...(body.returnRemedy ? { returnRemedy: body.returnRemedy } : {}),
    openedBy: actorOf(principal),
    policy: config.slaPolicy,
    ...(config.caseHistoryLimit !== undefined ? { historyLimit: config.caseHistoryLimit } : {}),
    staff: {
      opsWecomKey: config.opsWecomKey,
      tierQueues: {
        1: principal.role === 'agent' ? principal.id : 'tier1-agents',
        2: 'tier2-supervisors',
        3: 'tier3-experts',
      },
    },
  };
}

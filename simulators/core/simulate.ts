import type { Request, Response } from 'express';
import type { SimulatedSystem } from '../types';
import type { SimulationContext } from './context';
import { send, type Reply } from './reply';

export interface OperationSpec {
  system: SimulatedSystem;
  operation: string;
  /** The caller's key; absent for reads and for formats where the key is optional and was not sent. */
  idempotencyKey?: string;
  /** When set, a repeated key whose fingerprint differs is answered by `conflict` instead of a replay. */
  fingerprint?: string;
  conflict?: () => Reply;
  /**
   * The business refusal in the format's own shape (may change state, e.g. a claim becomes rejected).
   * Operations without one (plain lookups) ignore `refuse` rules.
   */
  refuse?: () => Reply;
  /** The effect itself. Runs at most once per idempotency key. */
  perform: () => Reply;
}

const UNAVAILABLE: Reply = {
  status: 503,
  body: { error: 'service_unavailable', message: 'simulated outage (fault injection): nothing was done' },
};

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** What the ledger keeps of a request: enough to assert on, nothing transport-specific. */
function describeRequest(req: Request): unknown {
  const body: unknown = req.body;
  return { method: req.method, path: req.originalUrl.split('?')[0], query: { ...req.query }, body: body ?? null };
}

/**
 * Runs one simulated operation through the fault table, the idempotency memory and the ledger.
 * Order: latency, outage (503), replay, refusal, effect, record, then answer or drop the socket.
 * Between the idempotency lookup and remembering the answer there is no await, so two concurrent
 * requests with the same key cannot both perform the effect.
 */
export async function simulate(ctx: SimulationContext, req: Request, res: Response, spec: OperationSpec): Promise<void> {
  const decision = ctx.faults.decide(spec.system, spec.operation);
  if (decision.latencyMs > 0) await delay(decision.latencyMs);
  if (decision.fail) return send(res, UNAVAILABLE);

  const scope = `${spec.system}/${spec.operation}`;
  const key = spec.idempotencyKey;
  // A provider without dedupe still receives and records the key, but repeats the effect.
  const dedupe = !ctx.noDedupe?.has(spec.system);
  const request = describeRequest(req);
  const base = { system: spec.system, operation: spec.operation, idempotencyKey: key, request };

  if (key !== undefined && dedupe) {
    const stored = ctx.idempotency.lookup(scope, key);
    if (stored !== undefined) {
      if (spec.fingerprint !== undefined && stored.fingerprint !== spec.fingerprint && spec.conflict !== undefined) {
        return send(res, spec.conflict());
      }
      ctx.ledger.record({ ...base, replay: true, status: stored.status, response: stored.body });
      // A replay is never dropped: it is how a caller finds out whether a lost answer's effect happened.
      return send(res, { status: stored.status, body: stored.body });
    }
  }

  const reply = decision.refuse && spec.refuse !== undefined ? spec.refuse() : spec.perform();
  if (reply.transient === true) return send(res, reply);
  if (key !== undefined && dedupe) {
    ctx.idempotency.remember(scope, key, { status: reply.status, body: reply.body, fingerprint: spec.fingerprint });
  }
  ctx.ledger.record({ ...base, replay: false, status: reply.status, response: reply.body });

  if (decision.dropResponse) {
    req.socket.destroy();
    return;
  }
  send(res, reply);
}

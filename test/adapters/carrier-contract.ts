import type { CarrierGateway } from '../../activities/carriers/carrier-gateway';
import type { Carrier, DeliveryAddress } from '../../domain/types';
import type { SimulatorServer } from '../../simulators';
import { expectRetryable, requestPath, thrown } from './helpers';

/**
 * What every carrier adapter must do against the simulators, whatever its dialect: the same
 * contract run for the generic API, SF, JD and Kuaidi100.
 */

type Instruction = 'urge' | 'intercept' | 'redirect' | 'returnToSender' | 'redeliver';

/** The simulator's operation name (ledger, fault rules) for each instruction. */
const SIM_OPERATION: Record<Instruction, string> = {
  urge: 'urge',
  intercept: 'intercept',
  redirect: 'redirect',
  returnToSender: 'return',
  redeliver: 'redeliver',
};

export const NEW_ADDRESS: DeliveryAddress = {
  name: '王师傅',
  phone: '13800138000',
  province: '广东省',
  city: '深圳市',
  district: '南山区',
  detail: '科技园路1号',
};

export interface ContractOptions {
  carrier: Carrier;
  waybillPrefix: string;
  sims: () => SimulatorServer;
  gateway: () => CarrierGateway;
  /** The path each instruction must reach (shows which dialect or fallback served it). */
  paths: Record<Instruction | 'claims', string>;
  /** The key the simulator dedupes by, when it is not our idempotency key (JD: the waybill). */
  ledgerKey?: (instruction: Instruction, idempotencyKey: string, waybillNo: string) => string;
  provider: string;
  /** False for the generic API, whose events are canonical already and carry a raw code only when the carrier gave one. */
  rawCodes?: boolean;
}

function instruct(gateway: CarrierGateway, instruction: Instruction, carrier: Carrier, idempotencyKey: string, waybillNo: string) {
  const base = { idempotencyKey, carrier, waybillNo, reason: '客户要求' };
  switch (instruction) {
    case 'urge':
      return gateway.urge(base);
    case 'intercept':
      return gateway.intercept(base);
    case 'redirect':
      return gateway.redirect({ ...base, newAddress: NEW_ADDRESS });
    case 'returnToSender':
      return gateway.returnToSender(base);
    case 'redeliver':
      return gateway.redeliver(base);
  }
}

export function carrierContract(o: ContractOptions): void {
  const keyInLedger = (instruction: Instruction, key: string, waybillNo: string): string => (o.ledgerKey ? o.ledgerKey(instruction, key, waybillNo) : key);
  const entries = (instruction: Instruction, key: string, waybillNo: string, includeReplays = false) =>
    o.sims().ledger.entries({
      system: 'carrier',
      operation: SIM_OPERATION[instruction],
      idempotencyKey: keyInLedger(instruction, key, waybillNo),
      includeReplays,
    });

  describe('instructions', () => {
    it.each<Instruction>(['urge', 'intercept', 'redirect', 'returnToSender', 'redeliver'])('%s is accepted, once', async (instruction) => {
      const waybillNo = `${o.waybillPrefix}${instruction.toUpperCase()}`;
      const answer = await instruct(o.gateway(), instruction, o.carrier, `case-1:${instruction}`, waybillNo);
      expect(answer).toEqual({ outcome: 'accepted', reference: expect.stringMatching(/\S/) });
      const done = entries(instruction, `case-1:${instruction}`, waybillNo);
      expect(done).toHaveLength(1);
      expect(requestPath(done[0])).toBe(o.paths[instruction]);
      expect(done[0]?.status).toBe(200);
    });

    it('an intercept the carrier refuses is an answer, not an error', async () => {
      o.sims().faults.set([{ system: 'carrier', operation: 'intercept', refuse: true }]);
      const answer = await o
        .gateway()
        .intercept({ idempotencyKey: 'case-2:intercept', carrier: o.carrier, waybillNo: `${o.waybillPrefix}REF`, reason: '订单取消' });
      expect(answer).toEqual({ outcome: 'refused', code: expect.stringMatching(/\S/), message: expect.stringMatching(/\S/) });
    });

    it('a redirect the carrier refuses is an answer too', async () => {
      o.sims().faults.set([{ system: 'carrier', operation: 'redirect', refuse: true }]);
      const answer = await instruct(o.gateway(), 'redirect', o.carrier, 'case-2:redirect', `${o.waybillPrefix}REF2`);
      expect(answer.outcome).toBe('refused');
    });

    it('a 503 outage throws a retryable error, and the retry with the same key acts once', async () => {
      o.sims().faults.set([{ system: 'carrier', operation: 'intercept', failNext: 1 }]);
      const waybillNo = `${o.waybillPrefix}OUT`;
      const error = await thrown(() => instruct(o.gateway(), 'intercept', o.carrier, 'case-3:intercept', waybillNo));
      expectRetryable(error);
      expect(entries('intercept', 'case-3:intercept', waybillNo)).toHaveLength(0);
      expect((await instruct(o.gateway(), 'intercept', o.carrier, 'case-3:intercept', waybillNo)).outcome).toBe('accepted');
      expect(entries('intercept', 'case-3:intercept', waybillNo)).toHaveLength(1);
    });

    it.each<Instruction>(['intercept', 'redirect', 'urge'])('%s twice with the same key acts once and answers the same', async (instruction) => {
      const waybillNo = `${o.waybillPrefix}DUP${instruction.toUpperCase()}`;
      const first = await instruct(o.gateway(), instruction, o.carrier, `case-4:${instruction}`, waybillNo);
      const second = await instruct(o.gateway(), instruction, o.carrier, `case-4:${instruction}`, waybillNo);
      expect(second).toEqual(first);
      expect(entries(instruction, `case-4:${instruction}`, waybillNo)).toHaveLength(1);
      expect(entries(instruction, `case-4:${instruction}`, waybillNo, true)).toHaveLength(2);
    });

    it('a refusal stays the answer of its key', async () => {
      o.sims().faults.set([{ system: 'carrier', operation: 'intercept', refuse: true }]);
      const waybillNo = `${o.waybillPrefix}REFDUP`;
      const first = await instruct(o.gateway(), 'intercept', o.carrier, 'case-5:intercept', waybillNo);
      o.sims().faults.clear();
      expect(await instruct(o.gateway(), 'intercept', o.carrier, 'case-5:intercept', waybillNo)).toEqual(first);
      expect(first.outcome).toBe('refused');
    });
  });

  describe('claims', () => {
    it('files a claim and polls it to paid', async () => {
      const filed = await o.gateway().fileClaim({
        idempotencyKey: 'case-6:claim',
        carrier: o.carrier,
        waybillNo: `${o.waybillPrefix}LOST`,
        amountFen: 12_800,
        reason: '遗失',
        evidence: ['https://evidence.example/1.jpg'],
      });
      if (filed.outcome !== 'accepted') throw new Error(`claim refused: ${filed.message}`);
      const claimNo = filed.reference;
      const [entry] = o.sims().ledger.entries({ system: 'carrier', operation: 'file-claim', idempotencyKey: 'case-6:claim' });
      expect(requestPath(entry)).toBe(o.paths.claims);

      const seen: string[] = [];
      let status = await o.gateway().claimStatus({ carrier: o.carrier, claimNo });
      seen.push(status.status);
      while (status.status !== 'paid' && seen.length < 5) {
        status = await o.gateway().claimStatus({ carrier: o.carrier, claimNo });
        seen.push(status.status);
      }
      expect(seen).toEqual(['accepted', 'paid']);
      expect(status).toEqual({ claimNo, status: 'paid', paidAmountFen: 12_800 });
    });

    it('filing twice with the same key files one claim', async () => {
      const input = { idempotencyKey: 'case-7:claim', carrier: o.carrier, waybillNo: `${o.waybillPrefix}DMG`, amountFen: 500, reason: '破损' };
      const first = await o.gateway().fileClaim(input);
      expect(await o.gateway().fileClaim(input)).toEqual(first);
      expect(o.sims().ledger.entries({ system: 'carrier', operation: 'file-claim' })).toHaveLength(1);
    });

    it('a refused filing is an answer; a rejected claim is a status', async () => {
      o.sims().faults.set([{ system: 'carrier', operation: 'file-claim', refuse: true }]);
      const refused = await o
        .gateway()
        .fileClaim({ idempotencyKey: 'case-8:claim', carrier: o.carrier, waybillNo: `${o.waybillPrefix}X`, amountFen: 100, reason: '遗失' });
      expect(refused).toMatchObject({ outcome: 'refused', code: '4001' });

      o.sims().faults.clear();
      const filed = await o
        .gateway()
        .fileClaim({ idempotencyKey: 'case-9:claim', carrier: o.carrier, waybillNo: `${o.waybillPrefix}Y`, amountFen: 100, reason: '遗失' });
      if (filed.outcome !== 'accepted') throw new Error('claim refused');
      o.sims().faults.set([{ system: 'carrier', operation: 'claim-status', refuse: true }]);
      expect(await o.gateway().claimStatus({ carrier: o.carrier, claimNo: filed.reference })).toEqual({
        claimNo: filed.reference,
        status: 'rejected',
        detail: expect.stringMatching(/\S/),
      });
    });
  });

  describe('tracking', () => {
    it('maps the carrier trace to canonical events, oldest first, with stable ids', async () => {
      const waybillNo = `${o.waybillPrefix}TRK`;
      const events = await o.gateway().track({ carrier: o.carrier, waybillNo });
      expect(events.map((e) => e.status)).toEqual(['InfoReceived', 'InTransit', 'InTransit']);
      for (const event of events) {
        expect(event).toMatchObject({ provider: o.provider, carrier: o.carrier, waybillNo });
        if (o.rawCodes !== false) expect(event.rawCode).toMatch(/\S/);
        expect(new Date(event.occurredAt).toISOString()).toBe(event.occurredAt);
      }
      const times = events.map((e) => Date.parse(e.occurredAt));
      expect(times).toEqual([...times].sort((a, b) => a - b));
      expect(new Set(events.map((e) => e.eventId)).size).toBe(3);
      expect((await o.gateway().track({ carrier: o.carrier, waybillNo })).map((e) => e.eventId)).toEqual(events.map((e) => e.eventId));
    });

    it('a 503 while tracking throws a retryable error', async () => {
      o.sims().faults.set([{ system: 'carrier', operation: 'tracking', failNext: 1 }]);
      expectRetryable(await thrown(() => o.gateway().track({ carrier: o.carrier, waybillNo: `${o.waybillPrefix}TRK503` })));
    });

    it('a waybill the carrier does not know is an empty trace', async () => {
      o.sims().faults.set([{ system: 'carrier', operation: 'tracking', refuse: true }]);
      expect(await o.gateway().track({ carrier: o.carrier, waybillNo: `${o.waybillPrefix}NONE` })).toEqual([]);
    });
  });
}

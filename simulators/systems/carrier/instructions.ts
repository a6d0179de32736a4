/** Kinds of instruction a shipper can give a carrier about a parcel in flight. */
export type InstructionKind = 'urge' | 'intercept' | 'redirect' | 'return' | 'redeliver';

export interface Instruction {
  ticketId: string;
  kind: InstructionKind;
  carrier: string;
  waybillNo: string;
  details: unknown;
  at: string;
}

/** Every instruction the simulated carriers accepted, whatever dialect it arrived in. */
export class InstructionBook {
  private readonly all: Instruction[] = [];

  add(instruction: Instruction): Instruction {
    this.all.push(instruction);
    return instruction;
  }

  forWaybill(waybillNo: string): Instruction[] {
    return this.all.filter((i) => i.waybillNo === waybillNo).map((i) => ({ ...i }));
  }

  clear(): void {
    this.all.length = 0;
  }
}

import type { TrackingStore } from '../../tracking/store';
import type { ClaimBook } from './claims';
import type { InstructionBook } from './instructions';

/** What all carrier dialects share: one world of parcels, instructions and claims. */
export interface CarrierState {
  tracking: TrackingStore;
  instructions: InstructionBook;
  claims: ClaimBook;
}

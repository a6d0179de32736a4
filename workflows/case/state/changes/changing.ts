import type { CaseData } from '../case-data';
import type { Recorder } from '../audit-trail';
import type { CaseClocks } from '../sla-clocks';
import type { OpenCaseInput } from '../../contract';

/** What a change works on: the case's plain data, its trail, its clocks, and what it was opened with. */
export interface Changing {
  readonly d: CaseData;
  readonly record: Recorder;
  readonly clocks: CaseClocks;
  readonly input: OpenCaseInput;
}

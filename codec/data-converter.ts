import type { DataConverter } from '@temporalio/common';
import type { PayloadKeyRing } from '../config/payload-keys';
import { AesGcmPayloadCodec } from './payload-codec';

/**
 * The one data converter of every Temporal client and worker of the product (API, worker, dev
 * stack, tests, benchmarks, chaos runs): payloads encrypted by the codec, failure messages moved
 * into payloads first. A client or worker without it would send customer data in clear, or fail
 * to read what the others wrote.
 */

const FAILURE_CONVERTER_PATH = require.resolve('./failure-converter');

export function caseDataConverter(config: { payloadCodec: PayloadKeyRing }): DataConverter {
  return {
    payloadCodecs: [new AesGcmPayloadCodec(config.payloadCodec)],
    failureConverterPath: FAILURE_CONVERTER_PATH,
  };
}

/** Options for bundleWorkflowCode: workflow code converts its own failures, so the bundle carries the converter. */
export const WORKFLOW_BUNDLE_CONVERTERS = { failureConverterPath: FAILURE_CONVERTER_PATH } as const;

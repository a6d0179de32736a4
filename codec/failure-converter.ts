import { DefaultFailureConverter } from '@temporalio/common';

/**
 * Loaded by path (DataConverter.failureConverterPath) in the client, in the worker and inside the
 * workflow bundle. A failure's message and stack trace are plain strings in the history, not
 * payloads; with encodeCommonAttributes they move into a payload the codec encrypts, so an error
 * that quotes a customer's phone or name does not put it in clear. The receiving side restores
 * the message (any DefaultFailureConverter decodes encoded attributes), so callers see no change.
 *
 * Imports nothing but @temporalio/common: it is bundled into workflow code.
 */
export const failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });

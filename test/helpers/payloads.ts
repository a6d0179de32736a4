import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import type { PayloadKeyRing } from '../../config/payload-keys';
import { AesGcmPayloadCodec } from '../../codec/payload-codec';

/** A raw history payload (`fetchHistory`, `temporal workflow show`), encrypted by the codec, as the value it holds. */
export async function decodePayloadValue<T>(
  config: { payloadCodec: PayloadKeyRing },
  payload: { metadata?: Record<string, Uint8Array> | null; data?: Uint8Array | null } | null | undefined,
): Promise<T> {
  if (!payload) throw new Error('no payload');
  const raw: Payload = { metadata: payload.metadata ?? {}, data: payload.data ?? new Uint8Array() };
  const [decoded] = await new AesGcmPayloadCodec(config.payloadCodec).decode([raw]);
  return defaultPayloadConverter.fromPayload<T>(decoded as Payload);
}

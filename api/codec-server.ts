import { timingSafeEqual } from 'node:crypto';
import express, { Router, type RequestHandler } from 'express';
import { z } from 'zod';
import type { Payload, PayloadCodec } from '@temporalio/common';
import type { ApiToken } from '../config';
import { PayloadDecryptionError } from '../codec/payload-codec';
import { authenticate } from './auth';
import { verifyJsonDepth } from './json-depth';
import { allow } from './permissions';
import { HttpProblem, parseOrThrow } from './problem';

/**
 * `POST /codec/encode` and `POST /codec/decode`: the Temporal UI's (and CLI's) remote codec
 * protocol. The body is protobuf JSON `{payloads: [{metadata: {key: base64}, data: base64}]}`;
 * the answer has the same shape, each payload encoded or decoded by the product's payload codec.
 *
 * Who may decode: supervisors and experts. Decoding shows a case's payloads in clear, customer
 * phone and name included; agents work cases through the API, auditors are shown phones masked
 * (a decoded history would undo that), integrations have no business reading histories. Encode
 * (the UI uses it for inputs a user types, e.g. a signal) is allowed to the same roles.
 *
 * How a caller proves it:
 * - `Authorization: Bearer <API token>` (API_TOKENS), as for the API: the CLI
 *   (`temporal workflow show --codec-endpoint … --codec-auth 'Bearer …'`), scripts, tests.
 * - `/codec/ui/<CODEC_UI_SECRET>/…` when CODEC_UI_SECRET is set: the Temporal UI cannot send this
 *   API's tokens (it sends its own OIDC token, and only to an https endpoint), so the UI's codec
 *   endpoint carries a secret in its path instead. Whoever can open that UI can decode: set it
 *   only for a UI that is itself behind supervisors-only access (the dev stack's UI on loopback).
 *
 * CORS: browsers may call it from the configured UI origins only (CODEC_ALLOWED_ORIGINS, default
 * the origin of TEMPORAL_UI_URL), with credentials, and the headers the UI sends.
 */

/** The principal a request through the UI's secret path acts as. */
const UI_CODEC_PRINCIPAL = { id: 'supervisor:temporal-ui', role: 'supervisor' } as const;

/** A whole case history's payloads in one request (the UI batches them), with room to spare. */
const BODY_LIMIT = '8mb';
const MAX_PAYLOADS = 20_000;
const ALLOWED_HEADERS = 'authorization, content-type, x-namespace';

export interface CodecServerOptions {
  codec: PayloadCodec;
  /** The namespace whose payloads the codec's keys protect; X-Namespace must name it when sent. */
  namespace: string;
  allowedOrigins: readonly string[];
  tokens: readonly ApiToken[];
  uiSecret?: string;
}

const base64 = z.string().regex(/^[A-Za-z0-9+/_-]*={0,2}$/, 'must be base64');
const payloadJson = z.object({
  metadata: z.record(z.string(), base64).nullish(),
  data: base64.nullish(),
});
export const codecBody = z.object({ payloads: z.array(payloadJson).max(MAX_PAYLOADS) });
type PayloadJson = z.infer<typeof payloadJson>;

function fromJson({ metadata, data }: PayloadJson): Payload {
  return {
    metadata: Object.fromEntries(Object.entries(metadata ?? {}).map(([key, value]) => [key, Buffer.from(value, 'base64')])),
    data: Buffer.from(data ?? '', 'base64'),
  };
}

function toJson({ metadata, data }: Payload): { metadata: Record<string, string>; data: string } {
  return {
    metadata: Object.fromEntries(Object.entries(metadata ?? {}).map(([key, value]) => [key, Buffer.from(value ?? []).toString('base64')])),
    data: Buffer.from(data ?? []).toString('base64'),
  };
}

/** CORS for the UI's origins: the preflight names what the UI sends; other origins get no CORS headers. */
function cors(allowedOrigins: readonly string[]): RequestHandler {
  return (req, res, next) => {
    res.vary('Origin');
    const origin = req.get('origin');
    const allowed = origin !== undefined && allowedOrigins.includes(origin);
    if (allowed) res.set({ 'Access-Control-Allow-Origin': origin, 'Access-Control-Allow-Credentials': 'true' });
    if (req.method !== 'OPTIONS') return next();
    if (!allowed) throw new HttpProblem(403, 'Origin not allowed', `The codec endpoint answers browsers from ${allowedOrigins.join(', ')} only`);
    res.set({ 'Access-Control-Allow-Methods': 'POST, OPTIONS', 'Access-Control-Allow-Headers': ALLOWED_HEADERS, 'Access-Control-Max-Age': '600' });
    res.status(204).end();
  };
}

function sameSecret(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

export function codecRouter(options: CodecServerOptions): Router {
  const router = Router();
  router.use(cors(options.allowedOrigins));
  // Its own parser, mounted before the app's 256 kB one: a history's payloads exceed that. It runs
  // after the caller is authenticated (token or UI secret), and refuses bodies nested too deeply.
  const parse = express.json({ limit: BODY_LIMIT, verify: verifyJsonDepth });

  const convert =
    (direction: 'encode' | 'decode'): RequestHandler =>
    async (req, res) => {
      // The Temporal CLI sends an empty X-Namespace: absent and empty both mean "ours".
      const namespace = req.get('x-namespace');
      if (namespace && namespace !== options.namespace) {
        throw new HttpProblem(400, 'Wrong namespace', `This codec serves namespace "${options.namespace}" only, not "${namespace}"`);
      }
      const body = parseOrThrow(codecBody, req.body);
      const payloads = body.payloads.map(fromJson);
      let converted: Payload[];
      try {
        converted = direction === 'encode' ? await options.codec.encode(payloads) : await options.codec.decode(payloads);
      } catch (error) {
        if (error instanceof PayloadDecryptionError) {
          throw new HttpProblem(422, 'Payload cannot be decrypted', error.message, error.keyId ? { keyId: error.keyId } : {});
        }
        throw error;
      }
      res.set('cache-control', 'no-store').json({ payloads: converted.map(toJson) });
    };

  // Who may (supervisors and experts, above) is the permission matrix's word (api/permissions.ts).
  router.post('/encode', authenticate(options.tokens), allow('POST /codec/encode'), parse, convert('encode'));
  router.post('/decode', authenticate(options.tokens), allow('POST /codec/decode'), parse, convert('decode'));

  const { uiSecret } = options;
  if (uiSecret) {
    const bySecret: RequestHandler = (req, _res, next) => {
      const given = String(req.params.secret ?? '');
      if (!sameSecret(given, uiSecret)) throw new HttpProblem(401, 'Unauthorized', 'Unknown codec path');
      req.principal = { ...UI_CODEC_PRINCIPAL };
      next();
    };
    router.post('/ui/:secret/encode', bySecret, parse, convert('encode'));
    router.post('/ui/:secret/decode', bySecret, parse, convert('decode'));
  }
  return router;
}

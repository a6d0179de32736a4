import type { ErrorRequestHandler, RequestHandler } from 'express';

/** Unknown routes answer JSON like everything else here, not express's HTML page. */
export const notFound: RequestHandler = (req, res) => {
  res.status(404).json({ error: 'not_found', message: `no simulated endpoint for ${req.method} ${req.path}` });
};

function statusOf(err: unknown): number | undefined {
  if (typeof err !== 'object' || err === null || !('status' in err)) return undefined;
  const status = (err as { status: unknown }).status;
  return typeof status === 'number' ? status : undefined;
}

function typeOf(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null || !('type' in err)) return undefined;
  const type = (err as { type: unknown }).type;
  return typeof type === 'string' ? type : undefined;
}

/** Body-parser failures (malformed JSON, oversize bodies) become 4xx JSON; anything else is a 500 JSON. */
export const errorHandler: ErrorRequestHandler = (err: unknown, _req, res, _next) => {
  if (res.headersSent) return;
  const status = statusOf(err);
  const message = err instanceof Error ? err.message : String(err);
  if (typeOf(err) === 'entity.parse.failed') {
    res.status(400).json({ error: 'malformed_json', message });
    return;
  }
  if (status !== undefined && status >= 400 && status < 500) {
    res.status(status).json({ error: typeOf(err) ?? 'bad_request', message });
    return;
  }
  res.status(500).json({ error: 'simulator_error', message });
};

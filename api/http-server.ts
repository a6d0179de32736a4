import { createServer, type RequestListener, type Server } from 'node:http';
import type { HttpServerSettings } from '../config/platform';

/**
 * The API's HTTP server, with limits on how long a client may take to send a request. Node's
 * defaults let a slow sender (a body trickled a byte at a time, headers that never end) hold a
 * connection and its socket for five minutes; here the request must arrive within
 * `requestTimeoutMs` (headers within `headersTimeoutMs`), or Node answers 408 and closes the
 * connection. Node checks those deadlines every `connectionsCheckingInterval`, 30 s by default:
 * a second here, so a limit is kept to within a second.
 */
export function createApiServer(app: RequestListener, settings: HttpServerSettings): Server {
  return createServer(
    {
      requestTimeout: settings.requestTimeoutMs,
      headersTimeout: Math.min(settings.headersTimeoutMs, settings.requestTimeoutMs),
      connectionsCheckingInterval: Math.min(1_000, settings.headersTimeoutMs),
    },
    app,
  );
}

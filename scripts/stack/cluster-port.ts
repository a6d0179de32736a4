import { createServer } from 'node:net';
import { temporalServerPorts } from '../../deploy/topology';

/**
 * A frontend port for a Temporal cluster of a run's own: the server takes a whole layout of
 * ports from it (history, matching, worker, HTTP, membership), so every one of them must be free,
 * not just the frontend's.
 */
export async function freeClusterPort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    // Membership ports are stored as a PostgreSQL smallint: the whole layout stays below 32768.
    const frontend = 10_300 + Math.floor(Math.random() * 21_000);
    const ports = Object.values(temporalServerPorts(frontend));
    if ((await Promise.all(ports.map(portIsFree))).every(Boolean)) return frontend;
  }
  throw new Error('no free port layout for a Temporal cluster');
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

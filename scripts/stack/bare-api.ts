import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Client } from '@temporalio/client';
import { createApp } from '../../api/app';
import type { AppConfig } from '../../config';
import type { Db } from '../../store/database';

/**
 * The API's routes on a free loopback port, as a benchmark or a test drives them: the app alone,
 * without the launchers' server settings, redelivery sweeper or request log, so a measurement
 * sees the routes' own cost.
 */
export interface BareApi {
  url: string;
  stop(): Promise<void>;
}

export async function serveBareApi(options: { config: AppConfig; db: Db; temporal: Client }): Promise<BareApi> {
  const server: Server = createServer(createApp({ ...options, log: () => undefined }));
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', () => ready()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    stop: () => new Promise<void>((done) => server.close(() => done())),
  };
}

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type ApplicationFailure } from '@temporalio/common';
import { wecomChannel } from '../../activities/notifications/channels';
import { ConfigError, DEV_API_TOKENS, loadConfig, parseApiTokens } from '../../config';

/**
 * Secrets stay secret (issue 7, item 8): the dev profile is opt-in, principal ids carry no token
 * characters, the dev stack listens on loopback, and a WeCom group-bot key never appears in an
 * error (errors end up in the audit trail and the case view).
 */

describe('the dev profile is opt-in', () => {
  test('without APP_PROFILE (and outside tests) the production rules apply', () => {
    expect(() => loadConfig({})).toThrow(ConfigError);
    expect(() => loadConfig({ API_TOKENS: DEV_API_TOKENS })).toThrow(/production profile/);
    expect(() => loadConfig({ NODE_ENV: 'development' })).toThrow(/production profile/);
  });

  test("APP_PROFILE=dev, or jest's NODE_ENV=test, selects the dev profile", () => {
    expect(loadConfig({ APP_PROFILE: 'dev' }).profile).toBe('dev');
    expect(loadConfig({ NODE_ENV: 'test' }).profile).toBe('dev');
  });

  test('the API listens on 127.0.0.1 unless HOST says otherwise', () => {
    expect(loadConfig({ APP_PROFILE: 'dev' }).host).toBe('127.0.0.1');
    expect(loadConfig({ APP_PROFILE: 'dev', HOST: '0.0.0.0' }).host).toBe('0.0.0.0');
  });
});

describe('principal ids', () => {
  test.each(['agent:s3cr3t-token-value', 'supervisor:Zq9xLm2Pw8', 'system:abc:def:ghi-jkl'])('carry no token characters (%s)', (entry) => {
    const [parsed] = parseApiTokens(entry);
    const { token, principal } = parsed as { token: string; principal: string };
    const id = principal.slice(principal.indexOf(':') + 1);
    for (let i = 0; i + 3 <= token.length; i += 1) expect(id).not.toContain(token.slice(i, i + 3));
  });

  test('may be named in API_TOKENS (role:name:token)', () => {
    expect(parseApiTokens('agent:li.wei:0123456789abcdef')).toEqual([{ token: '0123456789abcdef', role: 'agent', principal: 'agent:li.wei' }]);
  });
});

describe('the WeCom key never appears in an error', () => {
  const KEY = 'wecom-key-5f3a9c0e-secret';
  let server: Server;
  let url: string;
  beforeAll(async () => {
    // A provider that refuses the request and echoes it back, as real ones do in error bodies.
    server = createServer((req, res) => {
      res.writeHead(req.url?.includes('fail5xx') ? 502 : 400, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ errcode: 93000, errmsg: `invalid webhook url ${req.url}` }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const send = (baseUrl: string) =>
    wecomChannel(baseUrl).send({
      idempotencyKey: 'CASE-1:escalate:wecom',
      recipient: { userId: 'ops', wecomKey: KEY },
      message: { title: 't', body: 'b', smsCode: 'SMS_1' },
      params: {},
    });

  async function errorOf(promise: Promise<unknown>): Promise<Error> {
    try {
      await promise;
    } catch (error) {
      return error as Error;
    }
    throw new Error('expected the send to fail');
  }

  test.each([
    ['a 4xx refusal', () => url],
    ['a 5xx answer', () => `${url}/fail5xx`],
    ['an unreachable provider', () => 'http://127.0.0.1:1'],
  ])('%s', async (_name, baseUrl) => {
    const error = await errorOf(send(baseUrl()));
    const everything = JSON.stringify({ message: error.message, stack: error.stack, details: (error as ApplicationFailure).details });
    expect(everything).not.toContain(KEY);
    expect(everything).not.toContain(encodeURIComponent(KEY));
  });
});

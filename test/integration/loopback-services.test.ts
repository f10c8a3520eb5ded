/**
 * The local services the tests start (the same code the local stack uses) are reachable from this
 * machine only: each listens on a loopback address, and DynamoDB Local answers no browser.
 */
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loopbackHost, type RunningSes, startSesLocal } from '../../infra/local/services.ts';
import { isLoopback, listeningSockets } from '../support/listening-sockets.ts';

let ses: RunningSes | undefined;

beforeAll(async () => {
  ses = await startSesLocal({ port: 0, hostname: loopbackHost });
});

afterAll(async () => {
  await ses?.stop();
});

const portOf = (endpoint: string): number => Number(new URL(endpoint).port);

/** fetch never sends a Host of its own choosing; node:http does, as a rebinding page's browser would. */
const postWithHost = (endpoint: string, host: string) =>
  new Promise<{ status: number; headers: Headers }>((done, fail) => {
    const req = request(
      endpoint,
      {
        method: 'POST',
        headers: { host, 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'DynamoDB_20120810.ListTables' },
      },
      (res) => {
        res.resume();
        const headers = new Headers();
        for (const [name, value] of Object.entries(res.headers))
          if (typeof value === 'string') headers.set(name, value);
        res.once('end', () => done({ status: res.statusCode ?? 0, headers }));
      },
    );
    req.once('error', fail);
    req.end('{}');
  });

describe('services started for the integration tests', () => {
  it('listen on 127.0.0.1 or ::1 only (DynamoDB Local, the SQS/S3 emulator, SES)', async () => {
    const services = {
      'DynamoDB Local': portOf(inject('dynamoEndpoint')),
      'SQS/S3 emulator': portOf(inject('emulatorEndpoint')),
      SES: portOf(ses?.endpoint ?? ''),
    };
    const sockets = await listeningSockets();

    for (const [name, port] of Object.entries(services)) {
      const bound = sockets.filter((s) => s.port === port).map((s) => s.address);
      expect(bound.length, `${name} listens on port ${port}`).toBeGreaterThan(0);
      expect(
        bound.filter((address) => !isLoopback(address)),
        `${name} on port ${port}`,
      ).toEqual([]);
    }
  });

  it('DynamoDB Local answers no browser: a CORS preflight or a request with an Origin is 403, without CORS headers', async () => {
    const endpoint = inject('dynamoEndpoint');
    const preflight = await fetch(endpoint, {
      method: 'OPTIONS',
      headers: {
        origin: 'http://attacker.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'x-amz-target,content-type',
      },
    });
    const post = await fetch(endpoint, {
      method: 'POST',
      headers: {
        origin: 'http://attacker.example',
        'content-type': 'application/x-amz-json-1.0',
        'x-amz-target': 'DynamoDB_20120810.ListTables',
      },
      body: '{}',
    });
    // a page that rebinds its own name to 127.0.0.1 sends its name as Host
    const rebound = await postWithHost(endpoint, `attacker.example:${portOf(endpoint)}`);

    for (const res of [preflight, post, rebound]) {
      expect(res.status).toBe(403);
      expect([...res.headers.keys()].filter((name) => name.startsWith('access-control-'))).toEqual([]);
    }
  });
});

/**
 * The HTTP edge when a dependency is down: the real SDK clients (as the functions create them)
 * against a port where nothing listens and a server that never answers, and the SDK's own
 * throttling error. The caller gets a 503 problem with Retry-After and nothing about the cause,
 * in bounded time; a bug is still a 500, and every 429 and 503 carries Retry-After.
 */

import { createServer, type Server, type Socket } from 'node:net';
import { ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KontaktError } from '../../../domain/shared/errors.ts';
import { demoWebform } from '../../../domain/webforms/webform.ts';
import { httpRouter } from '../../../functions/shared/aws-http.ts';
import { createDocumentClient } from '../../../functions/shared/dynamodb-client.ts';
import { route } from '../../../functions/shared/http.ts';
import { createSqsClient } from '../../../functions/shared/sqs-client.ts';
import { createSubmissionGate } from '../../../functions/webforms/submission-limits.ts';
import { submitWebform } from '../../../functions/webforms/submit-webform.ts';
import { webformPublicRoutes } from '../../../functions/webforms/webforms.routes.ts';
import { apiEvent, lambdaContext } from '../../support/events.ts';
import { freePort } from '../../support/ports.ts';

const users = { findUser: async () => null };

/** A TCP server that accepts connections and never says a word: a hung dependency. */
let silent: Server;
const held: Socket[] = [];
let silentPort = 0;
let closedPort = 0;

beforeAll(async () => {
  silent = createServer((socket) => {
    held.push(socket);
  });
  await new Promise<void>((done) => silent.listen(0, '127.0.0.1', done));
  const address = silent.address();
  silentPort = typeof address === 'object' && address ? address.port : 0;
  closedPort = await freePort();
  Object.assign(process.env, {
    AWS_REGION: 'eu-west-1',
    AWS_ACCESS_KEY_ID: 'kontaktlocal',
    AWS_SECRET_ACCESS_KEY: 'kontaktlocal',
  });
});

afterAll(async () => {
  for (const socket of held) socket.destroy();
  await new Promise<void>((done) => silent.close(() => done()));
});

const withEndpoint = <T>(name: string, url: string, create: () => T): T => {
  const before = process.env[name];
  process.env[name] = url;
  try {
    return create();
  } finally {
    if (before === undefined) delete process.env[name];
    else process.env[name] = before;
  }
};

const handlerThrowing = (fail: () => Promise<unknown>) =>
  httpRouter(
    {
      'POST /v1/leads': route({ summary: 'test', auth: 'public' }, async () => {
        await fail();
        return { status: 201 };
      }),
    },
    users,
  );

const call = async (fail: () => Promise<unknown>, remainingMs = 10_000) => {
  const started = Date.now();
  const res = await handlerThrowing(fail)(apiEvent({ routeKey: 'POST /v1/leads' }), {
    ...lambdaContext(),
    getRemainingTimeInMillis: () => remainingMs,
  });
  return { ...res, json: JSON.parse(res.body ?? 'null'), ms: Date.now() - started };
};

const expectServiceUnavailable = (res: Awaited<ReturnType<typeof call>>) => {
  expect(res.statusCode).toBe(503);
  expect(res.headers['content-type']).toBe('application/problem+json');
  expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
  expect(res.json).toMatchObject({ type: '/problems/service-unavailable', status: 503 });
  // nothing about which dependency, where, or why
  expect(res.body).not.toMatch(/ECONN|dynamodb|sqs|127\.0\.0\.1|Timeout|Throughput|stack/i);
};

describe('a dependency outage at the HTTP edge', () => {
  it('answers 503 with Retry-After when DynamoDB refuses connections, at once', async () => {
    const doc = withEndpoint('AWS_ENDPOINT_URL_DYNAMODB', `http://127.0.0.1:${closedPort}`, createDocumentClient);

    const res = await call(() => doc.send(new GetCommand({ TableName: 't', Key: { pk: 'a', sk: 'b' } })));

    expectServiceUnavailable(res);
    expect(res.ms).toBeLessThan(5_000);
  });

  it('answers 503 when SQS refuses connections', async () => {
    const sqs = withEndpoint('AWS_ENDPOINT_URL_SQS', `http://127.0.0.1:${closedPort}`, createSqsClient);

    const res = await call(() =>
      sqs.send(new SendMessageCommand({ QueueUrl: `http://127.0.0.1:${closedPort}/000000000000/q`, MessageBody: 'x' })),
    );

    expectServiceUnavailable(res);
  });

  it('gives up on a DynamoDB that accepts the connection but never answers, within the function’s 10 s', async () => {
    const doc = withEndpoint('AWS_ENDPOINT_URL_DYNAMODB', `http://127.0.0.1:${silentPort}`, createDocumentClient);

    // a minute left, so only the client's own timeouts can end the wait (not middy's early answer)
    const res = await call(() => doc.send(new GetCommand({ TableName: 't', Key: { pk: 'a', sk: 'b' } })), 60_000);

    expectServiceUnavailable(res);
    expect(res.ms).toBeLessThan(10_000);
  }, 20_000);

  it('answers 503 when DynamoDB keeps throttling after the SDK’s retries, also when an adapter wrapped it', async () => {
    const throttled = () =>
      new ProvisionedThroughputExceededException({ $metadata: { httpStatusCode: 400 }, message: 'slow down' });

    const direct = await call(async () => {
      throw throttled();
    });
    const wrapped = await call(async () => {
      throw new Error('could not store the entry', { cause: throttled() });
    });

    expectServiceUnavailable(direct);
    expectServiceUnavailable(wrapped);
  });

  it('answers 503 when the function is about to run out of time, not 500', async () => {
    const slow = httpRouter(
      {
        'POST /v1/leads': route({ summary: 'test', auth: 'public' }, async () => {
          await new Promise((done) => setTimeout(done, 2_000));
          return { status: 201 };
        }),
      },
      users,
    );
    const context = { ...lambdaContext(), getRemainingTimeInMillis: () => 300 };

    const res = await slow(apiEvent({ routeKey: 'POST /v1/leads' }), context);

    expect(res.statusCode).toBe(503);
    expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(JSON.parse(res.body ?? 'null')).toMatchObject({ type: '/problems/service-unavailable' });
  });

  it('keeps a problem’s own members when an extra member has the same name', async () => {
    const res = await call(async () => {
      throw new KontaktError('concurrent-change', 'changed meanwhile', {
        extra: { status: 'won', type: 'x' },
      });
    });

    expect(res.statusCode).toBe(409);
    expect(res.json).toMatchObject({ status: 409, type: '/problems/concurrent-change' });
  });

  it('still answers 500 to a bug, without its message', async () => {
    const res = await call(async () => {
      throw new TypeError('secret detail: cannot read properties of undefined');
    });

    expect(res.statusCode).toBe(500);
    expect(res.headers['retry-after']).toBeUndefined();
    expect(res.body).not.toContain('secret');
  });
});

describe('Retry-After on every 429 and 503 of Kontakt’s own', () => {
  it('adds one to a 429 raised without it, and keeps the one an error names', async () => {
    const bare = await call(async () => {
      throw new KontaktError('rate-limited', 'slow down');
    });
    const own = await call(async () => {
      throw new KontaktError('rate-limited', 'slow down', {
        headers: { 'Retry-After': '30' },
      });
    });

    expect(bare.statusCode).toBe(429);
    expect(Number(bare.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(own.headers['Retry-After']).toBe('30');
    expect(own.headers['retry-after']).toBeUndefined();
  });
});

describe('a web form while DynamoDB is down', () => {
  it('answers the browser 503 with its CORS headers and Retry-After readable, so the embed script can wait and retry', async () => {
    const doc = withEndpoint('AWS_ENDPOINT_URL_DYNAMODB', `http://127.0.0.1:${closedPort}`, createDocumentClient);
    const origin = 'https://customer.example';
    const form = { ...demoWebform(new Date('2026-05-01T00:00:00.000Z')), allowedOrigins: [origin] };
    const spec = webformPublicRoutes['POST /v1/webforms/{formKey}/submissions'];
    const handler = httpRouter(
      {
        'POST /v1/webforms/{formKey}/submissions': route(
          spec,
          submitWebform({
            forms: { get: async () => ({ form, signingSecret: 'x'.repeat(43) }) },
            inbox: {
              create: async () => {
                await doc.send(new GetCommand({ TableName: 't', Key: { pk: 'a', sk: 'b' } }));
              },
            },
            idempotency: {
              find: async () => null,
              write: (_scope, key) => ({ key: { pk: key, sk: 'x' }, record: {}, nowEpoch: 0 }),
            },
            publisher: { publish: async () => undefined },
            duplicateCheckQueueUrl: 'queue',
            gate: createSubmissionGate(),
            now: () => new Date('2026-05-04T08:00:00.000Z'),
          }),
        ),
      },
      users,
    );

    const res = await handler(
      apiEvent({
        routeKey: 'POST /v1/webforms/{formKey}/submissions',
        pathParameters: { formKey: form.key },
        headers: { origin, 'idempotency-key': 'k-1' },
        body: JSON.stringify({ lastName: 'Muster', email: 'muster@example.com' }),
      }),
      lambdaContext(),
    );

    expect(res.statusCode).toBe(503);
    expect(res.headers['access-control-allow-origin']).toBe(origin);
    expect(res.headers['access-control-expose-headers']).toMatch(/retry-after/i);
    expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(JSON.parse(res.body ?? '{}')).toMatchObject({ type: '/problems/service-unavailable' });
  });
});

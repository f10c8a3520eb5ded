// Fair limits on web-form submissions: per client first, then per form, in memory, 429 with Retry-After.
import { describe, expect, it } from 'vitest';
import { KontaktError } from '../../../domain/shared/errors.ts';
import { demoWebform, type Webform } from '../../../domain/webforms/webform.ts';
import type { HttpRequest } from '../../../functions/shared/http.ts';
import { createRateLimiter } from '../../../functions/shared/rate-limit.ts';
import { createSubmissionGate } from '../../../functions/webforms/submission-limits.ts';
import { submitWebform } from '../../../functions/webforms/submit-webform.ts';
import { apiEvent } from '../../support/events.ts';

describe('a token bucket per key', () => {
  it('lets a burst through, refuses the next with the seconds until a token is back, and refills', () => {
    let clock = 0;
    const limiter = createRateLimiter({ perSecond: 0.5, burst: 3 }, { now: () => clock });

    expect([limiter.take('a'), limiter.take('a'), limiter.take('a')].every((t) => t.allowed)).toBe(true);
    expect(limiter.take('a')).toEqual({ allowed: false, retryAfterSeconds: 2 });
    // another key has its own bucket
    expect(limiter.take('b').allowed).toBe(true);
    clock = 2_000;
    expect(limiter.take('a').allowed).toBe(true);
    expect(limiter.take('a').allowed).toBe(false);
  });

  it('forgets the least recently used keys beyond its size, which only lets them start afresh', () => {
    const limiter = createRateLimiter({ perSecond: 0.001, burst: 1 }, { maxKeys: 2, now: () => 0 });
    limiter.take('a');
    limiter.take('b');
    limiter.take('c');
    expect(limiter.take('a').allowed).toBe(true);
    expect(limiter.take('c').allowed).toBe(false);
  });
});

describe('web-form submissions under fair limits', () => {
  const forms: Record<string, Webform> = {
    demo: demoWebform(new Date('2026-05-01T00:00:00.000Z')),
    shop: { ...demoWebform(new Date('2026-05-01T00:00:00.000Z')), key: 'shop' },
  };
  const setup = () => {
    let stored = 0;
    const submit = submitWebform({
      forms: { get: async (key) => (forms[key] ? { form: forms[key], signingSecret: 'x'.repeat(43) } : null) },
      inbox: {
        create: async () => {
          stored += 1;
        },
      },
      idempotency: {
        find: async () => null,
        write: (_s, key) => ({ key: { pk: key, sk: 'x' }, record: {}, nowEpoch: 0 }),
      },
      publisher: { publish: async () => undefined },
      duplicateCheckQueueUrl: 'queue',
      gate: createSubmissionGate(
        { perClient: { perSecond: 0.1, burst: 3 }, perForm: { perSecond: 0.1, burst: 5 } },
        { now: () => 0 },
      ),
      now: () => new Date('2026-05-04T08:00:00.000Z'),
    });
    const from = (
      ip: string,
      formKey = 'demo',
    ): HttpRequest<Record<string, string>, { formKey: string }, undefined> => {
      const event = apiEvent({ routeKey: 'POST /v1/webforms/{formKey}/submissions' });
      return {
        body: { lastName: 'Muster', email: 'max@example.com' },
        bodyKind: 'json',
        path: { formKey },
        query: undefined,
        user: null,
        headers: { origin: 'http://localhost:3000' },
        event: {
          ...event,
          requestContext: { ...event.requestContext, http: { ...event.requestContext.http, sourceIp: ip } },
        },
        requestId: 'r',
      };
    };
    return { submit, from, stored: () => stored };
  };
  const refusal = (promise: Promise<unknown>) =>
    promise.then(
      () => {
        throw new Error('admitted');
      },
      (error: unknown) => (error instanceof KontaktError ? error : Promise.reject(error)),
    );

  it('refuses a client beyond its share with 429 and Retry-After, readable by the form’s page, and stores nothing', async () => {
    const { submit, from, stored } = setup();
    for (let i = 0; i < 3; i += 1) expect((await submit(from('203.0.113.7'))).status).toBe(201);

    const refused = await refusal(submit(from('203.0.113.7')));

    expect(refused.code).toBe('rate-limited');
    expect(refused.headers).toMatchObject({
      'retry-after': '10',
      'access-control-allow-origin': 'http://localhost:3000',
    });
    expect(stored()).toBe(3);
    // another visitor of the same form is not held up by the first one's flood
    expect((await submit(from('198.51.100.20'))).status).toBe(201);
  });

  it('limits a form flooded from many addresses, and leaves another customer’s form alone', async () => {
    const { submit, from } = setup();
    for (let i = 0; i < 5; i += 1) expect((await submit(from(`203.0.113.${i}`))).status).toBe(201);

    expect((await refusal(submit(from('203.0.113.99')))).code).toBe('rate-limited');
    expect((await submit(from('203.0.113.99', 'shop'))).status).toBe(201);
  });

  it('spends nothing of the form’s share on a client that is refused', async () => {
    const { submit, from } = setup();
    for (let i = 0; i < 3; i += 1) await submit(from('203.0.113.7'));
    for (let i = 0; i < 10; i += 1) await refusal(submit(from('203.0.113.7')));

    // the form took 3 of its 5: two more visitors get through
    expect((await submit(from('198.51.100.1'))).status).toBe(201);
    expect((await submit(from('198.51.100.2'))).status).toBe(201);
  });
});

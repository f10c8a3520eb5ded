import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { FacebookLeadReceivedV1 } from '../../../events/facebook-lead-received.v1.ts';
import { facebookRoutes as routes } from '../../../functions/facebook/facebook.routes.ts';
import type { FacebookConfig } from '../../../functions/facebook/facebook-config.ts';
import { EnqueueFailedError } from '../../../functions/facebook/facebook-lead-queue.ts';
import { receiveWebhook, verifyWebhook } from '../../../functions/facebook/facebook-webhook.ts';
import { httpRouter } from '../../../functions/shared/aws-http.ts';
import { route } from '../../../functions/shared/http.ts';
import { apiEvent, lambdaContext } from '../../support/events.ts';

const config: FacebookConfig = {
  appSecret: 'unit-app-secret',
  verifyToken: 'unit-verify-token',
  pages: { '123': 'page-token' },
};
const sign = (body: string, secret = config.appSecret) =>
  `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

const setup = (options: { enqueueFails?: boolean } = {}) => {
  const queued: FacebookLeadReceivedV1[] = [];
  const handler = httpRouter(
    {
      'GET /v1/facebook/webhook': route(
        routes['GET /v1/facebook/webhook'],
        verifyWebhook({ config: async () => config }),
      ),
      'POST /v1/facebook/webhook': route(
        routes['POST /v1/facebook/webhook'],
        receiveWebhook({
          config: async () => config,
          queue: {
            sendAll: async (events) => {
              if (options.enqueueFails) throw new EnqueueFailedError('1 of 1 leadgen events were not enqueued');
              queued.push(...events);
            },
          },
          now: () => new Date('2026-05-04T08:00:00.000Z'),
        }),
      ),
    },
    { findUser: async () => null },
  );
  const call = async (input: Parameters<typeof apiEvent>[0]) => {
    const res = await handler(apiEvent(input), lambdaContext());
    const json = res.body && res.headers?.['content-type']?.includes('json') ? JSON.parse(res.body) : undefined;
    return { ...res, json };
  };
  return { call, queued };
};

const verification = (query: Record<string, string>) => ({ routeKey: 'GET /v1/facebook/webhook', query });
const delivery = (leadgenIds: (number | string)[]) =>
  JSON.stringify({
    object: 'page',
    entry: [
      {
        id: '123',
        time: 1714809600,
        changes: leadgenIds.map((id) => ({
          field: 'leadgen',
          value: { leadgen_id: id, page_id: 123, form_id: 555, created_time: 1714809600 },
        })),
      },
    ],
  });
const post = (body: string, headers: Record<string, string> = {}, base64 = false) => ({
  routeKey: 'POST /v1/facebook/webhook',
  body,
  base64,
  headers,
});

describe('GET /v1/facebook/webhook (Meta’s verification)', () => {
  it('echoes hub.challenge as plain text when the verify token matches', async () => {
    const { call } = setup();

    const res = await call(
      verification({ 'hub.mode': 'subscribe', 'hub.verify_token': config.verifyToken, 'hub.challenge': '1158201444' }),
    );

    expect(res.statusCode).toBe(200);
    expect(res.headers?.['content-type']).toBe('text/plain; charset=utf-8');
    expect(res.body).toBe('1158201444');
  });

  it('answers 403 to a wrong verify token', async () => {
    const { call } = setup();

    const res = await call(
      verification({ 'hub.mode': 'subscribe', 'hub.verify_token': 'guess', 'hub.challenge': '1158201444' }),
    );

    expect(res.statusCode).toBe(403);
    expect(res.headers?.['content-type']).toBe('application/problem+json');
    expect(res.body).not.toContain('1158201444');
  });

  it('answers 400 naming every missing parameter', async () => {
    const { call } = setup();

    const res = await call(verification({ 'hub.mode': 'subscribe' }));

    expect(res.statusCode).toBe(400);
    expect(res.json.errors.map((e: { field: string }) => e.field)).toEqual(['hub.verify_token', 'hub.challenge']);
  });
});

describe('POST /v1/facebook/webhook (signed deliveries)', () => {
  it('queues one facebook-lead-received event per leadgen change and answers 200 with the count', async () => {
    const { call, queued } = setup();
    const body = delivery([444, '445']);

    const res = await call(post(body, { 'x-hub-signature-256': sign(body) }));

    expect(res.statusCode).toBe(200);
    expect(res.json).toEqual({ received: 2, skipped: 0 });
    expect(queued).toEqual([
      {
        type: 'facebook-lead-received',
        version: 1,
        leadgenId: '444',
        pageId: '123',
        formId: '555',
        createdTime: 1714809600,
        receivedAt: '2026-05-04T08:00:00.000Z',
      },
      expect.objectContaining({ leadgenId: '445' }),
    ]);
  });

  it('verifies the bytes of a base64-encoded body, not a decoded and re-encoded copy', async () => {
    const { call, queued } = setup();
    const body = delivery([446]).replace('"object":"page"', '"object" : "page"');

    const res = await call(post(body, { 'x-hub-signature-256': sign(body) }, true));

    expect(res.statusCode).toBe(200);
    expect(queued.map((e) => e.leadgenId)).toEqual(['446']);
  });

  it('answers 401 and queues nothing when the signature is missing, wrong, or over other bytes', async () => {
    const { call, queued } = setup();
    const body = delivery([447]);
    const pretty = JSON.stringify(JSON.parse(body), null, 2);

    const missing = await call(post(body));
    const otherSecret = await call(post(body, { 'x-hub-signature-256': sign(body, 'not-the-secret') }));
    const overOtherBytes = await call(post(body, { 'x-hub-signature-256': sign(pretty) }));

    for (const res of [missing, otherSecret, overOtherBytes]) {
      expect(res.statusCode).toBe(401);
      expect(res.headers?.['content-type']).toBe('application/problem+json');
    }
    expect(missing.json.detail).toBe('X-Hub-Signature-256 is missing');
    expect(otherSecret.json.detail).toBe('X-Hub-Signature-256 does not match the body');
    expect(queued).toEqual([]);
  });

  it('answers 200 with nothing queued for a delivery without leadgen changes', async () => {
    const { call, queued } = setup();
    const body = JSON.stringify({
      object: 'page',
      entry: [{ id: '123', time: 1, changes: [{ field: 'feed', value: {} }] }],
    });

    const res = await call(post(body, { 'x-hub-signature-256': sign(body) }));

    expect(res.json).toEqual({ received: 0, skipped: 0 });
    expect(queued).toEqual([]);
  });

  it('answers 500 without internals when a lead could not be queued, so Meta delivers again', async () => {
    const { call } = setup({ enqueueFails: true });
    const body = delivery([448]);

    const res = await call(post(body, { 'x-hub-signature-256': sign(body) }));

    expect(res.statusCode).toBe(500);
    expect(res.body).not.toContain('enqueued');
  });
});

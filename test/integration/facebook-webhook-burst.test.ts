// A Facebook delivery of 5,000 leadgen changes, as Meta sends it (over 1 MB), through the HTTP edge to
// the emulator's SQS: every good change is on the queue before Meta gets its 200. The time it takes is printed, not asserted: on a shared two-core
// machine it measures the machine's load as much as the code (about 2 s idle, 9–15 s at a load of 13).
import { createHmac, randomUUID } from 'node:crypto';
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  DeleteQueueCommand,
  ReceiveMessageCommand,
} from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { facebookRoutes } from '../../functions/facebook/facebook.routes.ts';
import { createFacebookLeadQueue } from '../../functions/facebook/facebook-lead-queue.ts';
import { receiveWebhook } from '../../functions/facebook/facebook-webhook.ts';
import { httpRouter } from '../../functions/shared/aws-http.ts';
import { route } from '../../functions/shared/http.ts';
import { sqsClient } from '../support/aws.ts';
import { apiEvent, lambdaContext } from '../support/events.ts';

const appSecret = 'burst-app-secret';
const pageId = '2000000000000009';
const sqs = sqsClient();
let queueUrl: string;

beforeAll(async () => {
  // a queue of its own: draining it must not take other tests' messages
  const created = await sqs.send(new CreateQueueCommand({ QueueName: `facebook-burst-${randomUUID()}` }));
  queueUrl = created.QueueUrl ?? '';
});

afterAll(async () => {
  if (queueUrl) await sqs.send(new DeleteQueueCommand({ QueueUrl: queueUrl }));
});

/** Every leadgen id on the queue, each message taken off once. */
const drain = async (): Promise<string[]> => {
  const ids: string[] = [];
  for (let empty = 0; empty < 2; ) {
    const res = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 1,
        VisibilityTimeout: 300,
      }),
    );
    const messages = res.Messages ?? [];
    if (messages.length === 0) {
      empty += 1;
      continue;
    }
    for (const m of messages) ids.push(String(JSON.parse(m.Body ?? '{}').leadgenId));
    await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle ?? '' })),
      }),
    );
  }
  return ids;
};

describe('a Facebook delivery of 5,000 leadgen changes', () => {
  it('puts every good one of 5,000 changes with Meta’s context fields on the queue through the HTTP edge, ten batches at a time, before it answers 200', async () => {
    const leadgenIds = Array.from({ length: 5000 }, (_, i) => `71${String(i).padStart(14, '0')}`);
    // one entry per change, with every field Meta sends: well over a megabyte
    const entry = (value: Record<string, unknown>) => ({
      id: pageId,
      time: 1714809600,
      changes: [{ field: 'leadgen', value }],
    });
    const body = JSON.stringify({
      object: 'page',
      entry: [
        ...leadgenIds.map((id, i) =>
          entry({
            ad_id: `2384${String(i).padStart(12, '0')}`,
            form_id: '1234567890123456',
            leadgen_id: id,
            created_time: 1714809600 + i,
            page_id: pageId,
            adgroup_id: `2384${String(i).padStart(12, '0')}`,
          }),
        ),
        // a change without a usable page id cannot be fetched; it must not cost the others their delivery
        entry({ leadgen_id: '7199999999999999', page_id: '', form_id: '' }),
      ],
    });
    expect(Buffer.byteLength(body)).toBeGreaterThan(1024 * 1024);
    const signature = `sha256=${createHmac('sha256', appSecret).update(body).digest('hex')}`;
    // counts the SendMessageBatch calls in flight at once: batches go side by side, not one after another
    let inFlight = 0;
    let mostInFlight = 0;
    const counted = sqsClient();
    counted.middlewareStack.add(
      (next) => async (args) => {
        inFlight += 1;
        mostInFlight = Math.max(mostInFlight, inFlight);
        try {
          return await next(args);
        } finally {
          inFlight -= 1;
        }
      },
      { step: 'initialize' },
    );
    const handler = httpRouter(
      {
        'POST /v1/facebook/webhook': route(
          facebookRoutes['POST /v1/facebook/webhook'],
          receiveWebhook({
            config: async () => ({ appSecret, verifyToken: 'unused', pages: {} }),
            queue: createFacebookLeadQueue(counted, queueUrl),
            now: () => new Date('2031-03-03T10:20:30.000Z'),
          }),
        ),
      },
      { findUser: async () => null },
    );
    const event = apiEvent({
      routeKey: 'POST /v1/facebook/webhook',
      body,
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': signature },
    });

    const started = performance.now();
    const res = await handler(event, { ...lambdaContext(), getRemainingTimeInMillis: () => 60_000 });
    const seconds = (performance.now() - started) / 1000;
    const queued = await drain();

    console.info(`5,000 leadgen changes enqueued in ${seconds.toFixed(2)} s (the webhook function has 10 s)`);
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.body ?? '{}')).toEqual({ received: 5000, skipped: 1 });
    expect(queued).toHaveLength(5000);
    expect(new Set(queued)).toEqual(new Set(leadgenIds));
    expect(mostInFlight).toBeGreaterThan(1);
    expect(mostInFlight).toBeLessThanOrEqual(10);
  }, 120_000);
});

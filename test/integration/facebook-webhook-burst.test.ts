// A Facebook delivery of 5,000 leadgen changes against the emulator's SQS: every change is on the
// queue before Meta gets its 200. The time it takes is printed, not asserted: on a shared two-core
// machine it measures the machine's load as much as the code (about 2 s idle, 9–15 s at a load of 13).
import { createHmac, randomUUID } from 'node:crypto';
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  DeleteQueueCommand,
  ReceiveMessageCommand,
} from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFacebookLeadQueue } from '../../functions/facebook/facebook-lead-queue.ts';
import { receiveWebhook } from '../../functions/facebook/facebook-webhook.ts';
import { sqsClient } from '../support/aws.ts';
import { apiEvent } from '../support/events.ts';

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
  it('puts every one of 5,000 changes on the queue, ten batches at a time, before it answers 200', async () => {
    const leadgenIds = Array.from({ length: 5000 }, (_, i) => `71${String(i).padStart(14, '0')}`);
    const body = JSON.stringify({
      object: 'page',
      entry: [
        {
          id: pageId,
          time: 1714809600,
          changes: leadgenIds.map((id) => ({ field: 'leadgen', value: { leadgen_id: id, page_id: pageId } })),
        },
      ],
    });
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
    const receive = receiveWebhook({
      config: async () => ({ appSecret, verifyToken: 'unused', pages: {} }),
      queue: createFacebookLeadQueue(counted, queueUrl),
      now: () => new Date('2031-03-03T10:20:30.000Z'),
    });
    const event = apiEvent({
      routeKey: 'POST /v1/facebook/webhook',
      body,
      headers: { 'x-hub-signature-256': signature },
    });

    const started = performance.now();
    const res = await receive({
      body: undefined,
      bodyKind: 'json',
      path: undefined,
      query: undefined,
      user: null,
      headers: { 'x-hub-signature-256': signature },
      event,
      requestId: 'r',
    });
    const seconds = (performance.now() - started) / 1000;
    const queued = await drain();

    console.info(`5,000 leadgen changes enqueued in ${seconds.toFixed(2)} s (the webhook function has 10 s)`);
    expect(res).toEqual({ status: 200, body: { received: 5000 } });
    expect(queued).toHaveLength(5000);
    expect(new Set(queued)).toEqual(new Set(leadgenIds));
    expect(mostInFlight).toBeGreaterThan(1);
    expect(mostInFlight).toBeLessThanOrEqual(10);
  }, 120_000);
});

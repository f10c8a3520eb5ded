// Partial failures of SendMessageBatch, which the emulator never produces: each refused entry is
// sent again until it is on the queue, and a delivery fails (so Meta repeats it) only when one cannot be.
import { SendMessageBatchCommand, type SendMessageBatchCommandInput, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import type { FacebookLeadReceivedV1 } from '../../../events/facebook-lead-received.v1.ts';
import { createFacebookLeadQueue } from '../../../functions/facebook/facebook-lead-queue.ts';

const events = (count: number): FacebookLeadReceivedV1[] =>
  Array.from({ length: count }, (_, i) => ({
    type: 'facebook-lead-received',
    version: 1,
    leadgenId: `5${String(i).padStart(15, '0')}`,
    pageId: '100000000000001',
    receivedAt: '2031-03-03T10:20:30.000Z',
  }));

/** A fake SQS that refuses the entries `refuse` picks and records every leadgen id it took. */
const sqsRefusing = (refuse: (leadgenId: string, attempt: number) => { code: string; senderFault: boolean } | null) => {
  const client = new SQSClient({ region: 'eu-west-1' });
  const mock = mockClient(client);
  const attempts = new Map<string, number>();
  const enqueued: string[] = [];
  const batchSizes: number[] = [];
  mock.on(SendMessageBatchCommand).callsFake((input: SendMessageBatchCommandInput) => {
    batchSizes.push(input.Entries?.length ?? 0);
    const Successful: { Id: string; MessageId: string; MD5OfMessageBody: string }[] = [];
    const Failed: { Id: string; Code: string; SenderFault: boolean }[] = [];
    for (const entry of input.Entries ?? []) {
      const id = String(JSON.parse(entry.MessageBody ?? '{}').leadgenId);
      const attempt = (attempts.get(id) ?? 0) + 1;
      attempts.set(id, attempt);
      const refusal = refuse(id, attempt);
      if (refusal) Failed.push({ Id: entry.Id ?? '', Code: refusal.code, SenderFault: refusal.senderFault });
      else {
        enqueued.push(id);
        Successful.push({ Id: entry.Id ?? '', MessageId: `m-${id}`, MD5OfMessageBody: 'x' });
      }
    }
    return { Successful, Failed };
  });
  return { client, mock, enqueued, batchSizes };
};

const noPause = async () => undefined;

describe('the facebook-leads queue', () => {
  it('sends ten to a batch and sends each refused entry again until every one is on the queue', async () => {
    const sqs = sqsRefusing((id, attempt) =>
      Number(id.slice(-1)) % 3 === 0 && attempt <= 2 ? { code: 'InternalError', senderFault: false } : null,
    );
    const all = events(95);

    await createFacebookLeadQueue(sqs.client, 'queue', { pause: noPause }).sendAll(all);

    expect(sqs.batchSizes.every((size) => size <= 10)).toBe(true);
    expect(Math.max(...sqs.batchSizes)).toBe(10);
    expect([...sqs.enqueued].sort()).toEqual(all.map((e) => e.leadgenId).sort());
  });

  it('fails the delivery as a 503 naming the reason in its cause when an entry is still refused after the last attempt', async () => {
    const sqs = sqsRefusing((id) => (id.endsWith('7') ? { code: 'ServiceUnavailable', senderFault: false } : null));

    const sent = createFacebookLeadQueue(sqs.client, 'queue', { pause: noPause, maxAttempts: 3 }).sendAll(events(20));

    const error = await sent.catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'service-unavailable' });
    expect(String(error instanceof Error ? error.cause : undefined)).toMatch(
      /1 of 10 leadgen events were not enqueued after 3 attempts: ServiceUnavailable/,
    );
  });

  it('does not wait on an entry SQS will never take (a sender fault)', async () => {
    const sqs = sqsRefusing((id) => (id.endsWith('3') ? { code: 'InvalidMessageContents', senderFault: true } : null));

    const sent = createFacebookLeadQueue(sqs.client, 'queue', { pause: noPause }).sendAll(events(5));

    await expect(sent).rejects.toThrow(/were refused by the queue: InvalidMessageContents \(sender\)/);
    expect(sqs.mock.commandCalls(SendMessageBatchCommand)).toHaveLength(1);
  });
});

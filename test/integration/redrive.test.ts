import { GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { redriveQueue } from '../../infra/scripts/redrive-queue.ts';
import { queueUrl, sqsClient } from '../support/aws.ts';

const sqs = sqsClient();

const visibleCount = async (url: string): Promise<number> => {
  const res = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages'] }),
  );
  return Number(res.Attributes?.ApproximateNumberOfMessages ?? '0');
};

describe('redrive', () => {
  it('moves every message of a DLQ back to its source queue, bodies intact', async () => {
    const dlq = queueUrl('inbound-email-dlq');
    const source = queueUrl('inbound-email');
    const bodies = Array.from({ length: 13 }, (_, i) => JSON.stringify({ redrive: i }));
    for (const body of bodies) await sqs.send(new SendMessageCommand({ QueueUrl: dlq, MessageBody: body }));

    const result = await redriveQueue(sqs, { dlq, source });
    const received: string[] = [];
    for (let i = 0; i < 5 && received.length < bodies.length; i += 1) {
      const res = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl: source, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
      );
      received.push(...(res.Messages ?? []).map((m) => m.Body ?? '').filter((b) => b.includes('redrive')));
    }

    expect(result).toEqual({ moved: 13, failed: 0 });
    expect(received.sort()).toEqual([...bodies].sort());
    expect(await visibleCount(dlq)).toBe(0);
  });
});

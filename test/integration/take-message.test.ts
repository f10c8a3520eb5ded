// The test helper that takes one message off a queue: it must find its message behind a backlog
// of others and leave those on the queue for whoever waits for them.
import { DeleteMessageCommand, ReceiveMessageCommand, SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { mentioning, queueUrl, sqsClient, takeMessage } from '../support/aws.ts';
import { eventually } from '../support/eventually.ts';

const sqs = sqsClient();

/** Receives (and deletes) messages until `count` different bodies have come; answers them. */
const drain = async (url: string, count: number): Promise<string[]> => {
  const bodies = new Set<string>();
  await eventually(
    async () => {
      const res = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
      );
      for (const message of res.Messages ?? []) {
        bodies.add(message.Body ?? '');
        await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: message.ReceiptHandle }));
      }
      return bodies.size >= count ? true : undefined;
    },
    { what: `${count} messages on the queue` },
  );
  return [...bodies];
};

describe('takeMessage', () => {
  it('finds its message behind a backlog of 45 others and hands every other one back', async () => {
    const url = queueUrl('duplicate-check');
    const backlog = Array.from({ length: 45 }, (_, i) => JSON.stringify({ backlog: i }));
    for (let i = 0; i < backlog.length; i += 10) {
      await sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: url,
          Entries: backlog.slice(i, i + 10).map((MessageBody, j) => ({ Id: String(j), MessageBody })),
        }),
      );
    }
    await sqs.send(
      new SendMessageBatchCommand({ QueueUrl: url, Entries: [{ Id: 'wanted', MessageBody: '{"wanted":"w-1"}' }] }),
    );

    const message = await takeMessage('duplicate-check', mentioning('w-1'));

    const handedBack = await drain(url, backlog.length);

    expect(message).toEqual({ wanted: 'w-1' });
    expect(handedBack.sort()).toEqual([...backlog].sort());
  });
});

/**
 * Moves a dead-letter queue's messages back to its source queue: receive, send, then delete only
 * what was sent, so a crash mid-way duplicates at worst (every consumer is idempotent), never loses.
 * Works against AWS and the local emulator alike (which has no StartMessageMoveTask).
 */
import {
  DeleteMessageBatchCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';

export type RedriveResult = { moved: number; failed: number };

export const redriveQueue = async (
  sqs: SQSClient,
  urls: { dlq: string; source: string },
  options: { maxMessages?: number } = {},
): Promise<RedriveResult> => {
  const limit = options.maxMessages ?? Number.POSITIVE_INFINITY;
  const result: RedriveResult = { moved: 0, failed: 0 };
  while (result.moved + result.failed < limit) {
    const received = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: urls.dlq,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 1,
        VisibilityTimeout: 60,
        MessageAttributeNames: ['All'],
      }),
    );
    const messages = received.Messages ?? [];
    if (messages.length === 0) break;
    const sent = await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: urls.source,
        Entries: messages.map((m, i) => ({
          Id: String(i),
          MessageBody: m.Body ?? '',
          ...(m.MessageAttributes ? { MessageAttributes: m.MessageAttributes } : {}),
        })),
      }),
    );
    const sentIds = new Set((sent.Successful ?? []).map((s) => s.Id));
    const toDelete = messages.map((m, i) => ({ m, id: String(i) })).filter(({ id }) => sentIds.has(id));
    if (toDelete.length > 0) {
      await sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: urls.dlq,
          Entries: toDelete.map(({ m, id }) => ({ Id: id, ReceiptHandle: m.ReceiptHandle ?? '' })),
        }),
      );
    }
    result.moved += toDelete.length;
    // Messages that could not be sent stay in the DLQ and reappear after their visibility timeout.
    result.failed += messages.length - toDelete.length;
    if (result.failed > 0) break;
  }
  return result;
};

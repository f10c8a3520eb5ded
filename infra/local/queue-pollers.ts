/**
 * Lambda's SQS event source, locally: long-polls each queue, invokes its worker with batches of
 * Lambda-shaped records, deletes what succeeded and leaves failed records to come back after the
 * visibility timeout; the emulator moves a message to the DLQ after the max receive count.
 */
import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import * as z from 'zod/mini';
import { consumerOf, type QueueName, queueNames } from '../manifest.ts';
import type { FunctionHost } from './function-host.ts';

const BatchResponse = z.object({ batchItemFailures: z.array(z.object({ itemIdentifier: z.string() })) });

const toRecord = (message: Message, queueArn: string): SQSRecord => ({
  messageId: message.MessageId ?? '',
  receiptHandle: message.ReceiptHandle ?? '',
  body: message.Body ?? '',
  attributes: {
    ApproximateReceiveCount: message.Attributes?.ApproximateReceiveCount ?? '1',
    SentTimestamp: message.Attributes?.SentTimestamp ?? String(Date.now()),
    SenderId: message.Attributes?.SenderId ?? 'local',
    ApproximateFirstReceiveTimestamp: message.Attributes?.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
  },
  // as Lambda hands them over: string values, with their data type
  messageAttributes: Object.fromEntries(
    Object.entries(message.MessageAttributes ?? {}).map(([name, value]) => [
      name,
      {
        stringValue: value.StringValue,
        dataType: value.DataType ?? 'String',
        stringListValues: [],
        binaryListValues: [],
      },
    ]),
  ),
  md5OfBody: message.MD5OfBody ?? '',
  eventSource: 'aws:sqs',
  eventSourceARN: queueArn,
  awsRegion: 'eu-west-1',
});

export type PollerOptions = {
  sqs: SQSClient;
  host: FunctionHost;
  queueUrls: Record<QueueName, string>;
  /** parallel pollers per queue, like Lambda's concurrent batches (fewer for a consumer with `localPollers`) */
  concurrency: number;
  /**
   * When set, failed records come back after this many seconds instead of the queue's visibility
   * timeout (minutes in production): a local convenience that tests use to see retries and
   * redrive quickly. Unset, behaviour is exactly AWS's.
   */
  retryAfterSeconds: number | null;
  /**
   * Chaos for no-loss tests: the share of records (0..1) per queue that fail as if their worker
   * had thrown, without reaching it. Never set in normal use.
   */
  failureRates: Partial<Record<QueueName, number>>;
  onError: (queue: QueueName, error: unknown) => void;
};

export const startQueuePollers = (options: PollerOptions): { stop: () => Promise<void> } => {
  const abort = new AbortController();
  const loops: Promise<void>[] = [];

  const pollOnce = async (queue: QueueName): Promise<void> => {
    const [functionName, consumer] = consumerOf(queue);
    const queueUrl = options.queueUrls[queue];
    const res = await options.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: consumer.batchSize,
        WaitTimeSeconds: 2,
        VisibilityTimeout: consumer.visibilityTimeoutSeconds,
        MessageSystemAttributeNames: ['All'],
        MessageAttributeNames: ['All'],
      }),
      { abortSignal: abort.signal },
    );
    const messages = res.Messages ?? [];
    if (messages.length === 0) return;
    const arn = `arn:aws:sqs:eu-west-1:000000000000:${queue}`;
    const failureRate = options.failureRates[queue] ?? 0;
    const injected = new Set(
      messages.filter(() => failureRate > 0 && Math.random() < failureRate).map((m) => m.MessageId ?? ''),
    );
    const delivered = messages.filter((m) => !injected.has(m.MessageId ?? ''));
    let failedIds = new Set(injected);
    if (delivered.length > 0) {
      const event: SQSEvent = { Records: delivered.map((m) => toRecord(m, arn)) };
      try {
        const response = BatchResponse.safeParse(await options.host.invoke(functionName, event));
        for (const f of response.success ? response.data.batchItemFailures : []) failedIds.add(f.itemIdentifier);
      } catch (error) {
        // A thrown invocation fails the whole batch, as in Lambda.
        options.onError(queue, error);
        failedIds = new Set(messages.map((m) => m.MessageId ?? ''));
      }
    }
    const succeeded = messages.filter((m) => !failedIds.has(m.MessageId ?? ''));
    const failed = messages.filter((m) => failedIds.has(m.MessageId ?? ''));
    if (succeeded.length > 0) {
      await options.sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: succeeded.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle ?? '' })),
        }),
      );
    }
    if (failed.length > 0 && options.retryAfterSeconds !== null) {
      await options.sqs.send(
        new ChangeMessageVisibilityBatchCommand({
          QueueUrl: queueUrl,
          Entries: failed.map((m, i) => ({
            Id: String(i),
            ReceiptHandle: m.ReceiptHandle ?? '',
            VisibilityTimeout: options.retryAfterSeconds ?? 0,
          })),
        }),
      );
    }
  };

  const loop = async (queue: QueueName): Promise<void> => {
    while (!abort.signal.aborted) {
      try {
        await pollOnce(queue);
      } catch (error) {
        if (abort.signal.aborted) return;
        options.onError(queue, error);
        await new Promise((done) => setTimeout(done, 1000));
      }
    }
  };

  for (const queue of queueNames) {
    const pollers = Math.min(options.concurrency, consumerOf(queue)[1].localPollers ?? options.concurrency);
    for (let i = 0; i < pollers; i += 1) loops.push(loop(queue));
  }

  return {
    stop: async () => {
      abort.abort();
      await Promise.allSettled(loops);
    },
  };
};

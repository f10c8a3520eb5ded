/** Sends versioned events to SQS queues. */
import { SendMessageBatchCommand, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { KontaktEvent } from '../../events/index.ts';
import { correlationMessageAttributes } from './correlation.ts';
import { mapBounded } from './map-bounded.ts';

/** What a use case sends, typed by the events it may send: `QueuePublisher<LeadReceivedV1>`. */
export type QueuePublisher<E extends KontaktEvent = KontaktEvent> = {
  publish(queueUrl: string, event: E): Promise<void>;
  /** up to ten events in one request (SendMessageBatch); an event SQS did not take is sent again alone */
  publishBatch?(queueUrl: string, events: readonly E[]): Promise<void>;
};

/** SendMessageBatch's limit. */
const batchLimit = 10;

export const createQueuePublisher = (sqs: SQSClient): QueuePublisher => ({
  async publish(queueUrl, event) {
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: queueUrl,
        MessageBody: JSON.stringify(event),
        ...correlationMessageAttributes(),
      }),
    );
  },
  async publishBatch(queueUrl, events) {
    const correlation = correlationMessageAttributes();
    for (let start = 0; start < events.length; start += batchLimit) {
      const part = events.slice(start, start + batchLimit);
      const res = await sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: part.map((event, i) => ({ Id: String(i), MessageBody: JSON.stringify(event), ...correlation })),
        }),
      );
      for (const failed of res.Failed ?? []) {
        const event = part[Number(failed.Id)];
        if (event) await this.publish(queueUrl, event);
      }
    }
  },
});

/** Sends many events, ten per request where the publisher can, `concurrency` requests at a time. */
export const publishAll = async <E extends KontaktEvent>(
  publisher: QueuePublisher<E>,
  queueUrl: string,
  events: readonly E[],
  concurrency: number,
): Promise<void> => {
  const parts: E[][] = [];
  const size = publisher.publishBatch ? batchLimit : 1;
  for (let start = 0; start < events.length; start += size) parts.push(events.slice(start, start + size));
  await mapBounded(parts, concurrency, (part) =>
    publisher.publishBatch ? publisher.publishBatch(queueUrl, part) : publisher.publish(queueUrl, part[0] as E),
  );
};

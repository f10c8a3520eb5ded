/** Sends versioned events to SQS queues. */
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { KontaktEvent } from '../../events/index.ts';

/** What a use case sends, typed by the events it may send: `QueuePublisher<LeadReceivedV1>`. */
export type QueuePublisher<E extends KontaktEvent = KontaktEvent> = {
  publish(queueUrl: string, event: E): Promise<void>;
};

export const createQueuePublisher = (sqs: SQSClient): QueuePublisher => ({
  async publish(queueUrl, event) {
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify(event) }));
  },
});

/** Sends versioned events to SQS queues. */
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { KontaktEvent } from '../../events/index.ts';

export const createQueuePublisher = (sqs: SQSClient) => ({
  async publish(queueUrl: string, event: KontaktEvent): Promise<void> {
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify(event) }));
  },
});

export type QueuePublisher = ReturnType<typeof createQueuePublisher>;

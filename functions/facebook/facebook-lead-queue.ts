/** Sends `facebook-lead-received` events to the facebook-leads queue, ten to a SendMessageBatch. */
import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { FacebookLeadReceivedV1 } from '../../events/index.ts';

/** SQS takes at most ten messages per batch. */
const batchSize = 10;

export class EnqueueFailedError extends Error {
  override readonly name = 'EnqueueFailedError';
}

export const createFacebookLeadQueue = (sqs: SQSClient, queueUrl: string) => ({
  /** Resolves only when every event is on the queue; a partial failure throws, so Meta delivers again. */
  async sendAll(events: readonly FacebookLeadReceivedV1[]): Promise<void> {
    for (let start = 0; start < events.length; start += batchSize) {
      const chunk = events.slice(start, start + batchSize);
      const res = await sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: chunk.map((event, i) => ({ Id: String(i), MessageBody: JSON.stringify(event) })),
        }),
      );
      const failed = res.Failed ?? [];
      if (failed.length > 0) {
        const reasons = failed.map((f) => `${f.Code ?? 'unknown'}${f.SenderFault ? ' (sender)' : ''}`).join(', ');
        throw new EnqueueFailedError(
          `${failed.length} of ${chunk.length} leadgen events were not enqueued: ${reasons}`,
        );
      }
    }
  },
});

export type FacebookLeadQueue = ReturnType<typeof createFacebookLeadQueue>;

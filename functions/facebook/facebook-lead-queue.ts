/**
 * Sends `facebook-lead-received` events to the facebook-leads queue: ten to a SendMessageBatch,
 * several batches at a time, and the entries SQS refuses in a batch sent again until each is on the
 * queue, so a delivery of thousands of changes is enqueued whole within the webhook's seconds.
 */
import { type BatchResultErrorEntry, SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { FacebookLeadReceivedV1 } from '../../events/facebook-lead-received.v1.ts';
import { correlationMessageAttributes } from '../shared/correlation.ts';
import { mapBounded } from '../shared/map-bounded.ts';
import { serviceUnavailable } from '../shared/problem.ts';
import { retrying, sleep } from '../shared/retry.ts';

/** SQS takes at most ten messages per batch. */
const batchSize = 10;

export type FacebookLeadQueueOptions = {
  /** batches in flight at once */
  concurrency: number;
  /** sends of one batch's refused entries before the delivery fails (Meta then delivers it again) */
  maxAttempts: number;
  pause: (milliseconds: number) => Promise<void>;
};

const defaults: FacebookLeadQueueOptions = {
  // 5,000 changes are 500 batches: ten at a time they take about a tenth of the one-by-one time
  concurrency: 10,
  maxAttempts: 5,
  pause: sleep,
};

export class EnqueueFailedError extends Error {
  override readonly name = 'EnqueueFailedError';
}

/** Entries SQS refused this time (throttled, an internal error): sent again after a pause. */
class RefusedForNowError extends Error {
  override readonly name = 'RefusedForNowError';
  readonly failed: readonly BatchResultErrorEntry[];
  constructor(failed: readonly BatchResultErrorEntry[]) {
    super('entries refused for now');
    this.failed = failed;
  }
}

const reasons = (failed: readonly BatchResultErrorEntry[]): string =>
  failed.map((f) => `${f.Code ?? 'unknown'}${f.SenderFault ? ' (sender)' : ''}`).join(', ');

export const createFacebookLeadQueue = (
  sqs: SQSClient,
  queueUrl: string,
  options: Partial<FacebookLeadQueueOptions> = {},
) => {
  const { concurrency, maxAttempts, pause } = { ...defaults, ...options };

  /** One batch, its refused entries sent again (with a growing pause) until none is left. */
  const sendBatch = async (events: readonly FacebookLeadReceivedV1[]): Promise<void> => {
    // the webhook request's correlation id, on to the worker (shared/correlation.ts)
    const correlation = correlationMessageAttributes();
    let pending = events.map((event, i) => ({ Id: String(i), MessageBody: JSON.stringify(event), ...correlation }));
    try {
      await retrying(
        async () => {
          const res = await sqs.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: pending }));
          const failed = res.Failed ?? [];
          if (failed.length === 0) return;
          const refused = new Set(failed.map((f) => f.Id));
          pending = pending.filter((entry) => refused.has(entry.Id));
          // a sender fault (a message SQS will never take) does not heal by waiting
          if (failed.some((f) => f.SenderFault)) {
            throw new EnqueueFailedError(
              `${failed.length} of ${events.length} leadgen events were refused by the queue: ${reasons(failed)}`,
            );
          }
          throw new RefusedForNowError(failed);
        },
        {
          attempts: maxAttempts,
          retryable: (error) => error instanceof RefusedForNowError,
          basePauseMs: 100,
          maxPauseMs: 2_000,
          pause,
        },
      );
    } catch (error) {
      if (!(error instanceof RefusedForNowError)) throw error;
      // the queue kept throttling: a 503 with Retry-After, and Meta delivers the whole batch again
      throw serviceUnavailable(
        new EnqueueFailedError(
          `${error.failed.length} of ${events.length} leadgen events were not enqueued after ${maxAttempts} attempts: ${reasons(error.failed)}`,
        ),
      );
    }
  };

  return {
    /** Resolves only when every event is on the queue; otherwise throws, so Meta delivers again. */
    async sendAll(events: readonly FacebookLeadReceivedV1[]): Promise<void> {
      const batches: FacebookLeadReceivedV1[][] = [];
      for (let start = 0; start < events.length; start += batchSize)
        batches.push(events.slice(start, start + batchSize));
      await mapBounded(batches, concurrency, sendBatch);
    },
  };
};

export type FacebookLeadQueue = ReturnType<typeof createFacebookLeadQueue>;

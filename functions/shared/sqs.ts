/**
 * The SQS edge of every worker: records are processed independently (Powertools batch) and only
 * the failed ones are reported back, so a poison message reaches the DLQ without failing its
 * neighbours; each body is parsed against its versioned event schema first.
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { ChangeMessageVisibilityCommand, type SQSClient } from '@aws-sdk/client-sqs';
import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type * as z from 'zod/mini';
import { initDeferred } from '../../domain/shared/deferred-init.ts';
import { parseEvent } from '../../events/index.ts';
import { correlationAttribute, correlationIdOf, lambdaKeys, withCorrelation } from './correlation.ts';
import { logger } from './logger.ts';

export type RecordContext = { messageId: string; receiveCount: number };

/**
 * The message names a record that does not exist. It fails like any other error, so after its
 * receives it rests in the dead-letter queue, whose alarm shows it: a message about nothing is a
 * bug or a forgery, and dropping it quietly would hide either.
 */
export class UnknownRecordError extends Error {
  override readonly name = 'UnknownRecordError';
}

/** Exponential backoff for a failed record: it replaces the queue's fixed visibility timeout for that receive (30 s may come before a 180 s timeout). */
export type Backoff = { baseSeconds: number; maxSeconds: number; sqs: () => SQSClient };

/** base × 2^(receives − 1), capped; SQS allows at most 12 hours. */
export const backoffSeconds = (receiveCount: number, baseSeconds: number, maxSeconds: number): number =>
  Math.min(baseSeconds * 2 ** Math.max(0, receiveCount - 1), maxSeconds, 43_200);

/** The queue URL of a record's source queue, from its ARN (arn:aws:sqs:<region>:<account>:<name>). */
export const queueUrlOfArn = (arn: string): string => {
  const [, , , region, account, name] = arn.split(':');
  return `https://sqs.${region}.amazonaws.com/${account}/${name}`;
};

const reasonOf = (error: unknown): string =>
  error instanceof Error ? `${error.name}: ${error.message}` : String(error);

/**
 * A failure that the queue will retry is expected of a worker that talks to another service (the
 * Graph API down for a while): one WARN line with its reason per receive. Only the last receive, after
 * which the queue moves the message to its DLQ, logs an ERROR with the stack. A worker that does not
 * give its queue's max receive count logs every failure as an ERROR.
 */
const logFailure = (error: unknown, context: RecordContext, maxReceiveCount: number | undefined): void => {
  if (maxReceiveCount === undefined) {
    logger.error('message failed; it will be retried, then dead-lettered', { error, ...context });
  } else if (context.receiveCount < maxReceiveCount) {
    logger.warn('message failed; it will be retried', { reason: reasonOf(error), ...context, maxReceiveCount });
  } else {
    logger.error('message failed on its last receive; it goes to the dead-letter queue', {
      error,
      ...context,
      maxReceiveCount,
    });
  }
};

export const sqsHandler = <S extends z.ZodMiniType>(
  schema: S,
  handleMessage: (message: z.infer<S>, context: RecordContext) => Promise<void>,
  options: {
    backoff?: Backoff;
    /** the queue's max receive count: failures before the last receive log one WARN line, no stack */
    maxReceiveCount?: number;
    /**
     * a batch's records one after another instead of side by side (each still fails alone): for
     * background work that must not take the table's throughput from the requests users wait on
     */
    oneAtATime?: boolean;
    /**
     * work for the whole batch before its records, with the messages that parse (a poison one fails
     * on its own below): a failure here is logged and the records go on without it, so it may only
     * save work the records would otherwise do themselves
     */
    beforeRecords?: (messages: z.infer<S>[]) => Promise<void>;
  } = {},
) => {
  const delayRetry = async (record: SQSRecord, receiveCount: number): Promise<void> => {
    const backoff = options.backoff;
    if (!backoff) return;
    const seconds = backoffSeconds(receiveCount, backoff.baseSeconds, backoff.maxSeconds);
    await backoff
      .sqs()
      .send(
        new ChangeMessageVisibilityCommand({
          QueueUrl: queueUrlOfArn(record.eventSourceARN),
          ReceiptHandle: record.receiptHandle,
          VisibilityTimeout: seconds,
        }),
      )
      // without the delay the record still comes back after the queue's visibility timeout
      .catch((error: unknown) => logger.warn('could not delay the retry', { error, messageId: record.messageId }));
  };
  const handleRecord = async (record: SQSRecord, lambda: Record<string, string>): Promise<void> => {
    const context = {
      messageId: record.messageId,
      receiveCount: Number(record.attributes.ApproximateReceiveCount ?? '1'),
    };
    // the id of the work that sent it (its message attribute), else the message's own
    const correlationId = correlationIdOf(
      record.messageAttributes?.[correlationAttribute]?.stringValue,
      record.messageId,
    );
    // the failure's log lines too carry the id (the runbooks search by it)
    await withCorrelation(
      correlationId,
      async () => {
        try {
          await handleMessage(parseEvent(schema, record.body), context);
          // ids only: a message's body holds personal data
          logger.debug('message handled', { ...context });
        } catch (error) {
          logFailure(error, context, options.maxReceiveCount);
          await delayRetry(record, context.receiveCount);
          throw error;
        }
      },
      lambda,
    );
  };
  // One processor per batch: it keeps the batch's records and failures, and two batches may be
  // in flight at once (the local runtime polls each queue twice), which a shared one would mix up.
  return middy<SQSEvent, SQSBatchResponse, Error, Context>().handler(async (event, context) => {
    // what the function's modules deferred from its cold start, loaded once (a failure fails the batch: redelivered)
    await initDeferred();
    logger.addContext(context);
    const lambda = lambdaKeys(context);
    if (options.beforeRecords) {
      const messages = event.Records.flatMap((record) => {
        try {
          return [parseEvent(schema, record.body)];
        } catch {
          return [];
        }
      });
      await options.beforeRecords(messages).catch((error: unknown) => {
        logger.warn('the batch step failed; each record does its work alone', { reason: reasonOf(error) });
      });
    }
    return processPartialResponse(
      event,
      (record: SQSRecord) => handleRecord(record, lambda),
      new BatchProcessor(EventType.SQS),
      {
        context,
        throwOnFullBatchFailure: false,
        processInParallel: options.oneAtATime !== true,
      },
    );
  });
};

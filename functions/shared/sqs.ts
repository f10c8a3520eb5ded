/**
 * The SQS edge of every worker: records are processed independently (Powertools batch) and only
 * the failed ones are reported back, so a poison message reaches the DLQ without failing its
 * neighbours; each body is parsed against its versioned event schema first.
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type * as z from 'zod/mini';
import { parseEvent } from '../../events/index.ts';
import { logger } from './logger.ts';

export type RecordContext = { messageId: string; receiveCount: number };

export const sqsHandler = <S extends z.ZodMiniType>(
  schema: S,
  handleMessage: (message: z.infer<S>, context: RecordContext) => Promise<void>,
) => {
  const processor = new BatchProcessor(EventType.SQS);
  const handleRecord = async (record: SQSRecord): Promise<void> => {
    const context = {
      messageId: record.messageId,
      receiveCount: Number(record.attributes.ApproximateReceiveCount ?? '1'),
    };
    try {
      await handleMessage(parseEvent(schema, record.body), context);
    } catch (error) {
      logger.error('message failed; it will be retried, then dead-lettered', { error, ...context });
      throw error;
    }
  };
  return middy<SQSEvent, SQSBatchResponse, Error, Context>().handler((event, context) =>
    processPartialResponse(event, handleRecord, processor, { context, throwOnFullBatchFailure: false }),
  );
};

/** Lambda: consumes the csv-imports queue (batch size 1), one import run per message. */
import type { Context } from 'aws-lambda';
import * as z from 'zod/mini';
import { CsvImportRequestedV1 } from '../../events/csv-import-requested.v1.ts';
import { createInboxEntryRepository } from '../inbox/inbox-entry.repository.ts';
import { createDocumentClient } from '../shared/dynamodb-client.ts';
import { mailBucketEnv, queueMaxReceivesEnv, queueUrlEnv, readEnv, tableEnv } from '../shared/env.ts';
import { createQueuePublisher } from '../shared/queue-publisher.ts';
import { sqsHandler } from '../shared/sqs.ts';
import { createSqsClient } from '../shared/sqs-client.ts';
import { createImportRepository } from './import.repository.ts';
import { createImportFileStore, createImportsS3Client } from './import-file-store.ts';
import { importWorker, workerSettings } from './run-import.ts';

const env = readEnv(
  z.object({
    ...tableEnv,
    ...mailBucketEnv,
    ...queueUrlEnv('duplicate-check'),
    ...queueUrlEnv('csv-imports'),
    ...queueMaxReceivesEnv('csv-imports'),
  }),
);
const doc = createDocumentClient();
const publisher = createQueuePublisher(createSqsClient());
const imports = createImportRepository(doc, env.TABLE_NAME);
const now = () => new Date();
const deps = {
  imports,
  files: createImportFileStore({ s3: createImportsS3Client(), bucket: env.MAIL_BUCKET }),
  intake: {
    inbox: createInboxEntryRepository(doc, env.TABLE_NAME),
    doc,
    tableName: env.TABLE_NAME,
    publisher,
    duplicateCheckQueueUrl: env.QUEUE_URL_DUPLICATE_CHECK,
    now,
  },
  publisher,
  csvImportsQueueUrl: env.QUEUE_URL_CSV_IMPORTS,
  now,
  ...workerSettings,
};
const work = importWorker(deps, env.QUEUE_MAX_RECEIVES_CSV_IMPORTS);

/** The invocation's context per message, for its remaining time (the local runtime may run two invocations at once). */
const contexts = new Map<string, Context>();

export const handler = sqsHandler(CsvImportRequestedV1, async (message, { messageId, receiveCount }) => {
  const context = contexts.get(messageId);
  try {
    await work(message.importId, receiveCount, {
      remainingMs: () => context?.getRemainingTimeInMillis() ?? Number.POSITIVE_INFINITY,
    });
  } finally {
    contexts.delete(messageId);
  }
}).before((request) => {
  for (const record of request.event.Records) contexts.set(record.messageId, request.context);
});

/**
 * The CSV import routes of the CRM API.
 * Wired to their dependencies here; imports-api.handler.ts loads this with the first request.
 */
import * as z from 'zod/mini';
import { sharedDocumentClient } from '../shared/dynamodb-client.ts';
import { mailBucketEnv, queueUrlEnv, readEnv, tableEnv } from '../shared/env.ts';
import { routeTable } from '../shared/http.ts';
import { createQueuePublisher } from '../shared/queue-publisher.ts';
import { sharedPresigningS3Client } from '../shared/s3-client.ts';
import { sharedSqsClient } from '../shared/sqs-client.ts';
import { createImportRepository } from './import.repository.ts';
import { createImportFileStore } from './import-file-store.ts';
import { importsRoutes } from './imports.routes.ts';
import { createImport, getImport, startImport } from './manage-imports.ts';

const env = readEnv(z.object({ ...tableEnv, ...mailBucketEnv, ...queueUrlEnv('csv-imports') }));
const doc = sharedDocumentClient();
const deps = {
  imports: createImportRepository(doc, env.TABLE_NAME),
  files: createImportFileStore({ s3: sharedPresigningS3Client(), bucket: env.MAIL_BUCKET }),
  publisher: createQueuePublisher(sharedSqsClient()),
  csvImportsQueueUrl: env.QUEUE_URL_CSV_IMPORTS,
  now: () => new Date(),
};

export const routes = routeTable(importsRoutes, {
  'POST /v1/imports': createImport(deps),
  'GET /v1/imports/{id}': getImport(deps),
  'POST /v1/imports/{id}/start': startImport(deps),
});

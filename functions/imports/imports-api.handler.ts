/** Lambda: the CSV import routes of the CRM API. */
import * as z from 'zod/mini';
import { httpRouter } from '../shared/aws-http.ts';
import { createDocumentClient } from '../shared/dynamodb-client.ts';
import { mailBucketEnv, queueUrlEnv, readEnv, tableEnv } from '../shared/env.ts';
import { routeTable } from '../shared/http.ts';
import { createQueuePublisher } from '../shared/queue-publisher.ts';
import { createSqsClient } from '../shared/sqs-client.ts';
import { createUserRepository } from '../users/user.repository.ts';
import { createImportRepository } from './import.repository.ts';
import { createImportFileStore, createImportsS3Client } from './import-file-store.ts';
import { importsRoutes as routes } from './imports.routes.ts';
import { createImport, getImport, startImport } from './manage-imports.ts';

const env = readEnv(z.object({ ...tableEnv, ...mailBucketEnv, ...queueUrlEnv('csv-imports') }));
const doc = createDocumentClient();
const deps = {
  imports: createImportRepository(doc, env.TABLE_NAME),
  files: createImportFileStore({ s3: createImportsS3Client(), bucket: env.MAIL_BUCKET }),
  publisher: createQueuePublisher(createSqsClient()),
  csvImportsQueueUrl: env.QUEUE_URL_CSV_IMPORTS,
  now: () => new Date(),
};

export const handler = httpRouter(
  routeTable(routes, {
    'POST /v1/imports': createImport(deps),
    'GET /v1/imports/{id}': getImport(deps),
    'POST /v1/imports/{id}/start': startImport(deps),
  }),
  createUserRepository(doc, env.TABLE_NAME),
);

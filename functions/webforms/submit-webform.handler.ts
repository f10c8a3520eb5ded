/** Lambda: POST /v1/webforms/{formKey}/submissions (public). */
import * as z from 'zod/mini';
import { createInboxEntryRepository } from '../adapters/inbox-entry.repository.ts';
import { createQueuePublisher } from '../adapters/queue-publisher.ts';
import { createUserRepository } from '../adapters/user.repository.ts';
import { createWebformRepository } from '../adapters/webform.repository.ts';
import { createDocumentClient } from '../shared/dynamodb-client.ts';
import { duplicateCheckQueueEnv, readEnv, tableEnv } from '../shared/env.ts';
import { httpRouter, route } from '../shared/http.ts';
import { createSqsClient } from '../shared/sqs-client.ts';
import { SubmissionBody, SubmissionPath, submitWebform } from './submit-webform.ts';

const env = readEnv(z.object({ ...tableEnv, ...duplicateCheckQueueEnv }));
const doc = createDocumentClient();

export const handler = httpRouter(
  {
    'POST /v1/webforms/{formKey}/submissions': route(
      { auth: 'public', path: SubmissionPath, body: SubmissionBody, accepts: ['json', 'form'] },
      submitWebform({
        forms: createWebformRepository(doc, env.TABLE_NAME),
        inbox: createInboxEntryRepository(doc, env.TABLE_NAME),
        publisher: createQueuePublisher(createSqsClient()),
        duplicateCheckQueueUrl: env.QUEUE_URL_DUPLICATE_CHECK,
        now: () => new Date(),
      }),
    ),
  },
  createUserRepository(doc, env.TABLE_NAME),
);

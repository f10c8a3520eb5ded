/**
 * The public web-form routes (submissions, their CORS preflight, the embed script).
 * Wired to their dependencies here; webform-submissions.handler.ts loads this with the first request.
 */
import * as z from 'zod/mini';
import { createIdempotencyStore } from '../inbox/idempotency.ts';
import { createInboxEntryWriter } from '../inbox/inbox-entry-writer.ts';
import { sharedDocumentClient } from '../shared/dynamodb-client.ts';
import { queueUrlEnv, readEnv, tableEnv } from '../shared/env.ts';
import { routeTable } from '../shared/http.ts';
import { createQueuePublisher } from '../shared/queue-publisher.ts';
import { sharedSqsClient } from '../shared/sqs-client.ts';
import { cachedForms } from './cached-forms.ts';
import { embedWebform } from './embed-webform.ts';
import { createSubmissionGate, openGate } from './submission-limits.ts';
import { preflightWebform, submitWebform } from './submit-webform.ts';
import { createWebformRepository } from './webform.repository.ts';
import { webformPublicRoutes } from './webforms.routes.ts';

const env = readEnv(
  z.object({
    ...tableEnv,
    ...queueUrlEnv('duplicate-check'),
    // `off` only where every client is one address: the local stack under the end-to-end tests and benches
    SUBMISSION_LIMITS: z.optional(z.literal('off')),
    // behind the stage's edge: the address the embed script posts to (functions/shared/edge.ts)
    PUBLIC_API_BASE: z.optional(z.url()),
  }),
);
const doc = sharedDocumentClient();
// read on every submission: kept in the container's memory for half a minute (cached-forms.ts)
const forms = cachedForms(createWebformRepository(doc, env.TABLE_NAME));
const now = () => new Date();

export const routes = routeTable(webformPublicRoutes, {
  'POST /v1/webforms/{formKey}/submissions': submitWebform({
    forms,
    inbox: createInboxEntryWriter(doc, env.TABLE_NAME),
    idempotency: createIdempotencyStore(doc, env.TABLE_NAME),
    publisher: createQueuePublisher(sharedSqsClient()),
    duplicateCheckQueueUrl: env.QUEUE_URL_DUPLICATE_CHECK,
    gate: env.SUBMISSION_LIMITS === 'off' ? openGate : createSubmissionGate(),
    now,
  }),
  'OPTIONS /v1/webforms/{formKey}/submissions': preflightWebform({ forms }),
  'GET /v1/webforms/{formKey}/embed.js': embedWebform({ forms, now, apiBase: env.PUBLIC_API_BASE }),
});

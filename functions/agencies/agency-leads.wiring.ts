/**
 * Lead batches from agencies, authenticated by the agency's own API key.
 * Wired to their dependencies here; agency-leads.handler.ts loads this with the first request.
 */
import * as z from 'zod/mini';
import { createIdempotencyStore } from '../inbox/idempotency.ts';
import { createInboxEntryWriter } from '../inbox/inbox-entry-writer.ts';
import { sharedDocumentClient } from '../shared/dynamodb-client.ts';
import { queueUrlEnv, readEnv, tableEnv } from '../shared/env.ts';
import { routeTable } from '../shared/http.ts';
import { createQueuePublisher } from '../shared/queue-publisher.ts';
import { sharedSqsClient } from '../shared/sqs-client.ts';
import { agencyLeadRoutes } from './agencies.routes.ts';
import { createAgencyRepository } from './agency.repository.ts';
import { receiveAgencyLeads } from './receive-agency-leads.ts';

const env = readEnv(z.object({ ...tableEnv, ...queueUrlEnv('duplicate-check') }));
const doc = sharedDocumentClient();
const now = () => new Date();

export const routes = routeTable(agencyLeadRoutes, {
  'POST /v1/agency/leads': receiveAgencyLeads({
    agencies: createAgencyRepository(doc, env.TABLE_NAME),
    idempotency: createIdempotencyStore(doc, env.TABLE_NAME),
    intake: {
      inbox: createInboxEntryWriter(doc, env.TABLE_NAME),
      doc,
      tableName: env.TABLE_NAME,
      publisher: createQueuePublisher(sharedSqsClient()),
      duplicateCheckQueueUrl: env.QUEUE_URL_DUPLICATE_CHECK,
      now,
    },
    // 100 leads in about a tenth of the one-by-one time, well inside the 20 s timeout
    concurrency: 10,
    // a last attempt may begin 8 s in and take 8 s (two SDK attempts of 4 s): the 429 still
    // comes before the function's 20 s timeout, which would end the request without an answer
    retryWithinMs: 8_000,
    now,
  }),
});

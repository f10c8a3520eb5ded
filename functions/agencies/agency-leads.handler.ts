/** Lambda: lead batches from agencies, authenticated by the agency's own API key. */
import * as z from 'zod/mini';
import { createIdempotencyStore } from '../inbox/idempotency.ts';
import { createInboxEntryWriter } from '../inbox/inbox-entry-writer.ts';
import { httpRouter } from '../shared/aws-http.ts';
import { createDocumentClient } from '../shared/dynamodb-client.ts';
import { queueUrlEnv, readEnv, tableEnv } from '../shared/env.ts';
import { routeTable } from '../shared/http.ts';
import { createQueuePublisher } from '../shared/queue-publisher.ts';
import { createSqsClient } from '../shared/sqs-client.ts';
import { createUserRepository } from '../users/user.repository.ts';
import { agencyLeadRoutes as routes } from './agencies.routes.ts';
import { createAgencyRepository } from './agency.repository.ts';
import { receiveAgencyLeads } from './receive-agency-leads.ts';

const env = readEnv(z.object({ ...tableEnv, ...queueUrlEnv('duplicate-check') }));
const doc = createDocumentClient();
const now = () => new Date();

export const handler = httpRouter(
  routeTable(routes, {
    'POST /v1/agency/leads': receiveAgencyLeads({
      agencies: createAgencyRepository(doc, env.TABLE_NAME),
      idempotency: createIdempotencyStore(doc, env.TABLE_NAME),
      intake: {
        inbox: createInboxEntryWriter(doc, env.TABLE_NAME),
        doc,
        tableName: env.TABLE_NAME,
        publisher: createQueuePublisher(createSqsClient()),
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
  }),
  // the route is public at the gateway and needs no user; the router's signature wants a directory
  createUserRepository(doc, env.TABLE_NAME),
);

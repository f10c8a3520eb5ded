/**
 * The inbox routes of the CRM API.
 * Wired to their dependencies here; inbox-api.handler.ts loads this with the first request.
 */
import * as z from 'zod/mini';
import { createSettingsRepository } from '../settings/settings.repository.ts';
import { sharedDocumentClient } from '../shared/dynamodb-client.ts';
import { queueUrlEnv, readEnv, tableEnv } from '../shared/env.ts';
import { routeTable } from '../shared/http.ts';
import { createQueuePublisher } from '../shared/queue-publisher.ts';
import { sharedSqsClient } from '../shared/sqs-client.ts';
import { tableUsers } from '../users/table-users.ts';
import { inboxRoutes } from './inbox.routes.ts';
import {
  archiveInbox,
  createInboxEntryByHand,
  getInboxEntry,
  listInbox,
  patchInbox,
  reopenInbox,
} from './inbox-entries.ts';
import { createInboxEntryRepository } from './inbox-entry.repository.ts';

const env = readEnv(z.object({ ...tableEnv, ...queueUrlEnv('duplicate-check') }));
const doc = sharedDocumentClient();
// the router's user lookup and these routes share one repository
const users = tableUsers;
const deps = {
  inbox: createInboxEntryRepository(doc, env.TABLE_NAME),
  users,
  settings: createSettingsRepository(doc, env.TABLE_NAME),
  publisher: createQueuePublisher(sharedSqsClient()),
  duplicateCheckQueueUrl: env.QUEUE_URL_DUPLICATE_CHECK,
  now: () => new Date(),
};

export const routes = routeTable(inboxRoutes, {
  'POST /v1/inbox': createInboxEntryByHand(deps),
  'GET /v1/inbox': listInbox(deps),
  'GET /v1/inbox/{id}': getInboxEntry(deps),
  'PATCH /v1/inbox/{id}': patchInbox(deps),
  'POST /v1/inbox/{id}/archive': archiveInbox(deps),
  'POST /v1/inbox/{id}/reopen': reopenInbox(deps),
});

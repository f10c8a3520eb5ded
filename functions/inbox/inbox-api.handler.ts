/** Lambda: the inbox routes of the CRM API. */
import * as z from 'zod/mini';
import { createInboxEntryRepository } from '../adapters/inbox-entry.repository.ts';
import { createUserRepository } from '../adapters/user.repository.ts';
import { createDocumentClient } from '../shared/dynamodb-client.ts';
import { readEnv, tableEnv } from '../shared/env.ts';
import { httpRouter, route } from '../shared/http.ts';
import { getInboxEntry, InboxEntryPath } from './get-inbox-entry.ts';

const env = readEnv(z.object(tableEnv));
const doc = createDocumentClient();

export const handler = httpRouter(
  {
    'GET /v1/inbox/{id}': route(
      { auth: 'user', path: InboxEntryPath },
      getInboxEntry(createInboxEntryRepository(doc, env.TABLE_NAME)),
    ),
  },
  createUserRepository(doc, env.TABLE_NAME),
);

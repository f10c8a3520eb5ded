/** Lambda: /v1/emails. */
import * as z from 'zod/mini';
import { createEmailRepository } from '../adapters/email.repository.ts';
import { createUserRepository } from '../adapters/user.repository.ts';
import { createDocumentClient } from '../shared/dynamodb-client.ts';
import { readEnv, tableEnv } from '../shared/env.ts';
import { httpRouter, route } from '../shared/http.ts';
import { EmailListQuery, listEmails } from './list-emails.ts';

const env = readEnv(z.object(tableEnv));
const doc = createDocumentClient();

export const handler = httpRouter(
  {
    'GET /v1/emails': route(
      { auth: 'user', query: EmailListQuery },
      listEmails(createEmailRepository(doc, env.TABLE_NAME)),
    ),
  },
  createUserRepository(doc, env.TABLE_NAME),
);

/** Lambda: /v1/emails. */
import * as z from 'zod/mini';
import { httpRouter } from '../shared/aws-http.ts';
import { createDocumentClient } from '../shared/dynamodb-client.ts';
import { readEnv, tableEnv } from '../shared/env.ts';
import { routeTable } from '../shared/http.ts';
import { createUserRepository } from '../users/user.repository.ts';
import { createEmailRepository } from './email.repository.ts';
import { emailsRoutes } from './emails.routes.ts';
import { listEmails } from './list-emails.ts';

const env = readEnv(z.object(tableEnv));
const doc = createDocumentClient();

export const handler = httpRouter(
  routeTable(emailsRoutes, { 'GET /v1/emails': listEmails(createEmailRepository(doc, env.TABLE_NAME)) }),
  createUserRepository(doc, env.TABLE_NAME),
);

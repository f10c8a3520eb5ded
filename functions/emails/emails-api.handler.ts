/** Lambda: /v1/emails, the quarantine, and the mail and own address of a person, company, opportunity or ticket. */
import * as z from 'zod/mini';
import { httpRouter } from '../shared/aws-http.ts';
import { createDocumentClient } from '../shared/dynamodb-client.ts';
import { mailDomainEnv, queueUrlEnv, readEnv, tableEnv } from '../shared/env.ts';
import { routeTable } from '../shared/http.ts';
import { createQueuePublisher } from '../shared/queue-publisher.ts';
import { createSqsClient } from '../shared/sqs-client.ts';
import { createUserRepository } from '../users/user.repository.ts';
import { createEmailRepository } from './email.repository.ts';
import { emailsRoutes } from './emails.routes.ts';
import {
  contactEmails,
  type EmailsDeps,
  getEmail,
  listEmails,
  numberedAddress,
  numberedEmails,
  releaseEmail,
} from './emails.ts';
import { judgeEmail } from './judge-email.ts';
import { createMailDirectory } from './mail-directory.ts';
import { recordAddressKeyEnv, recordAddressKeyLoader } from './record-address-key.ts';

const env = readEnv(
  z.object({
    ...tableEnv,
    ...mailDomainEnv,
    ...recordAddressKeyEnv,
    ...queueUrlEnv('ticket-mail'),
    SERVICE_LOCAL_PART: z._default(z.string().check(z.minLength(1)), 'service'),
  }),
);
const publisher = createQueuePublisher(createSqsClient());
const doc = createDocumentClient();
const directory = createMailDirectory(doc, env.TABLE_NAME);
const recordAddressKey = recordAddressKeyLoader(env);
const deps: EmailsDeps = {
  emails: createEmailRepository(doc, env.TABLE_NAME),
  directory,
  judge: judgeEmail({
    directory,
    recordAddressKey,
    mailDomain: env.MAIL_DOMAIN,
    serviceLocalPart: env.SERVICE_LOCAL_PART,
  }),
  ticketMail: { publish: (event) => publisher.publish(env.QUEUE_URL_TICKET_MAIL, event) },
  recordAddressKey,
  mailDomain: env.MAIL_DOMAIN,
  now: () => new Date(),
};

export const handler = httpRouter(
  routeTable(emailsRoutes, {
    'GET /v1/emails': listEmails(deps),
    'GET /v1/emails/{id}': getEmail(deps),
    'POST /v1/emails/{id}/release': releaseEmail(deps),
    'GET /v1/persons/{id}/emails': contactEmails(deps, 'PERSON'),
    'GET /v1/companies/{id}/emails': contactEmails(deps, 'COMPANY'),
    'GET /v1/opportunities/{id}/emails': numberedEmails(deps, 'opportunity'),
    'GET /v1/tickets/{id}/emails': numberedEmails(deps, 'ticket'),
    'GET /v1/opportunities/{id}/email-address': numberedAddress(deps, 'opportunity'),
    'GET /v1/tickets/{id}/email-address': numberedAddress(deps, 'ticket'),
  }),
  createUserRepository(doc, env.TABLE_NAME),
);

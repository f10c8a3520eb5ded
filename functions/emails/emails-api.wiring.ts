/**
 * The routes of /v1/emails, the quarantine, and the mail and own address of a person, company, opportunity or ticket.
 * Wired to their dependencies here; emails-api.handler.ts loads this with the first request.
 */
import * as z from 'zod/mini';
import { sharedDocumentClient } from '../shared/dynamodb-client.ts';
import { queueUrlEnv, readEnv, tableEnv } from '../shared/env.ts';
import { createQueuePublisher } from '../shared/queue-publisher.ts';
import { sharedSqsClient } from '../shared/sqs-client.ts';
import { createEmailRepository } from './email.repository.ts';
import { type EmailsDeps, emailRouteHandlers } from './emails.ts';
import { judgeEmail } from './judge-email.ts';
import { createMailDirectory } from './mail-directory.ts';
import { mailJudgeEnv, recordAddressKeyLoader } from './record-address-key.ts';

const env = readEnv(
  z.object({
    ...tableEnv,
    ...mailJudgeEnv,
    ...queueUrlEnv('ticket-mail'),
  }),
);
const publisher = createQueuePublisher(sharedSqsClient());
const doc = sharedDocumentClient();
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

export const routes = emailRouteHandlers(deps);

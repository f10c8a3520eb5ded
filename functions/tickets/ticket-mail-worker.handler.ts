/** Lambda: consumes the ticket-mail queue (email to ticket). */
import * as z from 'zod/mini';
import { TicketMailReceivedV1 } from '../../events/ticket-mail-received.v1.ts';
import { createEmailRepository } from '../emails/email.repository.ts';
import { createMailDirectory } from '../emails/mail-directory.ts';
import { mailJudgeEnv, recordAddressKeyLoader } from '../emails/record-address-key.ts';
import { createSettingsRepository } from '../settings/settings.repository.ts';
import { createDocumentClient } from '../shared/dynamodb-client.ts';
import { readEnv, tableEnv } from '../shared/env.ts';
import { sqsHandler } from '../shared/sqs.ts';
import { createServiceDeskRepository } from './service-desk.repository.ts';
import { createTicketRepository } from './ticket.repository.ts';
import { takeTicketMail } from './ticket-mail.ts';

const env = readEnv(
  z.object({
    ...tableEnv,
    ...mailJudgeEnv,
    TICKET_MAIL_TYPE: z._default(z.string().check(z.minLength(1)), 'question'),
    TICKET_MAIL_LIMIT_PER_HOUR: z._default(
      z.pipe(
        z.string().check(z.regex(/^[1-9]\d*$/)),
        z.transform((v) => Number(v)),
      ),
      5,
    ),
  }),
);
const doc = createDocumentClient();

export const handler = sqsHandler(
  TicketMailReceivedV1,
  takeTicketMail({
    doc,
    tableName: env.TABLE_NAME,
    emails: createEmailRepository(doc, env.TABLE_NAME),
    directory: createMailDirectory(doc, env.TABLE_NAME),
    tickets: createTicketRepository(doc, env.TABLE_NAME),
    desk: createServiceDeskRepository(doc, env.TABLE_NAME),
    settings: createSettingsRepository(doc, env.TABLE_NAME),
    recordAddressKey: recordAddressKeyLoader(env),
    config: {
      ticketType: env.TICKET_MAIL_TYPE,
      maxPerSenderPerHour: env.TICKET_MAIL_LIMIT_PER_HOUR,
      mailDomain: env.MAIL_DOMAIN,
      serviceLocalPart: env.SERVICE_LOCAL_PART,
    },
    now: () => new Date(),
  }),
);

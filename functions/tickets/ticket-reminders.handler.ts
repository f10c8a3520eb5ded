/** Lambda (every minute): reminders for tickets that became overdue. */

import type { Context } from 'aws-lambda';
import * as z from 'zod/mini';
import { initDeferred } from '../../domain/shared/deferred-init.ts';
import { scheduledRun } from '../shared/correlation.ts';
import { createDocumentClient } from '../shared/dynamodb-client.ts';
import { createEmailSender } from '../shared/email-sender.ts';
import { readEnv, tableEnv } from '../shared/env.ts';
import { createSesClient } from '../shared/ses-client.ts';
import { createUserRepository } from '../users/user.repository.ts';
import { sendTicketReminders } from './send-ticket-reminders.ts';
import { createTicketRepository } from './ticket.repository.ts';

/** REMINDER_SENDER: the From address, an address of the SES identity the function may send as. */
const env = readEnv(z.object({ ...tableEnv, REMINDER_SENDER: z.email() }));
const doc = createDocumentClient();
const run = sendTicketReminders({
  tickets: createTicketRepository(doc, env.TABLE_NAME),
  users: createUserRepository(doc, env.TABLE_NAME),
  email: createEmailSender(createSesClient()),
  sender: env.REMINDER_SENDER,
  now: () => new Date(),
});

export const handler = async (_event?: unknown, context?: Context): Promise<void> =>
  scheduledRun(context, async () => {
    await initDeferred();
    await run();
  });

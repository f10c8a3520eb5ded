/**
 * Service tickets and their update logs.
 * Wired to their dependencies here; tickets-api.handler.ts loads this with the first request.
 */

import * as z from 'zod/mini';
import { createActivityRepository } from '../activities/activity.repository.ts';
import { createLinkTargets } from '../contacts/link-targets.ts';
import { createEmailRepository } from '../emails/email.repository.ts';
import { createSettingsRepository } from '../settings/settings.repository.ts';
import { sharedDocumentClient } from '../shared/dynamodb-client.ts';
import { readEnv, tableEnv } from '../shared/env.ts';
import { tableUsers } from '../users/table-users.ts';
import { createServiceDeskRepository } from './service-desk.repository.ts';
import { createTicketRepository } from './ticket.repository.ts';
import { ticketRouteHandlers } from './tickets.ts';

const env = readEnv(z.object({ ...tableEnv }));
const doc = sharedDocumentClient();
// the router's user lookup and these routes share one repository
const users = tableUsers;

export const routes = ticketRouteHandlers({
  tickets: createTicketRepository(doc, env.TABLE_NAME),
  desk: createServiceDeskRepository(doc, env.TABLE_NAME),
  activities: createActivityRepository(doc, env.TABLE_NAME),
  emails: createEmailRepository(doc, env.TABLE_NAME),
  links: createLinkTargets(doc, env.TABLE_NAME),
  users,
  settings: createSettingsRepository(doc, env.TABLE_NAME),
  now: () => new Date(),
});

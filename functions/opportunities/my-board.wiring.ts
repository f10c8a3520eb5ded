/** The personal board, wired to the table (loaded by opportunities-api.handler.ts with its first request). */
import * as z from 'zod/mini';
import { createActivityRepository } from '../activities/activity.repository.ts';
import { sharedDocumentClient } from '../shared/dynamodb-client.ts';
import { readEnv, tableEnv } from '../shared/env.ts';
import { routeTable } from '../shared/http.ts';
import { createTicketRepository } from '../tickets/ticket.repository.ts';
import { conversionRoutes } from './conversion.routes.ts';
import { getMyBoard } from './my-board.ts';
import { createOpportunityRepository } from './opportunity.repository.ts';

const env = readEnv(z.object(tableEnv));
const doc = sharedDocumentClient();

export const routes = routeTable(
  { 'GET /v1/me/board': conversionRoutes['GET /v1/me/board'] },
  {
    'GET /v1/me/board': getMyBoard({
      opportunities: createOpportunityRepository(doc, env.TABLE_NAME),
      activities: createActivityRepository(doc, env.TABLE_NAME),
      tickets: createTicketRepository(doc, env.TABLE_NAME),
      now: () => new Date(),
    }),
  },
);

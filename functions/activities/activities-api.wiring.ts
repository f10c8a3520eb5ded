/**
 * The activities routes of the CRM API.
 * Wired to their dependencies here; activities-api.handler.ts loads this with the first request.
 */
import * as z from 'zod/mini';
import { createLinkTargets } from '../contacts/link-targets.ts';
import { sharedDocumentClient } from '../shared/dynamodb-client.ts';
import { readEnv, tableEnv } from '../shared/env.ts';
import { routeTable } from '../shared/http.ts';
import { tableUsers } from '../users/table-users.ts';
import { activitiesRoutes } from './activities.routes.ts';
import { createActivityByHand, getActivity, listActivities, markDone, patchActivityByHand } from './activities.ts';
import { createActivityRepository } from './activity.repository.ts';

const env = readEnv(z.object(tableEnv));
const doc = sharedDocumentClient();
// the router's user lookup and these routes share one repository
const users = tableUsers;
const deps = {
  activities: createActivityRepository(doc, env.TABLE_NAME),
  users,
  links: createLinkTargets(doc, env.TABLE_NAME),
  now: () => new Date(),
};

export const routes = routeTable(activitiesRoutes, {
  'GET /v1/activities': listActivities(deps),
  'POST /v1/activities': createActivityByHand(deps),
  'GET /v1/activities/{id}': getActivity(deps),
  'PATCH /v1/activities/{id}': patchActivityByHand(deps),
  'POST /v1/activities/{id}/done': markDone(deps),
});

/**
 * Lambda: the activities routes of the CRM API.
 * The routes' code loads with the first request (functions/shared/lazy-routes.ts).
 */
import { httpRouter } from '../shared/aws-http.ts';
import { sharedDocumentClient } from '../shared/dynamodb-client.ts';
import { lazyRoutes, routeGroup, tableUserDirectory } from '../shared/lazy-routes.ts';
import type { activitiesRoutes } from './activities.routes.ts';

sharedDocumentClient();
const routes = routeGroup(() => import('./activities-api.wiring.ts'));

export const handler = httpRouter(
  lazyRoutes<typeof activitiesRoutes>({
    'GET /v1/activities': routes,
    'POST /v1/activities': routes,
    'GET /v1/activities/{id}': routes,
    'PATCH /v1/activities/{id}': routes,
    'POST /v1/activities/{id}/done': routes,
  }),
  tableUserDirectory,
);

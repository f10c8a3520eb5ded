/**
 * Lambda: Service tickets and their update logs.
 * The routes' code loads with the first request (functions/shared/lazy-routes.ts).
 */
import { httpRouter } from '../shared/aws-http.ts';
import { sharedDocumentClient } from '../shared/dynamodb-client.ts';
import { lazyRoutes, routeGroup, tableUserDirectory } from '../shared/lazy-routes.ts';
import type { ticketsRoutes } from './tickets.routes.ts';

sharedDocumentClient();
const routes = routeGroup(() => import('./tickets-api.wiring.ts'));

export const handler = httpRouter(
  lazyRoutes<typeof ticketsRoutes>({
    'POST /v1/tickets': routes,
    'GET /v1/tickets': routes,
    'GET /v1/tickets/{id}': routes,
    'PATCH /v1/tickets/{id}': routes,
    'POST /v1/tickets/{id}/updates': routes,
    'GET /v1/tickets/{id}/timeline': routes,
    'GET /v1/service-desk': routes,
    'PUT /v1/service-desk': routes,
  }),
  tableUserDirectory,
);

/**
 * Lambda: Lead agencies and their API keys (admins only).
 * The routes' code loads with the first request (functions/shared/lazy-routes.ts).
 */
import { httpRouter } from '../shared/aws-http.ts';
import { sharedDocumentClient } from '../shared/dynamodb-client.ts';
import { lazyRoutes, routeGroup, tableUserDirectory } from '../shared/lazy-routes.ts';
import type { agencyAdminRoutes } from './agencies.routes.ts';

sharedDocumentClient();
const routes = routeGroup(() => import('./agencies-api.wiring.ts'));

export const handler = httpRouter(
  lazyRoutes<typeof agencyAdminRoutes>({
    'GET /v1/agencies': routes,
    'POST /v1/agencies': routes,
    'GET /v1/agencies/{id}': routes,
    'POST /v1/agencies/{id}/keys': routes,
    'DELETE /v1/agencies/{id}/keys/{keyId}': routes,
  }),
  tableUserDirectory,
);

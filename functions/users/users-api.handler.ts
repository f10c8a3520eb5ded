/**
 * Lambda: the routes of /v1/me, /v1/users and the users' alternative addresses for Smart BCC.
 * The routes' code loads with the first request (functions/shared/lazy-routes.ts).
 */
import { httpRouter } from '../shared/aws-http.ts';
import { sharedDocumentClient } from '../shared/dynamodb-client.ts';
import { lazyRoutes, routeGroup, tableUserDirectory } from '../shared/lazy-routes.ts';
import type { usersRoutes } from './users.routes.ts';

sharedDocumentClient();
const routes = routeGroup(() => import('./users-api.wiring.ts'));

export const handler = httpRouter(
  lazyRoutes<typeof usersRoutes>({
    'GET /v1/me': routes,
    'GET /v1/users': routes,
    'POST /v1/users': routes,
    'GET /v1/me/email-addresses': routes,
    'POST /v1/me/email-addresses': routes,
    'DELETE /v1/me/email-addresses/{address}': routes,
    'GET /v1/email-addresses/confirmation': routes,
    'POST /v1/email-addresses/confirmation': routes,
  }),
  tableUserDirectory,
);

/**
 * Lambda: Web-form configuration (admins only).
 * The routes' code loads with the first request (functions/shared/lazy-routes.ts).
 */
import { httpRouter } from '../shared/aws-http.ts';
import { sharedDocumentClient } from '../shared/dynamodb-client.ts';
import { lazyRoutes, routeGroup, tableUserDirectory } from '../shared/lazy-routes.ts';
import type { webformAdminRoutes } from './webforms.routes.ts';

sharedDocumentClient();
const routes = routeGroup(() => import('./webforms-api.wiring.ts'));

export const handler = httpRouter(
  lazyRoutes<typeof webformAdminRoutes>({
    'GET /v1/webforms': routes,
    'POST /v1/webforms': routes,
    'GET /v1/webforms/{formKey}': routes,
    'PATCH /v1/webforms/{formKey}': routes,
  }),
  tableUserDirectory,
);

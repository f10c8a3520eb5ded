/** Lambda: /v1/settings/{list}. The routes' code loads with the first request (functions/shared/lazy-routes.ts). */
import { httpRouter } from '../shared/aws-http.ts';
import { sharedDocumentClient } from '../shared/dynamodb-client.ts';
import { lazyRoutes, routeGroup, tableUserDirectory } from '../shared/lazy-routes.ts';
import type { settingsRoutes } from './settings.routes.ts';

sharedDocumentClient();
const settings = routeGroup(() => import('./settings-api.wiring.ts'));

export const handler = httpRouter(
  lazyRoutes<typeof settingsRoutes>({
    'GET /v1/settings/{list}': settings,
    'PUT /v1/settings/{list}': settings,
  }),
  tableUserDirectory,
);

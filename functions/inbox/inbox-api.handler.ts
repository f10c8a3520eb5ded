/**
 * Lambda: the inbox routes of the CRM API.
 * The routes' code loads with the first request (functions/shared/lazy-routes.ts).
 */
import { httpRouter } from '../shared/aws-http.ts';
import { sharedDocumentClient } from '../shared/dynamodb-client.ts';
import { lazyRoutes, routeGroup, tableUserDirectory } from '../shared/lazy-routes.ts';
import { sharedSqsClient } from '../shared/sqs-client.ts';
import type { inboxRoutes } from './inbox.routes.ts';

sharedDocumentClient();
sharedSqsClient();
const routes = routeGroup(() => import('./inbox-api.wiring.ts'));

export const handler = httpRouter(
  lazyRoutes<typeof inboxRoutes>({
    'POST /v1/inbox': routes,
    'GET /v1/inbox': routes,
    'GET /v1/inbox/{id}': routes,
    'PATCH /v1/inbox/{id}': routes,
    'POST /v1/inbox/{id}/archive': routes,
    'POST /v1/inbox/{id}/reopen': routes,
  }),
  tableUserDirectory,
);

/**
 * Lambda: opportunities, the conversion of inbox entries, and the personal board. Each group of
 * routes loads its code with its first request (functions/shared/lazy-routes.ts).
 */
import { httpRouter } from '../shared/aws-http.ts';
import { sharedDocumentClient } from '../shared/dynamodb-client.ts';
import { lazyRoutes, routeGroup, tableUserDirectory } from '../shared/lazy-routes.ts';
import { sharedSqsClient } from '../shared/sqs-client.ts';
import type { conversionRoutes } from './conversion.routes.ts';
import type { opportunitiesRoutes } from './opportunities.routes.ts';

sharedDocumentClient();
sharedSqsClient();
const opportunities = routeGroup(() => import('./opportunities-api.wiring.ts'));
const conversion = routeGroup(() => import('./conversion.wiring.ts'));
const board = routeGroup(() => import('./my-board.wiring.ts'));

export const handler = httpRouter(
  lazyRoutes<typeof opportunitiesRoutes & typeof conversionRoutes>({
    'POST /v1/opportunities': opportunities,
    'GET /v1/opportunities': opportunities,
    'GET /v1/opportunities/{id}': opportunities,
    'PATCH /v1/opportunities/{id}': opportunities,
    'POST /v1/opportunities/{id}/deal': opportunities,
    'POST /v1/opportunities/{id}/step': opportunities,
    'PUT /v1/opportunities/{id}/subscription': opportunities,
    'DELETE /v1/opportunities/{id}/subscription': opportunities,
    'POST /v1/opportunities/{id}/won': opportunities,
    'POST /v1/opportunities/{id}/lost': opportunities,
    'POST /v1/opportunities/{id}/activity-plan': opportunities,
    'POST /v1/inbox/{id}/convert': conversion,
    'GET /v1/me/board': board,
  }),
  tableUserDirectory,
);

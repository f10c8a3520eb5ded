/**
 * Lambda: Lead and deal pipelines with their steps and activity plans.
 * The routes' code loads with the first request (functions/shared/lazy-routes.ts).
 */
import { httpRouter } from '../shared/aws-http.ts';
import { sharedDocumentClient } from '../shared/dynamodb-client.ts';
import { lazyRoutes, routeGroup, tableUserDirectory } from '../shared/lazy-routes.ts';
import type { pipelinesRoutes } from './pipelines.routes.ts';

sharedDocumentClient();
const routes = routeGroup(() => import('./pipelines-api.wiring.ts'));

export const handler = httpRouter(
  lazyRoutes<typeof pipelinesRoutes>({
    'GET /v1/pipelines': routes,
    'POST /v1/pipelines': routes,
    'GET /v1/pipelines/{id}': routes,
    'PATCH /v1/pipelines/{id}': routes,
  }),
  tableUserDirectory,
);

/**
 * Lambda: Lead batches from agencies, authenticated by the agency's own API key.
 * The routes' code loads with the first request (functions/shared/lazy-routes.ts).
 */
import { httpRouter } from '../shared/aws-http.ts';
import { sharedDocumentClient } from '../shared/dynamodb-client.ts';
import { lazyRoutes, routeGroup, tableUserDirectory } from '../shared/lazy-routes.ts';
import { sharedSqsClient } from '../shared/sqs-client.ts';
import type { agencyLeadRoutes } from './agencies.routes.ts';

sharedDocumentClient();
sharedSqsClient();
const routes = routeGroup(() => import('./agency-leads.wiring.ts'));

export const handler = httpRouter(
  lazyRoutes<typeof agencyLeadRoutes>({
    'POST /v1/agency/leads': routes,
  }),
  tableUserDirectory,
);

/**
 * Lambda: the public web-form routes (submissions, their CORS preflight, the embed script).
 * The routes' code loads with the first request (functions/shared/lazy-routes.ts).
 */
import { httpRouter } from '../shared/aws-http.ts';
import { sharedDocumentClient } from '../shared/dynamodb-client.ts';
import { lazyRoutes, routeGroup, tableUserDirectory } from '../shared/lazy-routes.ts';
import { sharedSqsClient } from '../shared/sqs-client.ts';
import type { webformPublicRoutes } from './webforms.routes.ts';

sharedDocumentClient();
sharedSqsClient();
const routes = routeGroup(() => import('./webform-submissions.wiring.ts'));

export const handler = httpRouter(
  lazyRoutes<typeof webformPublicRoutes>({
    'POST /v1/webforms/{formKey}/submissions': routes,
    'OPTIONS /v1/webforms/{formKey}/submissions': routes,
    'GET /v1/webforms/{formKey}/embed.js': routes,
  }),
  tableUserDirectory,
);

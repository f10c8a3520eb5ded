/**
 * Lambda: the CSV import routes of the CRM API.
 * The routes' code loads with the first request (functions/shared/lazy-routes.ts).
 */
import { httpRouter } from '../shared/aws-http.ts';
import { sharedDocumentClient } from '../shared/dynamodb-client.ts';
import { lazyRoutes, routeGroup, tableUserDirectory } from '../shared/lazy-routes.ts';
import { sharedPresigningS3Client } from '../shared/s3-client.ts';
import { sharedSqsClient } from '../shared/sqs-client.ts';
import type { importsRoutes } from './imports.routes.ts';

sharedDocumentClient();
sharedPresigningS3Client();
sharedSqsClient();
const routes = routeGroup(() => import('./imports-api.wiring.ts'));

export const handler = httpRouter(
  lazyRoutes<typeof importsRoutes>({
    'POST /v1/imports': routes,
    'GET /v1/imports/{id}': routes,
    'POST /v1/imports/{id}/start': routes,
  }),
  tableUserDirectory,
);

/**
 * Lambda: the routes of /v1/emails, the quarantine, and the mail and own address of a person, company, opportunity or ticket.
 * The routes' code loads with the first request (functions/shared/lazy-routes.ts).
 */
import { httpRouter } from '../shared/aws-http.ts';
import { sharedDocumentClient } from '../shared/dynamodb-client.ts';
import { lazyRoutes, routeGroup, tableUserDirectory } from '../shared/lazy-routes.ts';
import { sharedSqsClient } from '../shared/sqs-client.ts';
import type { emailsRoutes } from './emails.routes.ts';

sharedDocumentClient();
sharedSqsClient();
const routes = routeGroup(() => import('./emails-api.wiring.ts'));

export const handler = httpRouter(
  lazyRoutes<typeof emailsRoutes>({
    'GET /v1/emails': routes,
    'GET /v1/emails/{id}': routes,
    'POST /v1/emails/{id}/release': routes,
    'GET /v1/persons/{id}/emails': routes,
    'GET /v1/companies/{id}/emails': routes,
    'GET /v1/opportunities/{id}/emails': routes,
    'GET /v1/tickets/{id}/emails': routes,
    'GET /v1/opportunities/{id}/email-address': routes,
    'GET /v1/tickets/{id}/email-address': routes,
  }),
  tableUserDirectory,
);

/**
 * Lambda: Persons, companies, merges and the duplicate check of the CRM API.
 * The routes' code loads with the first request (functions/shared/lazy-routes.ts).
 */
import { httpRouter } from '../shared/aws-http.ts';
import { sharedDocumentClient } from '../shared/dynamodb-client.ts';
import { lazyRoutes, routeGroup, tableUserDirectory } from '../shared/lazy-routes.ts';
import type { contactsRoutes } from './contacts.routes.ts';

sharedDocumentClient();
const routes = routeGroup(() => import('./contacts-api.wiring.ts'));

export const handler = httpRouter(
  lazyRoutes<typeof contactsRoutes>({
    'POST /v1/emails/{id}/persons': routes,
    'POST /v1/persons': routes,
    'GET /v1/persons': routes,
    'GET /v1/persons/{id}': routes,
    'PATCH /v1/persons/{id}': routes,
    'POST /v1/persons/{id}/merge': routes,
    'POST /v1/companies': routes,
    'GET /v1/companies': routes,
    'GET /v1/companies/{id}': routes,
    'PATCH /v1/companies/{id}': routes,
    'GET /v1/companies/{id}/persons': routes,
    'GET /v1/companies/{id}/branches': routes,
    'GET /v1/companies/{id}/timeline': routes,
    'POST /v1/companies/{id}/merge': routes,
    'POST /v1/duplicates/check': routes,
  }),
  tableUserDirectory,
);

/**
 * Lambda: GET /v1/openapi.json, the document `npm run openapi` built from every module's routes
 * (`docs/openapi.json`, bundled with the function; a unit test keeps it equal to the routes).
 */
import document from '../../docs/openapi.json' with { type: 'json' };
import { createHttpRouter, routeTable } from '../shared/http.ts';
import { openapiRoutes } from './openapi.routes.ts';

// it reaches no AWS service, so no error of it is a dependency's outage (and it bundles no AWS SDK)
export const handler = createHttpRouter(() => false)(
  routeTable(openapiRoutes, {
    'GET /v1/openapi.json': async () => ({
      status: 200,
      body: document,
      headers: { 'cache-control': 'public, max-age=300' },
    }),
  }),
  // every route of this function is public: no user is ever looked up
  { findUser: async () => null },
);

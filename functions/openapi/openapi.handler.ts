/** Lambda: GET /v1/openapi.json, built once per container from the route registry. */
import { createHttpRouter, routeTable } from '../shared/http.ts';
import { apiRoutes } from './api-routes.ts';
import { openapiRoutes } from './openapi.routes.ts';
import { buildOpenApiDocument } from './openapi-document.ts';

const document = buildOpenApiDocument(apiRoutes);

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

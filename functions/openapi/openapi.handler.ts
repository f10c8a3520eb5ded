/**
 * Lambda: the CORS preflight of the user routes, and GET /v1/openapi.json, the document `npm run openapi` built from every module's routes
 * (`docs/openapi.json`, bundled with the function; a unit test keeps it equal to the routes).
 */
import document from '../../docs/openapi.json' with { type: 'json' };
import { KontaktError } from '../../domain/shared/errors.ts';
import { allowedOriginOf, corsHeaders, createHttpRouter, routeTable } from '../shared/http.ts';
import { openapiRoutes } from './openapi.routes.ts';

// it reaches no AWS service, so no error of it is a dependency's outage (and it bundles no AWS SDK)
export const handler = createHttpRouter(() => false)(
  routeTable(openapiRoutes, {
    'GET /v1/openapi.json': async () => ({
      status: 200,
      body: document,
      headers: { 'cache-control': 'public, max-age=300' },
    }),
    // a browser asks before it calls a user route from another origin: only the stage's origins may
    'OPTIONS /v1/{proxy+}': async (request) => {
      const origin = allowedOriginOf(request.event.headers);
      if (!origin) {
        throw new KontaktError(
          'origin-not-allowed',
          'This origin may not call the API from a browser; an admin names the allowed origins per stage (allowedOrigins)',
        );
      }
      return {
        status: 204,
        headers: {
          ...corsHeaders(origin),
          'access-control-allow-methods': 'GET, POST, PUT, PATCH, DELETE',
          'access-control-allow-headers': 'authorization, content-type, idempotency-key, x-correlation-id',
          'access-control-max-age': '600',
        },
      };
    },
  }),
  // every route of this function is public: no user is ever looked up
  { findUser: async () => null },
);

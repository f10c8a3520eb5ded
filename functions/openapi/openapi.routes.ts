/** The OpenAPI route's own contract. */
import type { AnyRouteSpec } from '../shared/http.ts';

export const openapiRoutes = {
  'GET /v1/openapi.json': {
    summary: 'This API, described in OpenAPI 3.1, generated from the schemas that validate its requests',
    auth: 'public',
    responds: { status: 200, description: 'the OpenAPI document' },
  },
  'OPTIONS /v1/{proxy+}': {
    summary:
      'CORS preflight of the user routes, for the browser origins the stage allows (its allowedOrigins); a web form’s submissions route answers its own',
    auth: 'public',
    responds: { status: 204, description: 'the origin may call with these methods and headers' },
  },
} as const satisfies Record<string, AnyRouteSpec>;

/** The OpenAPI route's own contract. */
import type { AnyRouteSpec } from '../shared/http.ts';

export const openapiRoutes = {
  'GET /v1/openapi.json': {
    summary: 'This API, described in OpenAPI 3.1, generated from the schemas that validate its requests',
    auth: 'public',
    responds: { status: 200, description: 'the OpenAPI document' },
  },
} as const satisfies Record<string, AnyRouteSpec>;

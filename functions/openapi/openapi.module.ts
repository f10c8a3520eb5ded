/** The OpenAPI description of the API. */

import { defineModule, routesOf } from '../shared/module.ts';
import { openapiRoutes } from './openapi.routes.ts';

export default defineModule({
  functions: {
    openapi: {
      entry: 'openapi.handler.ts',
      description: 'The OpenAPI description of this API, and the CORS preflight of its user routes',
      timeoutSeconds: 10,
      memoryMb: 256,
      access: {},
      routes: routesOf(openapiRoutes),
    },
  },
});

/**
 * Lambda: Meta's Lead Ads webhook (verification and signed deliveries).
 * The routes' code loads with the first request (functions/shared/lazy-routes.ts).
 */
import { httpRouter } from '../shared/aws-http.ts';
import { lazyRoutes, routeGroup } from '../shared/lazy-routes.ts';
import { sharedSqsClient } from '../shared/sqs-client.ts';
import type { facebookRoutes } from './facebook.routes.ts';

sharedSqsClient();
const routes = routeGroup(() => import('./facebook-webhook.wiring.ts'));

export const handler = httpRouter(
  lazyRoutes<typeof facebookRoutes>({
    'GET /v1/facebook/webhook': routes,
    'POST /v1/facebook/webhook': routes,
  }),
  // both routes are public and this function has no table access: there is no user to look up
  { findUser: async () => null },
);

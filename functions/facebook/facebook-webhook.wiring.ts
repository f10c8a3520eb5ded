/**
 * Meta's Lead Ads webhook (verification and signed deliveries).
 * Wired to their dependencies here; facebook-webhook.handler.ts loads this with the first request.
 */
import * as z from 'zod/mini';
import { readEnv } from '../shared/env.ts';
import { routeTable } from '../shared/http.ts';
import { sharedSqsClient } from '../shared/sqs-client.ts';
import { createSsmClient } from '../shared/ssm-client.ts';
import { facebookRoutes } from './facebook.routes.ts';
import { facebookConfigEnv, facebookConfigLoader } from './facebook-config.ts';
import { createFacebookLeadQueue } from './facebook-lead-queue.ts';
import { receiveWebhook, verifyWebhook } from './facebook-webhook.ts';

const env = readEnv(z.object({ ...facebookConfigEnv, QUEUE_URL_FACEBOOK_LEADS: z.string().check(z.minLength(1)) }));
const config = facebookConfigLoader(env, createSsmClient);

export const routes = routeTable(facebookRoutes, {
  'GET /v1/facebook/webhook': verifyWebhook({ config }),
  'POST /v1/facebook/webhook': receiveWebhook({
    config,
    queue: createFacebookLeadQueue(sharedSqsClient(), env.QUEUE_URL_FACEBOOK_LEADS),
    now: () => new Date(),
  }),
});

/** Lambda: Meta's Lead Ads webhook (verification and signed deliveries). */
import * as z from 'zod/mini';
import { httpRouter } from '../shared/aws-http.ts';
import { readEnv } from '../shared/env.ts';
import { routeTable } from '../shared/http.ts';
import { createSqsClient } from '../shared/sqs-client.ts';
import { createSsmClient } from '../shared/ssm-client.ts';
import { facebookRoutes as routes } from './facebook.routes.ts';
import { facebookConfigEnv, facebookConfigLoader } from './facebook-config.ts';
import { createFacebookLeadQueue } from './facebook-lead-queue.ts';
import { receiveWebhook, verifyWebhook } from './facebook-webhook.ts';

const env = readEnv(z.object({ ...facebookConfigEnv, QUEUE_URL_FACEBOOK_LEADS: z.string().check(z.minLength(1)) }));
const config = facebookConfigLoader(env, createSsmClient);

export const handler = httpRouter(
  routeTable(routes, {
    'GET /v1/facebook/webhook': verifyWebhook({ config }),
    'POST /v1/facebook/webhook': receiveWebhook({
      config,
      queue: createFacebookLeadQueue(createSqsClient(), env.QUEUE_URL_FACEBOOK_LEADS),
      now: () => new Date(),
    }),
  }),
  // Both routes are public and this function has no table access: there is no user to look up.
  { findUser: async () => null },
);

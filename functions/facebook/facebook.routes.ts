/** The Facebook webhook's contracts (Meta calls both routes; they are public and checked by the function). */
import type { AnyRouteSpec } from '../shared/http.ts';
import { VerificationQuery, WebhookAnswer } from './facebook-webhook.ts';

/** Just below a synchronous Lambda request's 6 MB, with room for the event around the body. */
export const facebookDeliveryMaxBytes = 5_500_000;

export const facebookRoutes = {
  'GET /v1/facebook/webhook': {
    summary: 'Meta’s subscription check: echoes hub.challenge when hub.verify_token matches (403 otherwise)',
    auth: 'public',
    audience: 'partner',
    query: VerificationQuery,
    responds: { status: 200, description: 'the hub.challenge value', contentType: 'text/plain' },
  },
  // No body schema: the use case verifies X-Hub-Signature-256 over the bytes received, then parses them.
  'POST /v1/facebook/webhook': {
    summary:
      'Meta’s Lead Ads deliveries, signed with X-Hub-Signature-256 (401 otherwise); each leadgen change is queued for fetching',
    auth: 'public',
    audience: 'partner',
    // a delivery of thousands of changes with Meta's context fields is over 1 MB; a synchronous
    // Lambda request carries at most 6 MB, so the limit sits just below it
    maxBodyBytes: facebookDeliveryMaxBytes,
    responds: { status: 200, description: 'how many leadgen changes were queued', schema: WebhookAnswer },
  },
} as const satisfies Record<string, AnyRouteSpec>;

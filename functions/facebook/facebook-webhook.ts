/**
 * Meta's webhook for Lead Ads: the verification handshake, and signed deliveries whose leadgen
 * changes are put on the facebook-leads queue before Meta gets its 200.
 */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import * as z from 'zod/mini';
import { forbidden, KontaktError } from '../../domain/shared/errors.ts';
import type { FacebookLeadReceivedV1 } from '../../events/facebook-lead-received.v1.ts';
import type { HttpRequest, HttpResult } from '../shared/http.ts';
import { logger } from '../shared/logger.ts';
import type { LoadFacebookConfig } from './facebook-config.ts';
import type { FacebookLeadQueue } from './facebook-lead-queue.ts';
import { parseLeadgenChanges } from './webhook-payload.ts';
import { isValidSignature, secretsEqual } from './webhook-signature.ts';

export const VerificationQuery = z.object({
  'hub.mode': z.literal('subscribe', 'must be subscribe'),
  'hub.verify_token': z.string().check(z.minLength(1), z.maxLength(500)),
  // echoed as the body: only the characters Meta uses, so nothing a browser could render
  'hub.challenge': z.string().check(z.regex(/^[A-Za-z0-9_.-]{1,200}$/, 'must be 1 to 200 letters, digits, _ . -')),
});

export const WebhookAnswer = z.object({
  received: z.int(),
  /** leadgen changes that could not be queued because they name no usable lead or page (logged) */
  skipped: z.int(),
});

export type WebhookDeps = { config: LoadFacebookConfig };

export const verifyWebhook =
  (deps: WebhookDeps) =>
  async (request: HttpRequest<undefined, undefined, z.infer<typeof VerificationQuery>>): Promise<HttpResult> => {
    const { verifyToken } = await deps.config();
    if (!secretsEqual(request.query['hub.verify_token'], verifyToken)) {
      throw forbidden('hub.verify_token does not match the configured verify token');
    }
    return {
      status: 200,
      rawBody: request.query['hub.challenge'],
      headers: { 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff' },
    };
  };

const invalidSignature = (detail: string): KontaktError => new KontaktError('invalid-signature', detail);

/** The body exactly as it arrived; the edge's parsed copy would sign differently. */
const receivedBytes = (event: APIGatewayProxyEventV2): Buffer =>
  event.body === undefined ? Buffer.alloc(0) : Buffer.from(event.body, event.isBase64Encoded ? 'base64' : 'utf8');

export const receiveWebhook =
  (deps: WebhookDeps & { queue: Pick<FacebookLeadQueue, 'sendAll'>; now: () => Date }) =>
  async (request: HttpRequest<undefined, undefined, undefined>): Promise<HttpResult> => {
    const { appSecret } = await deps.config();
    const signature = request.headers['x-hub-signature-256'];
    if (signature === undefined) throw invalidSignature('X-Hub-Signature-256 is missing');
    const body = receivedBytes(request.event);
    if (!isValidSignature(body, signature, appSecret)) {
      throw invalidSignature('X-Hub-Signature-256 does not match the body');
    }
    const { changes, skipped } = parseLeadgenChanges(body);
    if (skipped.length > 0) {
      // nothing to fetch them with; the delivery's good leads must not wait for them
      logger.error('facebook leadgen changes skipped: no usable lead or page id', {
        count: skipped.length,
        errors: skipped.slice(0, 20),
      });
    }
    const receivedAt = deps.now().toISOString();
    const events = changes.map(
      (change): FacebookLeadReceivedV1 => ({ type: 'facebook-lead-received', version: 1, ...change, receivedAt }),
    );
    // Only a 200 after every send: anything else makes Meta deliver again, and the worker is idempotent.
    await deps.queue.sendAll(events);
    // the first hundred ids: a delivery of thousands would make one log event of hundreds of KB
    logger.info('facebook leadgen changes enqueued', {
      count: changes.length,
      leadgenIds: changes.slice(0, 100).map((c) => c.leadgenId),
    });
    return { status: 200, body: { received: events.length, skipped: skipped.length } };
  };

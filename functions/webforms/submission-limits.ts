/**
 * Fair limits on web-form submissions, so one abuser cannot block another customer's form: per
 * client (its IP, from API Gateway's request context), checked first, so a flooding client spends
 * nothing of its form's budget; then per form. Both in the container's memory (no counter item to
 * grow hot). The gateway's route limit for submissions is set far above them (`audience: 'intake'`),
 * only a last guard for the whole API.
 */
import { KontaktError } from '../../domain/shared/errors.ts';
import { createRateLimiter, type RateLimit } from '../shared/rate-limit.ts';

export const submissionLimits: { perClient: RateLimit; perForm: RateLimit } = {
  // a person sends a form now and then; an office behind one address may send a few at once
  perClient: { perSecond: 1 / 3, burst: 20 },
  // a campaign's peak on one form, per container
  perForm: { perSecond: 100, burst: 200 },
};

export const createSubmissionGate = (
  limits = submissionLimits,
  options: { maxKeys?: number; now?: () => number } = {},
) => {
  const clients = createRateLimiter(limits.perClient, options);
  const forms = createRateLimiter(limits.perForm, options);
  return {
    /** Admits one submission of `clientIp` to the form, or throws `rate-limited` with Retry-After. */
    admit(clientIp: string, formKey: string): void {
      const client = clients.take(clientIp);
      if (!client.allowed) {
        throw new KontaktError('rate-limited', 'Too many submissions from this address; try again later', {
          headers: { 'retry-after': String(client.retryAfterSeconds) },
          extra: { retryAfterSeconds: client.retryAfterSeconds },
        });
      }
      const form = forms.take(formKey);
      if (!form.allowed) {
        throw new KontaktError('rate-limited', 'This form takes too many submissions right now; try again later', {
          headers: { 'retry-after': String(form.retryAfterSeconds) },
          extra: { retryAfterSeconds: form.retryAfterSeconds },
        });
      }
    },
  };
};

export type SubmissionGate = ReturnType<typeof createSubmissionGate>;

/** Admits everything: for the local stack where every test client shares 127.0.0.1 (`KONTAKT_CLIENT_LIMITS=off`). */
export const openGate: SubmissionGate = { admit: () => undefined };

/**
 * Web-form submissions: stored in the inbox before they are acknowledged, once per Idempotency-Key,
 * spam kept apart but answered like a lead, then sent to the duplicate check.
 */
import { ulid } from 'ulid';
import type * as z from 'zod/mini';
import { type Contact, createInboxEntry } from '../../domain/inbox/inbox-entry.ts';
import { type FieldError, KontaktError, notFound, validationError } from '../../domain/shared/errors.ts';
import {
  detectSpam,
  fillTokenField,
  isAllowedOrigin,
  isReachable,
  mapSubmission,
  reachableContactFields,
  type Webform,
} from '../../domain/webforms/webform.ts';
import type { LeadReceivedV1 } from '../../events/lead-received.v1.ts';
import { requestDuplicateCheckAfterStore } from '../duplicates/request-duplicate-check.ts';
import { ContactInput } from '../inbox/contact-input.ts';
import { type IdempotencyStore, readIdempotencyKey, requestHash, type StoredAnswer } from '../inbox/idempotency.ts';
import { IdempotencyKeyTakenError, type InboxEntryWriter } from '../inbox/inbox-entry-writer.ts';
import { isDependencyOutage } from '../shared/aws-http.ts';
import { clientAddress } from '../shared/edge.ts';
import type { HttpRequest, HttpResult } from '../shared/http.ts';
import { logger } from '../shared/logger.ts';
import { serviceUnavailable } from '../shared/problem.ts';
import type { QueuePublisher } from '../shared/queue-publisher.ts';
import { fieldErrors, inputProblems } from '../shared/validation.ts';
import { readFillToken } from './fill-time-token.ts';
import type { SubmissionGate } from './submission-limits.ts';
import type { WebformRepository } from './webform.repository.ts';
import type { SubmissionBody, SubmissionPath } from './webform-input.ts';

export type SubmitWebformDeps = {
  forms: Pick<WebformRepository, 'get'>;
  inbox: Pick<InboxEntryWriter, 'create'>;
  idempotency: Pick<IdempotencyStore, 'find' | 'write'>;
  publisher: QueuePublisher<LeadReceivedV1>;
  duplicateCheckQueueUrl: string;
  /** fair limits per client and per form (functions/webforms/submission-limits.ts) */
  gate: SubmissionGate;
  now: () => Date;
};

const postedNameOf = (form: Webform, contactField: string): string =>
  Object.entries(form.fieldMapping).find(([, target]) => target === contactField)?.[0] ?? contactField;

const validateContact = (form: Webform, contact: Contact): void => {
  const result = ContactInput.safeParse(contact);
  // The edge let every posted field span lines (it cannot know which one is the textarea); once
  // mapped, contact fields are one line again. The message keeps its line breaks.
  const errors: FieldError[] = [
    ...inputProblems(contact, 'body', { multiLine: new Set() }),
    ...(result.success ? [] : fieldErrors(result.error, 'body')),
  ].map((e) => ({ ...e, field: postedNameOf(form, e.field) }));
  if (!isReachable(contact)) {
    const fields = reachableContactFields.map((f) => postedNameOf(form, f));
    errors.push({ field: fields[0] ?? 'email', message: `give at least one of ${fields.join(', ')}` });
  }
  if (errors.length > 0) throw validationError(errors);
};

/** CORS for the form's own origins only; a request without Origin (server to server) needs none. */
export const corsHeaders = (form: Webform, origin: string | undefined): Record<string, string> => {
  if (origin === undefined) return {};
  if (!isAllowedOrigin(form, origin)) {
    throw new KontaktError('origin-not-allowed', `The origin ${origin} may not post to this form`);
  }
  // Retry-After too, so the embed script can wait as long as a 503 or 429 asks
  return {
    'access-control-allow-origin': origin,
    vary: 'Origin',
    'access-control-expose-headers': 'Location, Retry-After, X-Correlation-Id',
  };
};

const loadForm = async (deps: Pick<SubmitWebformDeps, 'forms'>, formKey: string) => {
  const stored = await deps.forms.get(formKey);
  if (!stored) throw notFound('web form', formKey);
  return stored;
};

/** Preflight: answered for the form's allowed origins only. */
export const preflightWebform =
  (deps: Pick<SubmitWebformDeps, 'forms'>) =>
  async (request: HttpRequest<undefined, z.infer<typeof SubmissionPath>, undefined>): Promise<HttpResult> => {
    const { form } = await loadForm(deps, request.path.formKey);
    const origin = request.headers.origin;
    if (origin === undefined) {
      throw validationError([{ field: 'Origin', message: 'a preflight request carries an Origin header' }]);
    }
    return {
      status: 204,
      headers: {
        ...corsHeaders(form, origin),
        'access-control-allow-methods': 'POST, OPTIONS',
        'access-control-allow-headers': 'content-type, idempotency-key, x-correlation-id',
        'access-control-max-age': '600',
      },
    };
  };

export const submitWebform =
  (deps: SubmitWebformDeps) =>
  async (
    request: HttpRequest<z.infer<typeof SubmissionBody>, z.infer<typeof SubmissionPath>, undefined>,
  ): Promise<HttpResult> => {
    const { form, signingSecret } = await loadForm(deps, request.path.formKey);
    const cors = corsHeaders(form, request.headers.origin);
    try {
      deps.gate.admit(clientAddress(request.event), form.key);
      const now = deps.now();
      const scope = `webform:${form.key}`;
      const key = readIdempotencyKey(request.headers);
      const hash = requestHash(request.body);
      // No read of the key first: the entry's transaction writes the key's record on condition that
      // none is there (or it expired), so a retry is refused by it and answered from the record
      // below. A first submission, nearly every one, saves a strongly consistent read.

      const fields = Object.fromEntries(Object.entries(request.body).map(([k, v]) => [k, String(v)]));
      const mapped = mapSubmission(form, fields, request.headers.referer);
      validateContact(form, mapped.contact);
      const spam = detectSpam(form, fields, readFillToken(signingSecret, form.key, fields[fillTokenField], now), now);

      const entry = createInboxEntry(
        {
          id: ulid(now.getTime()),
          source: 'webform',
          priority: form.defaultPriority,
          responsibleUserId: form.responsibleUserId,
          contact: mapped.contact,
          ...(mapped.message === undefined ? {} : { message: mapped.message }),
          ...(mapped.tracking === undefined ? {} : { tracking: mapped.tracking }),
          ...(mapped.consentGiven && form.consentText
            ? { consent: { text: form.consentText, givenAt: now.toISOString() } }
            : {}),
          raw: { formKey: form.key, fields: request.body },
          createdBy: null,
          spam: spam !== null,
        },
        now,
      );
      // Spam gets exactly the answer a lead gets, so a bot learns nothing from it.
      const answer: StoredAnswer =
        request.bodyKind === 'form' && form.thankYouUrl
          ? { status: 303, headers: { location: form.thankYouUrl } }
          : { status: 201, body: { id: entry.id }, headers: { location: `/v1/inbox/${entry.id}` } };

      try {
        await deps.inbox.create(
          entry,
          key === null ? undefined : deps.idempotency.write(scope, key, hash, answer, now),
        );
      } catch (error) {
        if (!(error instanceof IdempotencyKeyTakenError) || key === null) throw error;
        // a retry, or a concurrent request with the same key that won: answer what it answered (a
        // key used for another request is a 422)
        const first = await deps.idempotency.find(scope, key, hash, now);
        if (!first) throw error;
        return { ...first, headers: { ...first.headers, ...cors } };
      }
      if (spam !== null) {
        logger.info('web-form submission archived as spam', { inboxEntryId: entry.id, reason: spam });
      } else {
        await requestDuplicateCheckAfterStore(deps, entry, now);
      }
      return { ...answer, headers: { ...answer.headers, ...cors } };
    } catch (error) {
      // an outage answered with the form's CORS headers, so the browser lets the script read the 503
      if (error instanceof KontaktError) throw error.withHeaders(cors);
      throw isDependencyOutage(error) ? serviceUnavailable(error).withHeaders(cors) : error;
    }
  };

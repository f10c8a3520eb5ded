/** Web-form submissions: stored in the inbox before they are acknowledged, then sent to the duplicate check. */
import { ulid } from 'ulid';
import * as z from 'zod/mini';
import { type Contact, createInboxEntry } from '../../domain/inbox/inbox-entry.ts';
import { type FieldError, notFound, validationError } from '../../domain/shared/errors.ts';
import { isReachable, mapSubmission, reachableContactFields, type Webform } from '../../domain/webforms/webform.ts';
import type { InboxEntryRepository } from '../adapters/inbox-entry.repository.ts';
import type { QueuePublisher } from '../adapters/queue-publisher.ts';
import type { WebformRepository } from '../adapters/webform.repository.ts';
import type { HttpRequest, HttpResult } from '../shared/http.ts';
import { logger } from '../shared/logger.ts';
import { fieldErrors } from '../shared/validation.ts';

export const SubmissionPath = z.object({ formKey: z.string().check(z.minLength(1), z.maxLength(100)) });

/** Posted fields: flat values, as an HTML form or a simple `fetch` sends them. */
export const SubmissionBody = z.record(
  z.string().check(z.maxLength(100)),
  z.union([z.string().check(z.maxLength(10_000)), z.number(), z.boolean()]),
);

const shortText = z.optional(z.string().check(z.maxLength(200)));
/** What a contact's fields must look like, whichever posted field they came from. */
const ContactInput = z.object({
  salutation: shortText,
  title: shortText,
  firstName: shortText,
  lastName: shortText,
  email: z.optional(z.email('not a valid email address').check(z.maxLength(254))),
  phone: z.optional(z.string().check(z.maxLength(50), z.regex(/^[0-9+()/.\-\s]+$/, 'not a phone number'))),
  companyName: shortText,
  street: shortText,
  postalCode: z.optional(z.string().check(z.maxLength(20))),
  city: shortText,
  country: shortText,
});

export type SubmitWebformDeps = {
  forms: WebformRepository;
  inbox: InboxEntryRepository;
  publisher: QueuePublisher;
  duplicateCheckQueueUrl: string;
  now: () => Date;
};

const postedNameOf = (form: Webform, contactField: string): string =>
  Object.entries(form.fieldMapping).find(([, target]) => target === contactField)?.[0] ?? contactField;

const validateContact = (form: Webform, contact: Contact): void => {
  const result = ContactInput.safeParse(contact);
  const errors: FieldError[] = result.success
    ? []
    : fieldErrors(result.error, 'body').map((e) => ({ ...e, field: postedNameOf(form, e.field) }));
  if (!isReachable(contact)) {
    const fields = reachableContactFields.map((f) => postedNameOf(form, f));
    errors.push({ field: fields[0] ?? 'email', message: `give at least one of ${fields.join(', ')}` });
  }
  if (errors.length > 0) throw validationError(errors);
};

export const submitWebform =
  (deps: SubmitWebformDeps) =>
  async (
    request: HttpRequest<z.infer<typeof SubmissionBody>, z.infer<typeof SubmissionPath>, undefined>,
  ): Promise<HttpResult> => {
    const form = await deps.forms.get(request.path.formKey);
    if (!form) throw notFound('web form', request.path.formKey);

    const fields = Object.fromEntries(Object.entries(request.body).map(([k, v]) => [k, String(v)]));
    const { contact, message } = mapSubmission(form, fields);
    validateContact(form, contact);

    const now = deps.now();
    const entry = createInboxEntry(
      {
        id: ulid(now.getTime()),
        source: 'webform',
        priority: form.defaultPriority,
        responsibleUserId: form.responsibleUserId,
        contact,
        ...(message === undefined ? {} : { message }),
        raw: { formKey: form.key, fields: request.body },
        createdBy: null,
      },
      now,
    );
    await deps.inbox.create(entry);

    // Stored first; the check is requested after. If the send fails the lead is still safe: the
    // sweeper re-requests every check still pending after five minutes.
    try {
      await deps.publisher.publish(deps.duplicateCheckQueueUrl, {
        type: 'lead-received',
        version: 1,
        inboxEntryId: entry.id,
        source: entry.source,
        requestedAt: now.toISOString(),
      });
    } catch (error) {
      logger.warn('could not request the duplicate check; the sweeper will', { error, inboxEntryId: entry.id });
    }

    const location = `/v1/inbox/${entry.id}`;
    if (request.bodyKind === 'form' && form.thankYouUrl) {
      return { status: 303, headers: { location: form.thankYouUrl } };
    }
    return { status: 201, body: { id: entry.id }, headers: { location } };
  };

/**
 * What the API answers about an inbox entry: its own schema (for the OpenAPI description) and an
 * explicit mapping from the entry, so that the stored shape can change without changing an answer.
 */
import * as z from 'zod/mini';
import type { Candidate, Contact, InboxEntry, Tracking } from '../../domain/inbox/inbox-entry.ts';
import { processingStatuses } from '../../domain/inbox/inbox-entry.ts';
import type { Money } from '../../domain/shared/money.ts';

const optionalString = z.optional(z.string());

export const MoneyResponse = z.lazy(() => z.object({ amount: z.number(), currency: z.string() }));

export const ContactResponse = z.lazy(() =>
  z.object({
    salutation: optionalString,
    title: optionalString,
    firstName: optionalString,
    lastName: optionalString,
    email: optionalString,
    phone: optionalString,
    companyName: optionalString,
    street: optionalString,
    addressLine2: optionalString,
    postalCode: optionalString,
    city: optionalString,
    country: optionalString,
    birthday: optionalString,
  }),
);

export const CandidateResponse = z.lazy(() =>
  z.object({
    kind: z.enum(['person', 'company', 'inboxEntry']),
    id: z.string(),
    score: z.number(),
    level: z.enum(['match', 'possible']),
    reasons: z.array(z.string()),
  }),
);

export const InboxEntryResponse = z.lazy(() =>
  z.object({
    id: z.string(),
    title: z.string(),
    source: z.string(),
    priority: z.string(),
    processingStatus: z.enum(processingStatuses),
    archiveReason: z.nullable(z.string()),
    responsibleUserId: z.nullable(z.string()),
    contact: ContactResponse,
    message: optionalString,
    expectedBudget: z.nullable(MoneyResponse),
    consent: z.optional(z.object({ text: z.string(), givenAt: z.string() })),
    tracking: z.optional(
      z.object({
        pageUrl: optionalString,
        referrer: optionalString,
        utm: z.optional(
          z.object({
            source: optionalString,
            medium: optionalString,
            campaign: optionalString,
            term: optionalString,
            content: optionalString,
          }),
        ),
      }),
    ),
    createdAt: z.string(),
    updatedAt: z.string(),
    qualifiedAt: z.nullable(z.string()),
    opportunityId: z.nullable(z.string()),
    companyId: z.nullable(z.string()),
    personId: z.nullable(z.string()),
    duplicateCheck: z.object({
      status: z.enum(['pending', 'done', 'failed']),
      checkedAt: z.nullable(z.string()),
      candidates: z.array(CandidateResponse),
    }),
    statusHistory: z.array(
      z.object({ status: z.enum(processingStatuses), at: z.string(), userId: z.nullable(z.string()) }),
    ),
    raw: z.record(z.string(), z.unknown()),
    version: z.number(),
  }),
);
export type InboxEntryResponse = z.infer<typeof InboxEntryResponse>;

/** Only the fields that are there: an absent optional field is left out, as JSON would. */
const present = <T extends Record<string, unknown>>(fields: T): T =>
  Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as T;

export const toMoneyResponse = (money: Money) => ({ amount: money.amount, currency: money.currency });

export const toContactResponse = (contact: Contact): z.infer<typeof ContactResponse> =>
  present({
    salutation: contact.salutation,
    title: contact.title,
    firstName: contact.firstName,
    lastName: contact.lastName,
    email: contact.email,
    phone: contact.phone,
    companyName: contact.companyName,
    street: contact.street,
    addressLine2: contact.addressLine2,
    postalCode: contact.postalCode,
    city: contact.city,
    country: contact.country,
    birthday: contact.birthday,
  });

export const toCandidateResponse = (candidate: Candidate): z.infer<typeof CandidateResponse> => ({
  kind: candidate.kind,
  id: candidate.id,
  score: candidate.score,
  level: candidate.level,
  reasons: [...candidate.reasons],
});

const toTrackingResponse = (tracking: Tracking) =>
  present({
    pageUrl: tracking.pageUrl,
    referrer: tracking.referrer,
    utm:
      tracking.utm &&
      present({
        source: tracking.utm.source,
        medium: tracking.utm.medium,
        campaign: tracking.utm.campaign,
        term: tracking.utm.term,
        content: tracking.utm.content,
      }),
  });

export const toInboxEntryResponse = (entry: InboxEntry): InboxEntryResponse =>
  present({
    id: entry.id,
    title: entry.title,
    source: entry.source,
    priority: entry.priority,
    processingStatus: entry.processingStatus,
    archiveReason: entry.archiveReason,
    responsibleUserId: entry.responsibleUserId,
    contact: toContactResponse(entry.contact),
    message: entry.message,
    expectedBudget: entry.expectedBudget && toMoneyResponse(entry.expectedBudget),
    consent: entry.consent && { text: entry.consent.text, givenAt: entry.consent.givenAt },
    tracking: entry.tracking && toTrackingResponse(entry.tracking),
    createdAt: entry.createdAt,
    updatedAt: entry.updatedAt,
    qualifiedAt: entry.qualifiedAt,
    opportunityId: entry.opportunityId,
    companyId: entry.companyId,
    personId: entry.personId,
    duplicateCheck: {
      status: entry.duplicateCheck.status,
      checkedAt: entry.duplicateCheck.checkedAt,
      candidates: entry.duplicateCheck.candidates.map(toCandidateResponse),
    },
    statusHistory: entry.statusHistory.map((change) => ({
      status: change.status,
      at: change.at,
      userId: change.userId,
    })),
    raw: entry.raw,
    version: entry.version,
  });

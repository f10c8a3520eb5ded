/** The stored shape of an inbox entry, parsed on every read so a bad item never reaches a client. */
import * as z from 'zod/mini';
import { processingStatuses } from '../../domain/inbox/inbox-entry.ts';

const optionalString = z.optional(z.string());

export const MoneySchema = z.object({ amount: z.number(), currency: z.string() });

export const ContactSchema = z.object({
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
});

export const CandidateSchema = z.object({
  kind: z.enum(['person', 'company', 'inboxEntry']),
  id: z.string(),
  score: z.number(),
  level: z.enum(['match', 'possible']),
  reasons: z.array(z.string()),
});

export const InboxEntrySchema = z.object({
  id: z.string(),
  title: z.string(),
  source: z.string(),
  priority: z.string(),
  processingStatus: z.enum(processingStatuses),
  archiveReason: z.nullable(z.string()),
  responsibleUserId: z.nullable(z.string()),
  contact: ContactSchema,
  message: optionalString,
  expectedBudget: z.nullable(MoneySchema),
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
    candidates: z.array(CandidateSchema),
  }),
  statusHistory: z.array(
    z.object({ status: z.enum(processingStatuses), at: z.string(), userId: z.nullable(z.string()) }),
  ),
  raw: z.record(z.string(), z.unknown()),
  version: z.number(),
});

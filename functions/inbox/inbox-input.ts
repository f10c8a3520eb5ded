/** What inbox requests must look like: creation by hand, list filters, merge patches and actions. */
import * as z from 'zod/mini';
import { processingStatuses } from '../../domain/inbox/inbox-entry.ts';
import { patchableStatuses } from '../../domain/inbox/inbox-workflow.ts';
import { LimitParam } from '../shared/cursor.ts';
import { orderedBounds, SearchText, TimeBound } from '../shared/validation.ts';
import { ContactInput, MoneyInput } from './contact-input.ts';

const listValue = z.string().check(z.minLength(1), z.maxLength(50));
const userId = z.string().check(z.minLength(1), z.maxLength(128));

export const NewInboxEntryBody = z.lazy(() =>
  z.strictObject({
    title: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(300))),
    source: z.optional(listValue),
    priority: z.optional(listValue),
    responsibleUserId: z.optional(z.nullable(userId)),
    contact: ContactInput,
    message: z.optional(z.string().check(z.maxLength(10_000))),
    expectedBudget: z.optional(z.nullable(MoneyInput)),
  }),
);

const nullableContactField = (schema: z.ZodMiniType<string | undefined>) => z.optional(z.nullable(schema));
const contactShape = ContactInput.def.shape;

export const ContactPatch = z.lazy(() =>
  z.strictObject({
    salutation: nullableContactField(contactShape.salutation),
    title: nullableContactField(contactShape.title),
    firstName: nullableContactField(contactShape.firstName),
    lastName: nullableContactField(contactShape.lastName),
    email: nullableContactField(contactShape.email),
    phone: nullableContactField(contactShape.phone),
    companyName: nullableContactField(contactShape.companyName),
    street: nullableContactField(contactShape.street),
    addressLine2: nullableContactField(contactShape.addressLine2),
    postalCode: nullableContactField(contactShape.postalCode),
    city: nullableContactField(contactShape.city),
    country: nullableContactField(contactShape.country),
    birthday: nullableContactField(contactShape.birthday),
  }),
);

export const InboxPatchBody = z.lazy(() =>
  z.strictObject({
    version: z.number().check(z.int()),
    title: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(300))),
    priority: z.optional(listValue),
    responsibleUserId: z.optional(z.nullable(userId)),
    contact: z.optional(ContactPatch),
    message: z.optional(z.nullable(z.string().check(z.maxLength(10_000)))),
    expectedBudget: z.optional(z.nullable(MoneyInput)),
    processingStatus: z.optional(z.enum(patchableStatuses)),
  }),
);

export const ArchiveBody = z.lazy(() =>
  z.strictObject({
    reason: z.string().check(z.regex(/^[a-z][a-z0-9_]{1,49}$/, 'use a short code such as no_interest or spam')),
  }),
);

export const InboxListQuery = z
  .strictObject({
    limit: LimitParam,
    cursor: z.optional(z.string()),
    source: z.optional(listValue),
    priority: z.optional(listValue),
    processingStatus: z.optional(z.enum(processingStatuses)),
    responsibleUserId: z.optional(userId),
    createdFrom: z.optional(TimeBound),
    createdTo: z.optional(TimeBound),
    archiveReason: z.optional(listValue),
    q: z.optional(SearchText),
  })
  .check(orderedBounds('createdFrom', 'createdTo'));

export const InboxIdPath = z.lazy(() => z.object({ id: z.string().check(z.minLength(1), z.maxLength(64)) }));

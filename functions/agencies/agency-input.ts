/** What agency requests look like: the admins' agency records and keys, and the agencies' lead batches. */
import * as z from 'zod/mini';
import { defaultRateLimitPerMinute } from '../../domain/agencies/agency.ts';
import { type LeadResult, maxLeadsPerBatch } from '../../domain/agencies/lead-batch.ts';
import type { Contact } from '../../domain/inbox/inbox-entry.ts';
import type { FieldError } from '../../domain/shared/errors.ts';
import type { Money } from '../../domain/shared/money.ts';
import { isReachable, reachableContactFields } from '../../domain/webforms/webform.ts';
import { ContactInput, MoneyInput } from '../inbox/contact-input.ts';
import { fieldErrors, inputProblems } from '../shared/validation.ts';

const id = z.string().check(z.minLength(1), z.maxLength(64));
const userId = z.string().check(z.minLength(1), z.maxLength(128));

export const NewAgencyBody = z.lazy(() =>
  z.strictObject({
    name: z.string().check(z.trim(), z.minLength(1), z.maxLength(200)),
    contactEmail: z._default(z.nullable(z.email('not a valid email address').check(z.maxLength(254))), null),
    defaultPriority: z._default(z.string().check(z.minLength(1), z.maxLength(50)), 'normal'),
    responsibleUserId: z._default(z.nullable(userId), null),
    rateLimitPerMinute: z._default(
      z.number().check(z.int('must be a whole number'), z.minimum(1), z.maximum(100_000)),
      defaultRateLimitPerMinute,
    ),
  }),
);

export const AgencyIdPath = z.lazy(() => z.object({ id }));
export const AgencyKeyPath = z.lazy(() => z.object({ id, keyId: id }));

/** One lead as an agency sends it; checked lead by lead, so one bad lead never blocks the others. */
export const AgencyLeadInput = z.lazy(() =>
  z.strictObject({
    // agencies' own systems number their leads as often as they name them
    externalId: z.optional(
      z.pipe(
        z.union([
          z.string().check(z.minLength(1), z.maxLength(200)),
          z.number().check(z.int(), z.minimum(0), z.maximum(Number.MAX_SAFE_INTEGER)),
        ]),
        z.transform((value: string | number) => String(value)),
      ),
    ),
    title: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(300))),
    contact: ContactInput,
    message: z.optional(z.string().check(z.maxLength(10_000))),
    expectedBudget: z.optional(z.nullable(MoneyInput)),
  }),
);

/** The envelope; a body that is not this is a 400 for the whole request. */
export const AgencyLeadsBody = z.strictObject({
  leads: z
    .array(z.unknown())
    .check(
      z.minLength(1, 'give at least one lead'),
      z.maxLength(maxLeadsPerBatch, `at most ${maxLeadsPerBatch} leads per request`),
    ),
});

const jsonSchemaOf = (schema: z.ZodMiniType): Record<string, unknown> => {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });
  return rest;
};

/**
 * What the route decodes before the function has checked the agency's key: anything, so that a
 * caller without a valid key learns nothing about the body. The OpenAPI description still shows
 * the envelope and each lead's shape.
 */
export const AgencyLeadsRequest = z.unknown().check(
  z.meta({
    ...jsonSchemaOf(AgencyLeadsBody),
    properties: {
      leads: { ...jsonSchemaOf(AgencyLeadsBody.def.shape.leads), items: jsonSchemaOf(AgencyLeadInput) },
    },
  }),
);

const LeadResultOut = z.object({
  index: z.number(),
  status: z.enum(['created', 'duplicate_delivery', 'invalid']),
  id: z.optional(z.string()),
  errors: z.optional(z.array(z.object({ field: z.string(), message: z.string() }))),
});

export const AgencyLeadsAnswer = z.lazy(() => z.object({ results: z.array(LeadResultOut) }));

export type AgencyLead = {
  externalId?: string;
  title?: string;
  contact: Contact;
  message?: string;
  expectedBudget?: Money | null;
};

export type CheckedLead =
  | { index: number; valid: true; lead: AgencyLead; raw: Record<string, unknown> }
  | { index: number; valid: false; result: LeadResult };

const Received = z.record(z.string(), z.unknown());

/** Errors named per invalid lead, at most. */
export const maxErrorsPerLead = 10;

/** One lead checked on its own; errors name the field inside the body (`leads.3.contact.email`). */
export const checkAgencyLead = (value: unknown, index: number): CheckedLead => {
  const at = (field: string) => (field === '' ? `leads.${index}` : `leads.${index}.${field}`);
  // the edge's hygiene check, lead by lead (the route is `hygiene: 'per-item'`)
  const unclean = inputProblems(value, '');
  const parsed = AgencyLeadInput.safeParse(value);
  const errors: FieldError[] = [...unclean, ...(parsed.success ? [] : fieldErrors(parsed.error, ''))].map((e) => ({
    ...e,
    field: at(e.field),
  }));
  if (parsed.success && !isReachable(parsed.data.contact)) {
    errors.push({ field: at('contact'), message: `give at least one of ${reachableContactFields.join(', ')}` });
  }
  const raw = Received.safeParse(value);
  if (!parsed.success || !raw.success || errors.length > 0) {
    // at most a handful per lead: a hundred leads' answers must stay a small answer
    const named = errors.slice(0, maxErrorsPerLead);
    const more = errors.length - named.length;
    const last = named.at(-1);
    if (more > 0 && last) named[named.length - 1] = { ...last, message: `${last.message}; and ${more} more errors` };
    return { index, valid: false, result: { index, status: 'invalid', errors: named } };
  }
  const { externalId, title, message, expectedBudget, contact } = parsed.data;
  return {
    index,
    valid: true,
    lead: {
      contact,
      ...(externalId === undefined ? {} : { externalId }),
      ...(title === undefined ? {} : { title }),
      ...(message === undefined ? {} : { message }),
      ...(expectedBudget === undefined ? {} : { expectedBudget }),
    },
    raw: raw.data,
  };
};

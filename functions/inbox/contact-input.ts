/** What contact data from outside must look like, for every channel that creates inbox entries. */
import * as z from 'zod/mini';

/** A calendar date `YYYY-MM-DD` that exists (no 31 February). */
export const CalendarDate = z.string().check(
  z.regex(/^\d{4}-\d{2}-\d{2}$/, 'use YYYY-MM-DD'),
  z.refine((value) => {
    const date = new Date(`${value}T00:00:00Z`);
    return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value);
  }, 'not a calendar date'),
);

const shortText = z.optional(z.string().check(z.trim(), z.maxLength(200)));

export const ContactInput = z.strictObject({
  salutation: shortText,
  title: shortText,
  firstName: shortText,
  lastName: shortText,
  email: z.optional(z.email('not a valid email address').check(z.maxLength(254))),
  phone: z.optional(z.string().check(z.maxLength(50), z.regex(/^[0-9+()/.\-\s]+$/, 'not a phone number'))),
  companyName: shortText,
  street: shortText,
  addressLine2: shortText,
  postalCode: z.optional(z.string().check(z.maxLength(20))),
  city: shortText,
  country: shortText,
  birthday: z.optional(CalendarDate),
});

export const MoneyInput = z.strictObject({
  amount: z.number().check(z.minimum(0, 'must not be negative'), z.maximum(1e12, 'is too large')),
  currency: z.string().check(z.regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as EUR')),
});

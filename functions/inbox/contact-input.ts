/** What contact data from outside must look like, for every channel that creates inbox entries. */
import * as z from 'zod/mini';

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
  postalCode: z.optional(z.string().check(z.maxLength(20))),
  city: shortText,
  country: shortText,
});

export const MoneyInput = z.strictObject({
  amount: z.number().check(z.minimum(0, 'must not be negative'), z.maximum(1e12, 'is too large')),
  currency: z.string().check(z.regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as EUR')),
});

/** What contact data from outside must look like, for every channel that creates inbox entries. */
import * as z from 'zod/mini';
import { CalendarDate, currencyDecimals, MoneyAmount } from '../shared/validation.ts';

/** Dates are read the one strict way every field reads them (functions/shared/validation.ts). */
export { CalendarDate } from '../shared/validation.ts';

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

export const MoneyInput = z
  .strictObject({
    amount: MoneyAmount,
    currency: z.string().check(z.regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as EUR')),
  })
  .check(currencyDecimals);

/**
 * What conversion makes of an inbox entry's contact (PRODUCT.md rule 3): "create company" takes
 * company name, street, postcode and city; "create person" takes first and last name, email and
 * phone. Without a company name (B2C) the company is a household named after the person, so that
 * "won → customer" holds for private customers too.
 */
import type { CompanyFields } from '../companies/company.ts';
import type { PersonFields } from '../persons/person.ts';
import { type FieldError, validationError } from '../shared/errors.ts';
import type { Contact } from './inbox-entry.ts';

const defined = <T extends Record<string, string | undefined>>(value: T): { [K in keyof T]?: string } =>
  Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined && v.trim() !== '')) as {
    [K in keyof T]?: string;
  };

export const companyFromContact = (contact: Contact): CompanyFields => {
  const address = defined({
    street: contact.street,
    addressLine2: contact.addressLine2,
    postalCode: contact.postalCode,
    city: contact.city,
    country: contact.country,
  });
  const personName = [contact.firstName, contact.lastName].filter((p) => p && p.trim() !== '').join(' ');
  const household = !contact.companyName?.trim();
  return {
    name: household ? personName || contact.email || 'Household' : (contact.companyName ?? '').trim(),
    type: household ? 'household' : 'company',
    relationship: 'prospect',
    emails: [],
    phones: [],
    ...(Object.keys(address).length > 0 ? { address } : {}),
  };
};

/**
 * The person of a contact; the last name is required (a person record has one; the first name is
 * optional, "Herr Kempton"), so a missing one is a 400 naming the entry's field. `phone` must
 * already be E.164 (or absent).
 */
export const personFromContact = (
  contact: Contact,
  phone: string | null,
  companyId: string | null,
  isMainContact: boolean,
): Omit<PersonFields, 'isMainContact'> & { isMainContact: boolean } => {
  const errors: FieldError[] = [];
  if (!contact.lastName?.trim()) errors.push({ field: 'contact.lastName', message: 'is needed to create a person' });
  if (errors.length > 0) throw validationError(errors, 'The entry lacks what a person needs; complete it first');
  return {
    ...defined({
      salutation: contact.salutation,
      title: contact.title,
      birthday: contact.birthday,
      firstName: contact.firstName?.trim(),
    }),
    lastName: (contact.lastName ?? '').trim(),
    emails: contact.email ? [contact.email] : [],
    phones: phone ? [phone] : [],
    ...(companyId ? { companyId } : {}),
    isMainContact,
  };
};

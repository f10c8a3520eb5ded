/**
 * Maps a Facebook lead's `field_data` onto an inbox contact: Meta's standard questions become
 * contact fields, everything else (job title, custom questions) is listed in the message.
 * Contact values that fail validation are left out rather than failing a lead that was paid for.
 */
import type { Contact } from '../../domain/inbox/inbox-entry.ts';
import { oneLine } from '../../domain/shared/plain-text.ts';
import { ContactInput } from '../inbox/contact-input.ts';

export type FieldDatum = { name: string; values: string[] };

type ContactField = keyof Contact;

/** Meta's standard field names; the first one of a contact field that has a value wins. */
const standardFields: Record<string, ContactField> = {
  first_name: 'firstName',
  last_name: 'lastName',
  email: 'email',
  work_email: 'email',
  phone_number: 'phone',
  work_phone_number: 'phone',
  company_name: 'companyName',
  street_address: 'street',
  zip_code: 'postalCode',
  post_code: 'postalCode',
  city: 'city',
  country: 'country',
};

export type MappedFacebookLead = {
  contact: Contact;
  /** one "question: answer" line per answer not taken into the contact */
  message?: string;
  /** contact fields whose Facebook value was invalid and left out (still in the raw field data) */
  invalidFields: ContactField[];
};

/** "Anna Maria Schmidt" → first "Anna Maria", last "Schmidt"; a single word is the last name. */
export const splitFullName = (fullName: string): { firstName?: string; lastName?: string } => {
  const words = fullName
    .trim()
    .split(/\s+/)
    .filter((w) => w !== '');
  const lastName = words.pop();
  if (lastName === undefined) return {};
  return words.length === 0 ? { lastName } : { firstName: words.join(' '), lastName };
};

/** An answer as one line without control characters or bidi overrides: Meta relays what people typed. */
const answerOf = (datum: FieldDatum): string =>
  datum.values
    .map((v) => oneLine(v).trim())
    .filter((v) => v !== '')
    .join(', ');

/** The value as the inbox stores it, or undefined when it would not pass the inbox's own rules. */
const validValue = (field: ContactField, value: string): string | undefined => {
  const result = ContactInput.shape[field].safeParse(value);
  return result.success ? result.data : undefined;
};

export const mapFieldData = (fieldData: readonly FieldDatum[]): MappedFacebookLead => {
  const answers = fieldData
    .map((datum) => ({ name: oneLine(datum.name).trim(), answer: answerOf(datum) }))
    .filter((a) => a.answer !== '');
  const taken = new Map<ContactField, { name: string; answer: string }>();
  const lines: string[] = [];
  let fullName: string | undefined;
  for (const { name, answer } of answers) {
    const key = name.toLowerCase();
    const field = standardFields[key];
    if (key === 'full_name' && fullName === undefined) fullName = answer;
    else if (field !== undefined && !taken.has(field)) taken.set(field, { name, answer });
    else lines.push(`${name}: ${answer}`);
  }
  // explicit first and last names win over a split full name
  const split = fullName === undefined ? {} : splitFullName(fullName);
  if (split.firstName !== undefined && !taken.has('firstName')) {
    taken.set('firstName', { name: 'full_name', answer: split.firstName });
  }
  if (split.lastName !== undefined && !taken.has('lastName')) {
    taken.set('lastName', { name: 'full_name', answer: split.lastName });
  }

  const contact: Contact = {};
  const invalidFields: ContactField[] = [];
  for (const [field, { name, answer }] of taken) {
    const valid = validValue(field, answer);
    if (valid === undefined) {
      invalidFields.push(field);
      lines.push(`${name}: ${answer}`);
    } else {
      contact[field] = valid;
    }
  }
  return { contact, ...(lines.length > 0 ? { message: lines.join('\n') } : {}), invalidFields };
};

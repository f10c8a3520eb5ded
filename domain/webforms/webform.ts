/** Web forms: how a website's posted fields become an inbox entry's contact data. */
import type { Contact } from '../inbox/inbox-entry.ts';

export type ContactField = keyof Contact;

export type Webform = {
  key: string;
  name: string;
  allowedOrigins: string[];
  /** posted field name → contact field; posted fields not named here stay in the raw payload only */
  fieldMapping: Record<string, ContactField | 'message'>;
  defaultPriority: string;
  responsibleUserId: string | null;
  thankYouUrl: string | null;
  consentText: string | null;
};

export type PostedFields = Record<string, string>;

export type MappedSubmission = { contact: Contact; message?: string };

/** Applies a form's mapping; empty values count as not given. */
export const mapSubmission = (form: Webform, fields: PostedFields): MappedSubmission => {
  const contact: Contact = {};
  let message: string | undefined;
  for (const [posted, target] of Object.entries(form.fieldMapping)) {
    const value = fields[posted]?.trim();
    if (!value) continue;
    if (target === 'message') message = value;
    else contact[target] = value;
  }
  return message === undefined ? { contact } : { contact, message };
};

/** A lead nobody can reach or name is not a lead. */
export const reachableContactFields: readonly ContactField[] = ['email', 'phone', 'lastName', 'companyName'];

export const isReachable = (contact: Contact): boolean =>
  reachableContactFields.some((field) => Boolean(contact[field]));

export const demoWebform: Webform = {
  key: 'demo',
  name: 'Demo contact form',
  allowedOrigins: ['http://127.0.0.1:3000', 'http://localhost:3000'],
  fieldMapping: {
    firstName: 'firstName',
    lastName: 'lastName',
    email: 'email',
    phone: 'phone',
    company: 'companyName',
    street: 'street',
    postalCode: 'postalCode',
    city: 'city',
    message: 'message',
  },
  defaultPriority: 'normal',
  responsibleUserId: null,
  thankYouUrl: null,
  consentText: null,
};

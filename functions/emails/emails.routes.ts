/** The email routes' contracts: the mail Smart BCC received, its quarantine, the mail of a record. */
import type { AnyRouteSpec } from '../shared/http.ts';
import {
  EmailIdPath,
  EmailListQuery,
  EmailOut,
  EmailPageOut,
  LinkedEmailsQuery,
  RecordAddressOut,
} from './email-response.ts';

const linkedEmails = (what: string) =>
  ({
    summary: `Emails linked to one ${what}, newest first`,
    auth: 'user',
    path: EmailIdPath,
    query: LinkedEmailsQuery,
    responds: { status: 200, description: 'a page of emails', schema: EmailPageOut },
  }) as const;

const recordAddress = (what: string) =>
  ({
    summary: `The ${what}'s own mail address: mail a user sends to it, and a customer's reply, is linked to the ${what}`,
    auth: 'user',
    path: EmailIdPath,
    responds: { status: 200, description: 'the address', schema: RecordAddressOut },
  }) as const;

export const emailsRoutes = {
  'GET /v1/emails': {
    summary: 'Emails received through Smart BCC, newest first; status=quarantined lists the quarantine',
    auth: 'user',
    query: EmailListQuery,
    responds: { status: 200, description: 'a page of emails', schema: EmailPageOut },
  },
  'GET /v1/emails/{id}': {
    summary: 'One email',
    auth: 'user',
    path: EmailIdPath,
    responds: { status: 200, description: 'the email', schema: EmailOut },
  },
  'POST /v1/emails/{id}/release': {
    summary: 'Releases a quarantined email (admins only): it is linked as if it had passed',
    auth: 'admin',
    path: EmailIdPath,
    responds: { status: 200, description: 'the email, linked', schema: EmailOut },
  },
  'GET /v1/persons/{id}/emails': linkedEmails('person'),
  'GET /v1/companies/{id}/emails': linkedEmails('company'),
  'GET /v1/opportunities/{id}/emails': linkedEmails('opportunity (by id or OPP-n)'),
  'GET /v1/tickets/{id}/emails': linkedEmails('ticket (by id or TIC-n)'),
  'GET /v1/opportunities/{id}/email-address': recordAddress('opportunity'),
  'GET /v1/tickets/{id}/email-address': recordAddress('ticket'),
} as const satisfies Record<string, AnyRouteSpec>;

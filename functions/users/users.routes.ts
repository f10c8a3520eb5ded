/** The users routes' contracts: who may call them, what they take, what they answer. */
import type { AnyRouteSpec } from '../shared/http.ts';
import { AddressListOut, AddressOut, AddressPath, NewAddressBody, TokenForm, TokenQuery } from './email-addresses.ts';
import { ListQuery, NewUserBody, UserOut, UserPageOut } from './users.ts';

export const usersRoutes = {
  'GET /v1/me': {
    summary: 'The calling user',
    auth: 'user',
    responds: { status: 200, description: 'the user', schema: UserOut },
  },
  'GET /v1/users': {
    summary: 'CRM users',
    auth: 'user',
    query: ListQuery,
    responds: { status: 200, description: 'a page of users', schema: UserPageOut },
  },
  'POST /v1/users': {
    summary: 'Adds a user (admins only); the id is the identity provider’s subject',
    auth: 'admin',
    body: NewUserBody,
    responds: { status: 201, description: 'the user', schema: UserOut },
  },
  'GET /v1/me/email-addresses': {
    summary: 'The calling user’s alternative addresses for Smart BCC, pending and confirmed',
    auth: 'user',
    responds: { status: 200, description: 'the addresses', schema: AddressListOut },
  },
  'POST /v1/me/email-addresses': {
    summary:
      'Adds an alternative address for Smart BCC: 202, and a confirmation link is mailed to it; mail from it is accepted once confirmed',
    auth: 'user',
    body: NewAddressBody,
    responds: { status: 202, description: 'the pending address', schema: AddressOut },
  },
  'DELETE /v1/me/email-addresses/{address}': {
    summary: 'Removes one of the calling user’s alternative addresses',
    auth: 'user',
    path: AddressPath,
    responds: { status: 204, description: 'removed' },
  },
  'GET /v1/email-addresses/confirmation': {
    summary: 'The confirmation link’s page: shows what would be confirmed and a button; opening it changes nothing',
    auth: 'public',
    query: TokenQuery,
    responds: { status: 200, description: 'an HTML page', contentType: 'text/html' },
  },
  'POST /v1/email-addresses/confirmation': {
    summary: 'Confirms an alternative address (the form of the confirmation page)',
    auth: 'public',
    accepts: ['form'],
    body: TokenForm,
    responds: { status: 200, description: 'an HTML page', contentType: 'text/html' },
  },
} as const satisfies Record<string, AnyRouteSpec>;

/** The users routes' contracts: who may call them, what they take, what they answer. */
import type { AnyRouteSpec } from '../shared/http.ts';
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
} as const satisfies Record<string, AnyRouteSpec>;

/** The email routes' contracts. */
import type { AnyRouteSpec } from '../shared/http.ts';
import { EmailListQuery } from './list-emails.ts';

export const emailsRoutes = {
  'GET /v1/emails': {
    summary: 'Emails received through Smart BCC, newest first',
    auth: 'user',
    query: EmailListQuery,
    responds: { status: 200, description: 'a page of emails' },
  },
} as const satisfies Record<string, AnyRouteSpec>;

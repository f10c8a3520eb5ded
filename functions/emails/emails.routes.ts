/** The email routes' contracts. */
import type { AnyRouteSpec } from '../shared/http.ts';
import { EmailListQuery, EmailPageOut } from './email-response.ts';

export const emailsRoutes = {
  'GET /v1/emails': {
    summary: 'Emails received through Smart BCC, newest first',
    auth: 'user',
    query: EmailListQuery,
    responds: { status: 200, description: 'a page of emails', schema: EmailPageOut },
  },
} as const satisfies Record<string, AnyRouteSpec>;

/** The inbox routes' contracts. */
import type { AnyRouteSpec } from '../shared/http.ts';
import { InboxEntryResponse } from './inbox-entry-response.ts';
import { ArchiveBody, InboxIdPath, InboxListQuery, InboxPatchBody, NewInboxEntryBody } from './inbox-input.ts';

const entry = (status: number, description: string) => ({ status, description, schema: InboxEntryResponse });

export const inboxRoutes = {
  'POST /v1/inbox': {
    summary: 'Creates an inbox entry by hand (source cold_acquisition unless given)',
    auth: 'user',
    body: NewInboxEntryBody,
    responds: entry(201, 'the entry'),
  },
  'GET /v1/inbox': {
    summary: 'Inbox entries, newest first, filtered; q is a prefix search over name, company and email',
    auth: 'user',
    query: InboxListQuery,
    responds: { status: 200, description: 'a page of entries' },
  },
  'GET /v1/inbox/{id}': {
    summary: 'One inbox entry',
    auth: 'user',
    path: InboxIdPath,
    responds: entry(200, 'the entry'),
  },
  'PATCH /v1/inbox/{id}': {
    summary: 'Changes an entry: a merge patch carrying the current version; contact changes re-run the duplicate check',
    auth: 'user',
    path: InboxIdPath,
    body: InboxPatchBody,
    responds: entry(200, 'the entry'),
  },
  'POST /v1/inbox/{id}/archive': {
    summary: 'Archives an open entry with a reason',
    auth: 'user',
    path: InboxIdPath,
    body: ArchiveBody,
    responds: entry(200, 'the entry'),
  },
  'POST /v1/inbox/{id}/reopen': {
    summary: 'Reopens an archived or done entry',
    auth: 'user',
    path: InboxIdPath,
    responds: entry(200, 'the entry'),
  },
} as const satisfies Record<string, AnyRouteSpec>;

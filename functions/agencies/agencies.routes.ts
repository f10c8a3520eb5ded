/** The agency routes' contracts: the admins' agency records and keys, and the agencies' own lead intake. */
import type { AnyRouteSpec } from '../shared/http.ts';
import { ListQuery } from '../users/users.ts';
import { AgencyIdPath, AgencyKeyPath, AgencyLeadsAnswer, AgencyLeadsRequest, NewAgencyBody } from './agency-input.ts';
import { AgencyOut, AgencyPageOut, IssuedKeyOut } from './agency-response.ts';

// The gateway knows only public and user routes (manifest: `user`); the role is checked here.
export const agencyAdminRoutes = {
  'GET /v1/agencies': {
    summary: 'Lead agencies, by name (admins only)',
    auth: 'admin',
    query: ListQuery,
    responds: { status: 200, description: 'a page of agencies', schema: AgencyPageOut },
  },
  'POST /v1/agencies': {
    summary: 'Registers a lead agency (admins only); rateLimitPerMinute counts leads and defaults to 600',
    auth: 'admin',
    body: NewAgencyBody,
    responds: { status: 201, description: 'the agency', schema: AgencyOut },
  },
  'GET /v1/agencies/{id}': {
    summary: 'One agency with its keys’ public parts (admins only)',
    auth: 'admin',
    path: AgencyIdPath,
    responds: { status: 200, description: 'the agency', schema: AgencyOut },
  },
  'POST /v1/agencies/{id}/keys': {
    summary: 'Issues an API key for the agency (admins only); the key is in this answer only and stored as a hash',
    auth: 'admin',
    path: AgencyIdPath,
    responds: { status: 201, description: 'the new key, shown once', schema: IssuedKeyOut },
  },
  'DELETE /v1/agencies/{id}/keys/{keyId}': {
    summary: 'Revokes an agency key at once (admins only)',
    auth: 'admin',
    path: AgencyKeyPath,
    responds: { status: 204, description: 'revoked' },
  },
} as const satisfies Record<string, AnyRouteSpec>;

export const agencyLeadRoutes = {
  'POST /v1/agency/leads': {
    summary:
      'Delivers up to 100 leads with the agency’s API key (Authorization: Bearer ktk_…), answered lead by lead; honours Idempotency-Key and each lead’s externalId; over the agency’s per-minute lead limit: 429 with Retry-After',
    auth: 'public',
    audience: 'partner',
    body: AgencyLeadsRequest,
    // one bad lead is answered `invalid` on its own (checkAgencyLead), never a 400 for the batch
    hygiene: 'per-item',
    responds: { status: 200, description: 'one result per lead, in order', schema: AgencyLeadsAnswer },
  },
} as const satisfies Record<string, AnyRouteSpec>;

/**
 * Lead agencies and their API keys (admins only).
 * Wired to their dependencies here; agencies-api.handler.ts loads this with the first request.
 */
import { randomBytes } from 'node:crypto';
import * as z from 'zod/mini';
import { createSettingsRepository } from '../settings/settings.repository.ts';
import { sharedDocumentClient } from '../shared/dynamodb-client.ts';
import { readEnv, tableEnv } from '../shared/env.ts';
import { routeTable } from '../shared/http.ts';
import { tableUsers } from '../users/table-users.ts';
import { agencyAdminRoutes } from './agencies.routes.ts';
import { createAgencyRepository } from './agency.repository.ts';
import { createAgency, createAgencyKey, getAgency, listAgencies, revokeAgencyKey } from './manage-agencies.ts';

const env = readEnv(z.object(tableEnv));
const doc = sharedDocumentClient();
// the router's user lookup and these routes share one repository
const users = tableUsers;
const deps = {
  agencies: createAgencyRepository(doc, env.TABLE_NAME),
  users,
  settings: createSettingsRepository(doc, env.TABLE_NAME),
  random: (size: number) => randomBytes(size),
  now: () => new Date(),
};

export const routes = routeTable(agencyAdminRoutes, {
  'GET /v1/agencies': listAgencies(deps),
  'POST /v1/agencies': createAgency(deps),
  'GET /v1/agencies/{id}': getAgency(deps),
  'POST /v1/agencies/{id}/keys': createAgencyKey(deps),
  'DELETE /v1/agencies/{id}/keys/{keyId}': revokeAgencyKey(deps),
});

/** Lambda: lead agencies and their API keys (admins only). */
import { randomBytes } from 'node:crypto';
import * as z from 'zod/mini';
import { createSettingsRepository } from '../settings/settings.repository.ts';
import { httpRouter } from '../shared/aws-http.ts';
import { createDocumentClient } from '../shared/dynamodb-client.ts';
import { readEnv, tableEnv } from '../shared/env.ts';
import { routeTable } from '../shared/http.ts';
import { createUserRepository } from '../users/user.repository.ts';
import { agencyAdminRoutes as routes } from './agencies.routes.ts';
import { createAgencyRepository } from './agency.repository.ts';
import { createAgency, createAgencyKey, getAgency, listAgencies, revokeAgencyKey } from './manage-agencies.ts';

const env = readEnv(z.object(tableEnv));
const doc = createDocumentClient();
const users = createUserRepository(doc, env.TABLE_NAME);
const deps = {
  agencies: createAgencyRepository(doc, env.TABLE_NAME),
  users,
  settings: createSettingsRepository(doc, env.TABLE_NAME),
  random: (size: number) => randomBytes(size),
  now: () => new Date(),
};

export const handler = httpRouter(
  routeTable(routes, {
    'GET /v1/agencies': listAgencies(deps),
    'POST /v1/agencies': createAgency(deps),
    'GET /v1/agencies/{id}': getAgency(deps),
    'POST /v1/agencies/{id}/keys': createAgencyKey(deps),
    'DELETE /v1/agencies/{id}/keys/{keyId}': revokeAgencyKey(deps),
  }),
  users,
);

/**
 * Web-form configuration (admins only).
 * Wired to their dependencies here; webforms-api.handler.ts loads this with the first request.
 */
import * as z from 'zod/mini';
import { createSettingsRepository } from '../settings/settings.repository.ts';
import { sharedDocumentClient } from '../shared/dynamodb-client.ts';
import { readEnv, tableEnv } from '../shared/env.ts';
import { routeTable } from '../shared/http.ts';
import { tableUsers } from '../users/table-users.ts';
import { createWebform, getWebform, listWebforms, patchWebform } from './manage-webforms.ts';
import { createWebformRepository } from './webform.repository.ts';
import { webformAdminRoutes } from './webforms.routes.ts';

const env = readEnv(z.object(tableEnv));
const doc = sharedDocumentClient();
// the router's user lookup and these routes share one repository
const users = tableUsers;
const deps = {
  forms: createWebformRepository(doc, env.TABLE_NAME),
  users,
  settings: createSettingsRepository(doc, env.TABLE_NAME),
  now: () => new Date(),
};

export const routes = routeTable(webformAdminRoutes, {
  'GET /v1/webforms': listWebforms(deps),
  'POST /v1/webforms': createWebform(deps),
  'GET /v1/webforms/{formKey}': getWebform(deps),
  'PATCH /v1/webforms/{formKey}': patchWebform(deps),
});

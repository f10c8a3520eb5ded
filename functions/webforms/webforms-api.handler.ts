/** Lambda: web-form configuration (admins only). */
import * as z from 'zod/mini';
import { createSettingsRepository } from '../settings/settings.repository.ts';
import { httpRouter } from '../shared/aws-http.ts';
import { createDocumentClient } from '../shared/dynamodb-client.ts';
import { readEnv, tableEnv } from '../shared/env.ts';
import { routeTable } from '../shared/http.ts';
import { createUserRepository } from '../users/user.repository.ts';
import { createWebform, getWebform, listWebforms, patchWebform } from './manage-webforms.ts';
import { createWebformRepository } from './webform.repository.ts';
import { webformAdminRoutes as routes } from './webforms.routes.ts';

const env = readEnv(z.object(tableEnv));
const doc = createDocumentClient();
const users = createUserRepository(doc, env.TABLE_NAME);
const deps = {
  forms: createWebformRepository(doc, env.TABLE_NAME),
  users,
  settings: createSettingsRepository(doc, env.TABLE_NAME),
  now: () => new Date(),
};

export const handler = httpRouter(
  routeTable(routes, {
    'GET /v1/webforms': listWebforms(deps),
    'POST /v1/webforms': createWebform(deps),
    'GET /v1/webforms/{formKey}': getWebform(deps),
    'PATCH /v1/webforms/{formKey}': patchWebform(deps),
  }),
  users,
);

/** Lambda: /v1/settings/{list}. */
import * as z from 'zod/mini';
import { httpRouter } from '../shared/aws-http.ts';
import { createDocumentClient } from '../shared/dynamodb-client.ts';
import { readEnv, tableEnv } from '../shared/env.ts';
import { routeTable } from '../shared/http.ts';
import { createUserRepository } from '../users/user.repository.ts';
import { createSettingsRepository } from './settings.repository.ts';
import { settingsRoutes as routes } from './settings.routes.ts';
import { getSettings, putSettings } from './settings-api.ts';

const env = readEnv(z.object(tableEnv));
const doc = createDocumentClient();
const settings = createSettingsRepository(doc, env.TABLE_NAME);

export const handler = httpRouter(
  routeTable(routes, {
    'GET /v1/settings/{list}': getSettings(settings),
    'PUT /v1/settings/{list}': putSettings(settings),
  }),
  createUserRepository(doc, env.TABLE_NAME),
);

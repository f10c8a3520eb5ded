/** The settings routes, wired to the table (loaded by settings-api.handler.ts with the first request). */
import * as z from 'zod/mini';
import { sharedDocumentClient } from '../shared/dynamodb-client.ts';
import { readEnv, tableEnv } from '../shared/env.ts';
import { routeTable } from '../shared/http.ts';
import { createSettingsRepository } from './settings.repository.ts';
import { settingsRoutes } from './settings.routes.ts';
import { getSettings, putSettings } from './settings-api.ts';

const env = readEnv(z.object(tableEnv));
const settings = createSettingsRepository(sharedDocumentClient(), env.TABLE_NAME);

export const routes = routeTable(settingsRoutes, {
  'GET /v1/settings/{list}': getSettings(settings),
  'PUT /v1/settings/{list}': putSettings(settings),
});

/** Settings lists (sources, priorities, loss reasons, tags, holidays): anyone reads them, admins replace them. */
import type * as z from 'zod/mini';
import { checkSettingsItems } from '../../domain/settings/settings.ts';
import type { HttpRequest, HttpResult } from '../shared/http.ts';
import type { SettingsRepository } from './settings.repository.ts';
import { type SettingsBody, type SettingsPath, toSettingsResponse } from './settings.routes.ts';

export const getSettings =
  (settings: SettingsRepository) =>
  async (request: HttpRequest<undefined, z.infer<typeof SettingsPath>, undefined>): Promise<HttpResult> => ({
    status: 200,
    body: toSettingsResponse(request.path.list, await settings.get(request.path.list)),
  });

export const putSettings =
  (settings: SettingsRepository) =>
  async (
    request: HttpRequest<z.infer<typeof SettingsBody>, z.infer<typeof SettingsPath>, undefined>,
  ): Promise<HttpResult> => {
    const items = checkSettingsItems(request.path.list, request.body.items);
    await settings.put(request.path.list, items);
    return { status: 200, body: toSettingsResponse(request.path.list, items) };
  };

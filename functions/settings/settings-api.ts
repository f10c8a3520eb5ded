/** Settings lists (sources, priorities, loss reasons, tags, holidays): anyone reads them, admins replace them. */
import * as z from 'zod/mini';
import { checkSettingsItems, settingsLists } from '../../domain/settings/settings.ts';
import type { SettingsRepository } from '../adapters/settings.repository.ts';
import type { AnyRouteSpec, HttpRequest, HttpResult } from '../shared/http.ts';

export const SettingsPath = z.object({ list: z.enum(settingsLists) });
/** Each list's own rules (codes, dates, sizes) are checked by the domain, which names every bad value. */
export const SettingsBody = z.strictObject({
  items: z.array(z.string().check(z.maxLength(50))).check(z.maxLength(1000)),
});
const SettingsOut = z.object({ list: z.enum(settingsLists), items: z.array(z.string()) });

export const settingsRoutes = {
  'GET /v1/settings/{list}': {
    summary:
      'A settings list: sources, priorities, loss-reasons, tags or holidays (defaults until an admin changes them; holidays default to the German national holidays 2024–2036)',
    auth: 'user',
    path: SettingsPath,
    responds: { status: 200, description: 'the list', schema: SettingsOut },
  },
  'PUT /v1/settings/{list}': {
    summary: 'Replaces a settings list (admins only); entries already using a removed value keep it',
    auth: 'admin',
    path: SettingsPath,
    body: SettingsBody,
    responds: { status: 200, description: 'the list', schema: SettingsOut },
  },
} as const satisfies Record<string, AnyRouteSpec>;

export const getSettings =
  (settings: SettingsRepository) =>
  async (request: HttpRequest<undefined, z.infer<typeof SettingsPath>, undefined>): Promise<HttpResult> => ({
    status: 200,
    body: { list: request.path.list, items: await settings.get(request.path.list) },
  });

export const putSettings =
  (settings: SettingsRepository) =>
  async (
    request: HttpRequest<z.infer<typeof SettingsBody>, z.infer<typeof SettingsPath>, undefined>,
  ): Promise<HttpResult> => {
    const items = checkSettingsItems(request.path.list, request.body.items);
    await settings.put(request.path.list, items);
    return { status: 200, body: { list: request.path.list, items } };
  };

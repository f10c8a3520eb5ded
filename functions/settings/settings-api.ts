/** Settings lists (sources, priorities): anyone reads them, admins replace them. */
import * as z from 'zod/mini';
import { settingsLists } from '../../domain/settings/settings.ts';
import type { SettingsRepository } from '../adapters/settings.repository.ts';
import type { AnyRouteSpec, HttpRequest, HttpResult } from '../shared/http.ts';

export const SettingsPath = z.object({ list: z.enum(settingsLists) });
export const SettingsBody = z.strictObject({
  items: z.array(z.string().check(z.regex(/^[a-z][a-z0-9_]{1,49}$/, 'use a short code such as trade_fair'))).check(
    z.minLength(1, 'keep at least one value'),
    z.maxLength(100),
    z.refine((items) => new Set(items).size === items.length, 'values must be unique'),
  ),
});
const SettingsOut = z.object({ list: z.enum(settingsLists), items: z.array(z.string()) });

export const settingsRoutes = {
  'GET /v1/settings/{list}': {
    summary: 'A settings list: sources or priorities (defaults until an admin changes them)',
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
    await settings.put(request.path.list, request.body.items);
    return { status: 200, body: { list: request.path.list, items: request.body.items } };
  };

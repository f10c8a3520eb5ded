/** The settings routes' contracts: anyone reads a list, admins replace it. */
import * as z from 'zod/mini';
import { settingsLists } from '../../domain/settings/settings.ts';
import type { AnyRouteSpec } from '../shared/http.ts';

export const SettingsPath = z.object({ list: z.enum(settingsLists) });
/** Each list's own rules (codes, dates, sizes) are checked by the domain, which names every bad value. */
export const SettingsBody = z.strictObject({
  items: z.array(z.string().check(z.maxLength(50))).check(z.maxLength(1000)),
});

/** The answer: the list's name and its values. */
export const SettingsResponse = z.object({ list: z.enum(settingsLists), items: z.array(z.string()) });
export type SettingsResponse = z.infer<typeof SettingsResponse>;

export const toSettingsResponse = (list: SettingsResponse['list'], items: readonly string[]): SettingsResponse => ({
  list,
  items: [...items],
});

export const settingsRoutes = {
  'GET /v1/settings/{list}': {
    summary:
      'A settings list: sources, priorities, loss-reasons, tags or holidays (defaults until an admin changes them; holidays default to the German national holidays 2024–2036)',
    auth: 'user',
    path: SettingsPath,
    responds: { status: 200, description: 'the list', schema: SettingsResponse },
  },
  'PUT /v1/settings/{list}': {
    summary: 'Replaces a settings list (admins only); entries already using a removed value keep it',
    auth: 'admin',
    path: SettingsPath,
    body: SettingsBody,
    responds: { status: 200, description: 'the list', schema: SettingsResponse },
  },
} as const satisfies Record<string, AnyRouteSpec>;

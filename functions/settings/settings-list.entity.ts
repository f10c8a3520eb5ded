/** Settings lists (sources, priorities, loss reasons, tags, holidays), one item per list; a list never stored is its default. */
import * as z from 'zod/mini';
import { defineEntity } from '../shared/entity.ts';

export const settingsLists = defineEntity({
  name: 'settings',
  version: 1,
  schema: z.object({ list: z.string(), items: z.array(z.string()) }),
  key: (list: string) => ({ pk: `SETTINGS#${list}`, sk: 'SETTINGS' }),
  keyOf: (settings) => [settings.list],
});

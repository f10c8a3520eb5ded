/** Markers of the layout maintenance runs (`npm run backfill-matching`, `npm run migrate`) last brought stored data to. */
import * as z from 'zod/mini';
import { defineEntity } from '../shared/entity.ts';

export const matchingMigrations = defineEntity({
  name: 'migration',
  version: 1,
  schema: z.object({ layout: z.number() }),
  key: () => ({ pk: 'MIGRATION#matching', sk: 'MIGRATION' }),
  keyOf: () => [],
});

/** The layout a storage migration (by name: `list-shards`) last brought the stored data to. */
export const storageMigrations = defineEntity({
  name: 'migration',
  version: 1,
  schema: z.object({ layout: z.number() }),
  key: (name: string) => ({ pk: `MIGRATION#${name}`, sk: 'MIGRATION' }),
  keyOf: (): [string] => {
    throw new Error('a migration marker is keyed by a name it does not store: use itemAt');
  },
});

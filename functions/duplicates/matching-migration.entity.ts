/** The layout a maintenance run (`npm run backfill-matching`) last brought duplicate protection's stored data to. */
import * as z from 'zod/mini';
import { defineEntity } from '../shared/entity.ts';

export const matchingMigrations = defineEntity({
  name: 'migration',
  version: 1,
  schema: z.object({ layout: z.number() }),
  key: () => ({ pk: 'MIGRATION#matching', sk: 'MIGRATION' }),
  keyOf: () => [],
});

/**
 * Idempotency records: the first answer to a write sent with an `Idempotency-Key`, stored under the
 * key's scope (a web form, an agency) in the same transaction as the write, for 24 hours (`ttl`).
 */
import * as z from 'zod/mini';
import { defineEntity, type Key } from '../shared/entity.ts';

/**
 * Found by the scope and the client's key, which it does not store, so its item is built with the
 * key given apart: `idempotencyItem`, never `item()`.
 */
export const idempotencyRecords = defineEntity({
  name: 'idempotency',
  version: 1,
  schema: z.lazy(() =>
    z.object({
      requestHash: z.string(),
      answer: z.object({
        status: z.number(),
        body: z.optional(z.unknown()),
        headers: z.optional(z.record(z.string(), z.string())),
      }),
      createdAt: z.optional(z.string()),
      ttl: z.number(),
    }),
  ),
  key: (scope: string, key: string): Key => ({ pk: `IDEMPOTENCY#${scope}#${key}`, sk: 'IDEMPOTENCY' }),
  keyOf: (): [string, string] => {
    throw new Error('an idempotency record is keyed by a scope and key it does not store: use idempotencyItem');
  },
});

export type IdempotencyRecord = z.infer<typeof idempotencyRecords.schema>;

/** The item of an idempotency record under its scope and key. */
export const idempotencyItem = (scope: string, key: string, record: IdempotencyRecord): Record<string, unknown> =>
  idempotencyRecords.itemAt(idempotencyRecords.key(scope, key), { ...record });

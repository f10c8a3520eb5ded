/**
 * Once-only guards of the intake channels: an item under a lead's natural key (a Facebook leadgen
 * id, an agency's externalId, a CSV row's hash), written in the same transaction as the inbox entry
 * it let through, kept for good or, with a `ttl`, for a while. Each channel declares its own guard.
 */
import * as z from 'zod/mini';
import { defineEntity, type Key } from '../shared/entity.ts';

/** What a guard stores: the entry it let through, when, and until when it guards (none: for good). */
export const LeadGuardRecord = z.lazy(() =>
  z.object({
    inboxEntryId: z.string(),
    createdAt: z.string(),
    ttl: z.optional(z.number()),
  }),
);
export type LeadGuardRecord = z.infer<typeof LeadGuardRecord>;

/** Every channel's guard is at schema version 1. */
const leadGuardVersion = 1;

/**
 * A channel's guard, keyed `<partitionPrefix><natural key parts joined by #>` / `<sort>`. It is
 * found by the lead's natural key, which it does not store, so its item is built with the key
 * given apart: `leadGuardItem`, never `item()`.
 */
export const defineLeadGuard = (name: string, partitionPrefix: string, sort: string) =>
  defineEntity({
    name,
    version: leadGuardVersion,
    schema: LeadGuardRecord,
    key: (...parts: string[]): Key => ({ pk: `${partitionPrefix}${parts.join('#')}`, sk: sort }),
    keyOf: (): string[] => {
      throw new Error(`a ${name} is keyed by the lead's natural key, which it does not store: use leadGuardItem`);
    },
  });

export type LeadGuardEntity = ReturnType<typeof defineLeadGuard>;

/** The item of a guard (the entity named `entity`) under its key. */
export const leadGuardItem = (key: Key, entity: string, record: LeadGuardRecord): Record<string, unknown> => ({
  ...key,
  _et: entity,
  _v: leadGuardVersion,
  ...record,
});

/**
 * The guard of an imported row (`IMPORTROW#<hash>`): written by the duplicate-check worker in the
 * transaction that indexes the row's entry, not by the import (import-batch.ts says why). A later
 * import of the same row, by any import, finds it and skips the row.
 */
import * as z from 'zod/mini';
import type { InboxEntry } from '../../domain/inbox/inbox-entry.ts';
import { leadGuardItem } from '../inbox/lead-guard.entity.ts';
import type { TransactItem } from '../shared/entity.ts';
import { importedRows } from './import.entity.ts';

/** What the import keeps of a row in its entry's `raw` (run-import.ts); entries stored before have no hash. */
const ImportedRowOrigin = z.object({ importId: z.string(), row: z.number(), rowHash: z.optional(z.string()) });

/** Which import and row stored an entry, from its `raw`; null for an entry no import stored. */
export const importedRowOrigin = (raw: unknown): z.infer<typeof ImportedRowOrigin> | null => {
  const origin = ImportedRowOrigin.safeParse(raw);
  return origin.success ? origin.data : null;
};

/**
 * The put of an imported entry's row guard, or null for an entry that no import stored (or one
 * stored before imports kept the row's hash). It does not take a guard another entry holds: that
 * entry is the row's first import, and this one a twin its duplicate check shows.
 */
export const importedRowGuardPut = (tableName: string, entry: InboxEntry): TransactItem | null => {
  if (entry.source !== 'csv') return null;
  const rowHash = importedRowOrigin(entry.raw)?.rowHash;
  if (rowHash === undefined) return null;
  return {
    Put: {
      TableName: tableName,
      Item: leadGuardItem(importedRows.key(rowHash), importedRows.name, {
        inboxEntryId: entry.id,
        createdAt: entry.createdAt,
      }),
      ConditionExpression: 'attribute_not_exists(pk) OR inboxEntryId = :entry',
      ExpressionAttributeValues: { ':entry': entry.id },
    },
  };
};

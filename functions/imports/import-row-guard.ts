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

/** What the import keeps of a row in its entry's `raw` (run-import.ts). */
const ImportedRowOrigin = z.object({ importId: z.string(), row: z.number(), rowHash: z.string() });

/**
 * The put of an imported entry's row guard, or null for an entry that no import stored (or one
 * stored before imports kept the row's hash). It does not take a guard another entry holds: that
 * entry is the row's first import, and this one a twin its duplicate check shows.
 */
export const importedRowGuardPut = (tableName: string, entry: InboxEntry): TransactItem | null => {
  if (entry.source !== 'csv') return null;
  const origin = ImportedRowOrigin.safeParse(entry.raw);
  if (!origin.success) return null;
  return {
    Put: {
      TableName: tableName,
      Item: leadGuardItem(importedRows.key(origin.data.rowHash), importedRows.name, {
        inboxEntryId: entry.id,
        createdAt: entry.createdAt,
      }),
      ConditionExpression: 'attribute_not_exists(pk) OR inboxEntryId = :entry',
      ExpressionAttributeValues: { ':entry': entry.id },
    },
  };
};

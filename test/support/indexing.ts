/**
 * The duplicate-check worker's first step for tests without a worker: intake stores an entry alone,
 * and the worker indexes it (search and lookup items) before it is found by `q` or by another check.
 * This indexes every entry of the table whose check is still pending, as the worker would.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createInboxEntryRepository } from '../../functions/inbox/inbox-entry.repository.ts';

export const indexPendingEntries = async (doc: DynamoDBDocumentClient, tableName: string): Promise<number> => {
  const inbox = createInboxEntryRepository(doc, tableName);
  const pending = await inbox.listPendingChecks('\uffff', 1_000);
  for (const { id } of pending) {
    const entry = await inbox.get(id, { consistent: true });
    if (entry) await inbox.index(entry);
  }
  return pending.length;
};

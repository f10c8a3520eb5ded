/**
 * The duplicate-check worker's batch step: indexes several entries in as few transactions as hold
 * their writes (at most 100 items each), each entry on the condition that it is still the version
 * given, one commit instead of one per entry. A conflict is tried again; an entry whose condition
 * failed (changed meanwhile, its imported row's guard another entry's) leaves the batch and the
 * rest go again once; what is not indexed here, each check indexes itself. Answers the ids it
 * indexed. Worker-only, so the API functions that read and write entries do not carry it.
 */
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { InboxEntry } from '../../domain/inbox/inbox-entry.ts';
import { entryIndexWrites } from '../inbox/inbox-entry.repository.ts';
import type { TransactItem } from '../shared/entity.ts';
import { logger } from '../shared/logger.ts';
import { isTransactionConflict, retrying } from '../shared/retry.ts';
import { createStore } from '../shared/store.ts';
import { tableDefinition } from '../shared/table.ts';

/** DynamoDB's limit on the items of one transaction. */
const maxTransactionItems = 100;

export type IndexMany = (entries: readonly InboxEntry[]) => Promise<Set<string>>;

export const createBatchIndexer = (doc: DynamoDBDocumentClient, tableName: string): IndexMany => {
  const store = createStore(doc, tableName);
  return async (entries: readonly InboxEntry[]): Promise<Set<string>> => {
    type Part = { id: string; writes: TransactItem[]; guardKey: string | null };
    const groups: Part[][] = [];
    let group: Part[] = [];
    const size = (parts: readonly Part[]) => parts.reduce((n, p) => n + p.writes.length, 0);
    for (const entry of entries) {
      const { items, guard } = entryIndexWrites(tableName, entry);
      const writes = guard ? [...items, guard] : items;
      if (writes.length > maxTransactionItems) continue;
      const guardItem = guard?.Put?.Item;
      const guardKey = guardItem
        ? `${String(guardItem[tableDefinition.partitionKey])}|${String(guardItem[tableDefinition.sortKey])}`
        : null;
      // a transaction takes no item twice: twins of one imported row (one guard) go to separate groups
      const twin = guardKey !== null && group.some((p) => p.guardKey === guardKey);
      if (twin || size(group) + writes.length > maxTransactionItems) {
        groups.push(group);
        group = [];
      }
      group.push({ id: entry.id, writes, guardKey });
    }
    groups.push(group);
    const indexed = new Set<string>();
    for (let parts of groups) {
      // a part whose condition failed (an entry changed, a row's guard taken) leaves; the rest go again, once
      for (let round = 1; parts.length > 0 && round <= 2; round += 1) {
        try {
          const attempt = parts;
          await retrying(() => store.transact(attempt.flatMap((p) => p.writes)), {
            attempts: 3,
            retryable: isTransactionConflict,
          });
          for (const p of parts) indexed.add(p.id);
          break;
        } catch (error) {
          const reasons = error instanceof TransactionCanceledException ? (error.CancellationReasons ?? []) : null;
          logger.warn('a batch of entries could not be indexed together; they are indexed one by one', {
            reason: error instanceof Error ? error.name : String(error),
            entries: parts.length,
          });
          if (!reasons) break;
          let at = 0;
          const failed = new Set<string>();
          for (const p of parts) {
            const mine = reasons.slice(at, at + p.writes.length);
            if (mine.some((r) => r.Code === 'ConditionalCheckFailed')) failed.add(p.id);
            at += p.writes.length;
          }
          if (failed.size === 0) break;
          parts = parts.filter((p) => !failed.has(p.id));
        }
      }
    }
    return indexed;
  };
};

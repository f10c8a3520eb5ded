/**
 * The write every intake channel makes: a new inbox entry with its once-only guards, all or
 * nothing, and nothing else (store first, index next: the duplicate-check worker writes its search
 * and lookup items). Apart from the repository so that the intake functions bundle none of the
 * matching code (phone numbering metadata, phonetics) they never run.
 */
import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { InboxEntry } from '../../domain/inbox/inbox-entry.ts';
import { conflict } from '../../domain/shared/errors.ts';
import type { Key, TransactItem } from '../shared/entity.ts';
import { countMetric, metricNames } from '../shared/metrics.ts';
import { isTransactionConflict, retrying } from '../shared/retry.ts';
import { createStore } from '../shared/store.ts';
import { tableDefinition } from '../shared/table.ts';
import { inboxEntries, isSpam } from './inbox-entry.entity.ts';

/** A once-only guard written with a new entry: the item (built by its entity) under its key. */
export type IdempotencyWrite = { key: Key; record: Record<string, unknown>; nowEpoch: number };

export class IdempotencyKeyTakenError extends Error {
  override readonly name = 'IdempotencyKeyTakenError';
  /** which of the guards written with the entry was taken (the first one, when several were) */
  readonly guardIndex: number;
  constructor(message: string, options: { cause?: unknown; guardIndex?: number } = {}) {
    super(message, { cause: options.cause });
    this.guardIndex = options.guardIndex ?? 0;
  }
}

/** A lead stored, by its channel; spam is kept apart, not counted as a lead. */
const countLead = (entry: InboxEntry): void => {
  if (!isSpam(entry)) countMetric(metricNames.leadsAccepted, 1, { channel: entry.source });
};

export const createInboxEntryWriter = (doc: DynamoDBDocumentClient, tableName: string) => {
  const store = createStore(doc, tableName);
  return {
    /** Stores a new entry with its once-only guards (an idempotency record, a channel's guards), all or nothing. */
    async create(entry: InboxEntry, idempotency?: IdempotencyWrite | readonly IdempotencyWrite[]): Promise<void> {
      const guards: readonly IdempotencyWrite[] =
        idempotency === undefined ? [] : 'key' in idempotency ? [idempotency] : idempotency;
      // store first, index next: the search and lookup items are the duplicate-check worker's to write
      const items: TransactItem[] = [inboxEntries.put(tableName, entry, { expression: 'attribute_not_exists(pk)' })];
      const firstGuard = items.length;
      for (const guard of guards) {
        items.push({
          Put: {
            TableName: tableName,
            Item: { ...guard.key, ...guard.record },
            // DynamoDB Local never expires items, so an expired record counts as absent here too.
            ConditionExpression: 'attribute_not_exists(pk) OR #ttl <= :now',
            ExpressionAttributeNames: { '#ttl': tableDefinition.ttlAttribute },
            ExpressionAttributeValues: { ':now': guard.nowEpoch },
          },
        });
      }
      if (guards.length === 0) {
        // nothing to write with it: a plain conditional put, half a transaction's price and faster
        try {
          await store.put(inboxEntries, entry, { expression: 'attribute_not_exists(pk)' });
          countLead(entry);
          return;
        } catch (error) {
          if (error instanceof ConditionalCheckFailedException) {
            throw conflict('already-exists', `inbox entry ${entry.id} exists already`);
          }
          throw error;
        }
      }
      try {
        // two deliveries of one lead at the same moment (a double click, a retry while the first still
        // runs) conflict on its guard: once the other has committed, this one finds the guard taken
        await retrying(() => store.transact(items), { attempts: 5, retryable: isTransactionConflict });
        countLead(entry);
      } catch (error) {
        if (error instanceof TransactionCanceledException) {
          const reasons = error.CancellationReasons ?? [];
          const taken = reasons.slice(firstGuard).findIndex((r) => r.Code === 'ConditionalCheckFailed');
          if (taken >= 0) {
            throw new IdempotencyKeyTakenError('idempotency key used already', { cause: error, guardIndex: taken });
          }
          if (reasons[0]?.Code === 'ConditionalCheckFailed') {
            throw conflict('already-exists', `inbox entry ${entry.id} exists already`);
          }
        }
        throw error;
      }
    },
  };
};

export type InboxEntryWriter = ReturnType<typeof createInboxEntryWriter>;

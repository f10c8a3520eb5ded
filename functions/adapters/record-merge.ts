/**
 * Merging two records of a kind in steps that survive a crash: (1) in one transaction the survivor
 * takes the duplicate's data and lookup keys and the duplicate is marked `mergingInto`; (2) the
 * duplicate's links move to the survivor in chunks of transactions, each conditional on the link
 * still pointing at the duplicate; (3) the duplicate becomes a tombstone naming the survivor.
 * Running it again after a crash continues where it stopped; running it after it finished changes nothing.
 */
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import * as z from 'zod/mini';
import { conflict } from '../../domain/shared/errors.ts';
import {
  entityTags,
  pendingMerge,
  pendingMergesPartition,
  type RecordKind,
  type RecordRef,
  recordKey,
  referenceKey,
  referencesTo,
} from '../shared/table.ts';
import type { RecordStore, StoredRecord } from './contact-records.ts';
import { lookupWrites, type TransactItem } from './match-lookups.ts';
import { moveReference, referenceWrites } from './references.ts';

/** Links moved per transaction: three writes each, within DynamoDB's 100 items per transaction. */
export const mergeChunkSize = 25;
/** Attempts for a chunk that keeps colliding with concurrent edits before the merge reports a conflict. */
const maxChunkAttempts = 8;

const ReferenceItem = z.object({
  fromKind: z.enum(['PERSON', 'COMPANY', 'INBOX', 'OPP', 'ACT']),
  fromId: z.string(),
  field: z.string(),
});

export type MergeHooks = {
  /** called after each chunk's transaction; tests stop a merge halfway through it */
  afterChunk?: (moved: number) => Promise<void> | void;
};

/** A merge that started and has not finished: the duplicate, what it merges into, and since when. */
export type PendingMerge = { kind: RecordKind; duplicateId: string; survivorId: string; startedAt: string };

const PendingMergeItem = z.object({ id: z.string(), mergingInto: z.string(), gsi3sk: z.string() });

/** Merges started before `startedBefore` and not finished, oldest first (sparse gsi3, never a Scan). */
export const listPendingMerges = async (
  doc: DynamoDBDocumentClient,
  tableName: string,
  startedBefore: string,
  limit: number,
): Promise<PendingMerge[]> => {
  const res = await doc.send(
    new QueryCommand({
      TableName: tableName,
      IndexName: 'gsi3',
      KeyConditionExpression: 'gsi3pk = :pk AND gsi3sk < :before',
      ExpressionAttributeValues: { ':pk': pendingMergesPartition, ':before': startedBefore },
      Limit: limit,
    }),
  );
  return (res.Items ?? []).flatMap((item) => {
    const parsed = PendingMergeItem.safeParse(item);
    if (!parsed.success) return [];
    const [startedAt = '', kind = ''] = parsed.data.gsi3sk.split('#');
    return kind === 'PERSON' || kind === 'COMPANY'
      ? [{ kind, duplicateId: parsed.data.id, survivorId: parsed.data.mergingInto, startedAt }]
      : [];
  });
};

export const createRecordMerger = <T extends StoredRecord>(
  doc: DynamoDBDocumentClient,
  tableName: string,
  store: RecordStore<T>,
  hooks: MergeHooks = {},
) => {
  const kind: RecordKind = store.spec.kind;
  const ref = (id: string): RecordRef => ({ kind, id });

  const transact = async (items: TransactItem[]): Promise<'done' | 'collided'> => {
    try {
      await doc.send(new TransactWriteCommand({ TransactItems: items }));
      return 'done';
    } catch (error) {
      if (error instanceof TransactionCanceledException) return 'collided';
      throw error;
    }
  };

  /**
   * A reference item whose record no longer points at the duplicate (its link was moved by another
   * merge, or the record is gone) would fail its chunk forever: it is deleted, the link left as it is.
   */
  const dropStaleReferences = async (links: readonly z.infer<typeof ReferenceItem>[], duplicateId: string) => {
    for (const link of links) {
      const from: RecordRef = { kind: link.fromKind, id: link.fromId };
      const res = await doc.send(new GetCommand({ TableName: tableName, Key: recordKey(from), ConsistentRead: true }));
      if (res.Item?.[link.field] === duplicateId) continue;
      await doc.send(
        new DeleteCommand({ TableName: tableName, Key: referenceKey(ref(duplicateId), from, link.field) }),
      );
    }
  };

  return {
    /** Step 1: the survivor absorbs the duplicate (`absorbed`), and the duplicate is marked as merging into it. */
    async start(survivor: T, absorbed: T, duplicate: T, now: Date): Promise<void> {
      const dupLookups = store.spec.lookups(duplicate);
      const pending = pendingMerge(now.toISOString(), kind, duplicate.id);
      const items: TransactItem[] = [
        {
          Update: {
            TableName: tableName,
            Key: recordKey(ref(duplicate.id)),
            // the sparse index lets the merge resumer finish a merge whose caller never came back
            UpdateExpression:
              'SET mergingInto = :survivor, version = version + :one, gsi3pk = :pendingPk, gsi3sk = :pendingSk',
            ConditionExpression:
              'version = :version AND attribute_not_exists(mergedInto) AND attribute_not_exists(mergingInto)',
            ExpressionAttributeValues: {
              ':survivor': survivor.id,
              ':one': 1,
              ':version': duplicate.version,
              ':pendingPk': pending.gsi3pk,
              ':pendingSk': pending.gsi3sk,
            },
          },
        },
        {
          Put: {
            TableName: tableName,
            Item: store.item(absorbed),
            ConditionExpression:
              'version = :expected AND attribute_not_exists(mergingInto) AND attribute_not_exists(mergedInto)',
            ExpressionAttributeValues: { ':expected': survivor.version },
          },
        },
        ...store.companions(survivor, absorbed),
        ...lookupWrites(tableName, ref(duplicate.id), dupLookups, { keys: [], profiles: {} }),
      ];
      if ((await transact(items)) === 'collided') {
        throw conflict(
          'concurrent-change',
          `${store.spec.entity} ${survivor.id} or ${duplicate.id} changed during the merge; retry`,
        );
      }
    },

    /**
     * Step 2: moves the duplicate's links, a chunk per transaction, until none is left. `dropFor`
     * names linking records whose link would form a cycle through the survivor: theirs is removed.
     */
    async moveLinks(duplicateId: string, survivorId: string, dropFor: ReadonlySet<string>): Promise<number> {
      let moved = 0;
      let attempts = 0;
      for (;;) {
        const page = await doc.send(
          new QueryCommand({
            TableName: tableName,
            KeyConditionExpression: 'pk = :pk',
            ExpressionAttributeValues: { ':pk': referencesTo(ref(duplicateId)) },
            ConsistentRead: true,
            Limit: mergeChunkSize,
          }),
        );
        const links = (page.Items ?? []).map((item) => ReferenceItem.parse(item));
        if (links.length === 0) return moved;
        const now = new Date().toISOString();
        const items = links.flatMap((link) => {
          const from: RecordRef = { kind: link.fromKind, id: link.fromId };
          const target =
            from.kind === kind && (from.id === survivorId || dropFor.has(from.id)) ? null : ref(survivorId);
          return moveReference(tableName, from, link.field, ref(duplicateId), target, now);
        });
        if ((await transact(items)) === 'collided') {
          // a concurrent edit moved or changed one of these links; read the partition again
          attempts += 1;
          if (attempts === maxChunkAttempts - 1) await dropStaleReferences(links, duplicateId);
          if (attempts >= maxChunkAttempts) {
            throw conflict('concurrent-change', `links of ${duplicateId} keep changing during the merge; retry`);
          }
          await new Promise((resolve) => setTimeout(resolve, 20 * 2 ** attempts));
          continue;
        }
        attempts = 0;
        moved += links.length;
        await hooks.afterChunk?.(moved);
      }
    },

    /** Step 3: the duplicate becomes a tombstone; its search items and its own links go with it. */
    async finish(duplicate: T, survivorId: string, now: Date): Promise<void> {
      const items: TransactItem[] = [
        {
          Put: {
            TableName: tableName,
            Item: {
              ...recordKey(ref(duplicate.id)),
              ...entityTags(store.spec.entity, 1),
              id: duplicate.id,
              mergedInto: survivorId,
              mergedAt: now.toISOString(),
            },
            ConditionExpression: 'mergingInto = :survivor',
            ExpressionAttributeValues: { ':survivor': survivorId },
          },
        },
        ...store.searchWrites(duplicate, null),
        ...referenceWrites(tableName, ref(duplicate.id), store.spec.references(duplicate), []),
        // step 1 removed them; a maintenance run meanwhile (the backfill) must not leave a ghost candidate
        ...lookupWrites(tableName, ref(duplicate.id), store.spec.lookups(duplicate), { keys: [], profiles: {} }),
      ];
      if ((await transact(items)) === 'collided') {
        throw conflict('concurrent-change', `${store.spec.entity} ${duplicate.id} changed while being merged; retry`);
      }
    },
  };
};

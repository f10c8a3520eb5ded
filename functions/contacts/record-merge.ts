/**
 * Merging two records of a kind in steps that survive a crash: (1) in one transaction the survivor
 * takes the duplicate's data and lookup keys and the duplicate is marked `mergingInto`; (2) the
 * duplicate's links move to the survivor in chunks of transactions, each conditional on the link
 * still pointing at the duplicate; (3) the duplicate becomes a tombstone naming the survivor.
 * Running it again after a crash continues where it stopped; running it after it finished changes nothing.
 */
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { conflict } from '../../domain/shared/errors.ts';
import { lookupWrites } from '../duplicates/match-lookups.ts';
import type { TransactItem } from '../shared/entity.ts';
import { retrying } from '../shared/retry.ts';
import { createStore } from '../shared/store.ts';
import type { RecordStore, StoredRecord } from './contact-records.ts';
import { type PendingMerge, pendingMerges } from './merge-state.entity.ts';
import { type RecordKind, type RecordRef, recordKey, references } from './reference.entity.ts';
import { moveReference, pointsAt, referenceWrites } from './references.ts';

export type { PendingMerge };

/** Links moved per transaction: three writes each, within DynamoDB's 100 items per transaction. */
export const mergeChunkSize = 25;
/** Attempts for a chunk that keeps colliding with concurrent edits before the merge reports a conflict. */
const maxChunkAttempts = 8;

type Link = { fromKind: RecordKind; fromId: string; field: string };

export type MergeHooks = {
  /** called after each chunk's transaction; tests stop a merge halfway through it */
  afterChunk?: (moved: number) => Promise<void> | void;
};

/** Merges started before `startedBefore` and not finished, oldest first (sparse gsi3, never a Scan). */
export const listPendingMerges = async (
  doc: DynamoDBDocumentClient,
  tableName: string,
  startedBefore: string,
  limit: number,
): Promise<PendingMerge[]> => {
  const page = await createStore(doc, tableName).queryItems(pendingMerges.patterns.startedBefore(startedBefore), {
    limit,
  });
  return page.items.flatMap((item) => pendingMerges.parse(item) ?? []);
};

export const createRecordMerger = <T extends StoredRecord>(
  doc: DynamoDBDocumentClient,
  tableName: string,
  records: RecordStore<T>,
  hooks: MergeHooks = {},
) => {
  const store = createStore(doc, tableName);
  const kind = records.spec.kind;
  const what = records.spec.entity.name;
  const ref = (id: string) => ({ kind, id });

  const transact = async (items: TransactItem[]): Promise<'done' | 'collided'> => {
    try {
      await store.transact(items);
      return 'done';
    } catch (error) {
      if (error instanceof TransactionCanceledException) return 'collided';
      throw error;
    }
  };

  /** The first chunk of links to a record, read strongly consistent. */
  const linksTo = async (id: string): Promise<Link[]> =>
    (await store.query(references, references.patterns.to(ref(id)), { consistent: true, limit: mergeChunkSize })).items;

  /**
   * A reference item whose record no longer points at the duplicate (its link was moved by another
   * merge, or the record is gone) would fail its chunk forever: it is deleted, the link left as it is.
   */
  const dropStaleReferences = async (links: readonly Link[], duplicateId: string) => {
    for (const link of links) {
      const from: RecordRef = { kind: link.fromKind, id: link.fromId };
      const linking = await store.getItem(recordKey(from), { consistent: true });
      if (pointsAt(linking, link.field, ref(duplicateId))) continue;
      await store.delete(references.key(ref(duplicateId), from, link.field));
    }
  };

  return {
    /** Step 1: the survivor absorbs the duplicate (`absorbed`), and the duplicate is marked as merging into it. */
    async start(survivor: T, absorbed: T, duplicate: T, now: Date): Promise<void> {
      const dupLookups = records.spec.lookups(duplicate);
      const pending = pendingMerges.indexKey(now.toISOString(), kind, duplicate.id);
      const items: TransactItem[] = [
        {
          Update: {
            TableName: tableName,
            Key: records.spec.entity.key(duplicate.id),
            // the sparse index lets the merge resumer finish a merge whose caller never came back
            UpdateExpression:
              'SET mergingInto = :survivor, version = version + :one, #pendingPk = :pendingPk, #pendingSk = :pendingSk',
            ConditionExpression:
              'version = :version AND attribute_not_exists(mergedInto) AND attribute_not_exists(mergingInto)',
            ExpressionAttributeNames: {
              '#pendingPk': pendingMerges.attributes.pk,
              '#pendingSk': pendingMerges.attributes.sk,
            },
            ExpressionAttributeValues: {
              ':survivor': survivor.id,
              ':one': 1,
              ':version': duplicate.version,
              ':pendingPk': pending.pk,
              ':pendingSk': pending.sk,
            },
          },
        },
        {
          Put: {
            TableName: tableName,
            Item: records.item(absorbed),
            ConditionExpression:
              'version = :expected AND attribute_not_exists(mergingInto) AND attribute_not_exists(mergedInto)',
            ExpressionAttributeValues: { ':expected': survivor.version },
          },
        },
        ...records.companions(survivor, absorbed),
        ...lookupWrites(tableName, ref(duplicate.id), dupLookups, { keys: [], profiles: {} }),
      ];
      if ((await transact(items)) === 'collided') {
        throw conflict(
          'concurrent-change',
          `${what} ${survivor.id} or ${duplicate.id} changed during the merge; retry`,
        );
      }
    },

    /**
     * Step 2: moves the duplicate's links, a chunk per transaction, until none is left. `dropFor`
     * names linking records whose link would form a cycle through the survivor: theirs is removed.
     */
    async moveLinks(duplicateId: string, survivorId: string, dropFor: ReadonlySet<string>): Promise<number> {
      let moved = 0;
      for (;;) {
        const chunk = await retrying(
          async (attempt) => {
            // links that keep colliding may be stale (moved by another merge): before the last try they are dropped
            if (attempt === maxChunkAttempts) await dropStaleReferences(await linksTo(duplicateId), duplicateId);
            const links = await linksTo(duplicateId);
            if (links.length === 0) return 0;
            const now = new Date().toISOString();
            const items = links.flatMap((link) => {
              const from: RecordRef = { kind: link.fromKind, id: link.fromId };
              const target =
                from.kind === kind && (from.id === survivorId || dropFor.has(from.id)) ? null : ref(survivorId);
              return moveReference(tableName, from, link.field, ref(duplicateId), target, now);
            });
            // cancelled when a concurrent edit moved or changed one of these links: the partition is read again
            await store.transact(items);
            return links.length;
          },
          {
            attempts: maxChunkAttempts,
            retryable: (error) => error instanceof TransactionCanceledException,
            basePauseMs: 40,
            maxPauseMs: 2_560,
          },
        ).catch((error: unknown) => {
          if (error instanceof TransactionCanceledException)
            throw conflict('concurrent-change', `links of ${duplicateId} keep changing during the merge; retry`);
          throw error;
        });
        if (chunk === 0) return moved;
        moved += chunk;
        await hooks.afterChunk?.(moved);
      }
    },

    /** Step 3: the duplicate becomes a tombstone; its search items and its own links go with it. */
    async finish(duplicate: T, survivorId: string, now: Date): Promise<void> {
      const items: TransactItem[] = [
        records.spec.tombstones.put(
          tableName,
          { id: duplicate.id, mergedInto: survivorId, mergedAt: now.toISOString() },
          { expression: 'mergingInto = :survivor', values: { ':survivor': survivorId } },
        ),
        ...records.searchWrites(duplicate, null),
        ...referenceWrites(tableName, ref(duplicate.id), records.spec.references(duplicate), []),
        // step 1 removed them; a maintenance run meanwhile (the backfill) must not leave a ghost candidate
        ...lookupWrites(tableName, ref(duplicate.id), records.spec.lookups(duplicate), { keys: [], profiles: {} }),
      ];
      if ((await transact(items)) === 'collided') {
        throw conflict('concurrent-change', `${what} ${duplicate.id} changed while being merged; retry`);
      }
    },
  };
};

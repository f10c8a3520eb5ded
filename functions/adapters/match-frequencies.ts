/**
 * Frequency counters of duplicate protection: how many stored persons and companies carry each value,
 * as sharded counter items. Checks read the counters of their probe's values (one Query per value, a
 * bounded number); the frequency counter applies each record change once; the backfill overwrites
 * them with counts made from the records themselves.
 */
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  BatchWriteCommand,
  type DynamoDBDocumentClient,
  QueryCommand,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import * as z from 'zod/mini';
import { type CountedValue, type Frequencies, frequenciesFrom } from '../../domain/duplicates/frequencies.ts';
import {
  entityTags,
  frequencyCounterKey,
  frequencyEventKey,
  frequencyPartition,
  frequencyShards,
} from '../shared/table.ts';
import type { TransactItem } from './match-lookups.ts';

/** DynamoDB's limits: 25 puts per BatchWriteItem, 100 items per transaction. */
const batchWriteLimit = 25;
const transactionLimit = 100;

/** A counted change's guard lives longer than the 24 hours a stream keeps a change, so a redelivery always meets it. */
const eventGuardSeconds = 48 * 3600;

const Counter = z.object({ value: z.string(), count: z.number() });

const pause = (attempt: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, Math.min(1000, 25 * 2 ** attempt) * (0.5 + Math.random() / 2)));

/** The shard a record's changes count into: always the same for one record, spread across records. */
export const shardOf = (recordId: string): number => {
  let hash = 0;
  for (const ch of recordId) hash = (hash * 31 + ch.charCodeAt(0)) >>> 0;
  return hash % frequencyShards;
};

export type FrequencyRead = {
  frequencies: Frequencies;
  requests: number;
  consumedCapacity: number;
  /** values nobody carries yet (DynamoDB Local reports no capacity for them; AWS bills 0.5 RCU each) */
  emptyReads: number;
};

export const createFrequencyReader = (doc: DynamoDBDocumentClient, tableName: string) => ({
  /**
   * The counts of `values` (each the sum of its shards): one Query per value, in parallel, whatever
   * the number of records; a value never counted reads as 0.
   */
  async read(values: readonly CountedValue[]): Promise<FrequencyRead> {
    const distinct = [...new Set(values)];
    const pages = await Promise.all(
      distinct.map((value) =>
        doc.send(
          new QueryCommand({
            TableName: tableName,
            KeyConditionExpression: 'pk = :pk',
            ExpressionAttributeValues: { ':pk': frequencyPartition(value) },
            ReturnConsumedCapacity: 'TOTAL',
          }),
        ),
      ),
    );
    const counts = new Map<CountedValue, number>();
    for (const page of pages) {
      for (const item of page.Items ?? []) {
        const parsed = Counter.safeParse(item);
        if (parsed.success) counts.set(parsed.data.value, (counts.get(parsed.data.value) ?? 0) + parsed.data.count);
      }
    }
    return {
      frequencies: frequenciesFrom(counts),
      requests: pages.length,
      consumedCapacity: pages.reduce((sum, p) => sum + (p.ConsumedCapacity?.CapacityUnits ?? 0), 0),
      emptyReads: pages.filter((p) => (p.Items?.length ?? 0) === 0).length,
    };
  },
});

export type FrequencyReader = ReturnType<typeof createFrequencyReader>;

const counterUpdate = (tableName: string, value: CountedValue, shard: number, by: number): TransactItem => ({
  Update: {
    TableName: tableName,
    Key: frequencyCounterKey(value, shard),
    UpdateExpression: 'SET #et = :et, #v = :v, #value = :value ADD #count :by',
    ExpressionAttributeNames: { '#et': '_et', '#v': '_v', '#value': 'value', '#count': 'count' },
    ExpressionAttributeValues: { ':et': 'frequency', ':v': 1, ':value': value, ':by': by },
  },
});

/** Transaction conflicts on a busy counter are retried this often before the change is handed back to its stream. */
const maxConflictAttempts = 6;

export const createFrequencyCounter = (doc: DynamoDBDocumentClient, tableName: string) => ({
  /**
   * Applies one record change (`eventId`: its stream event) to the counters exactly once: the
   * change's guard and every counter update are one transaction, so a redelivered change finds its
   * guard and changes nothing. Guards expire after two days (reads here treat an expired one as gone,
   * since DynamoDB Local never deletes).
   */
  async apply(
    eventId: string,
    shard: number,
    delta: ReadonlyMap<CountedValue, number>,
    now: Date,
  ): Promise<'applied' | 'already-applied'> {
    const updates = [...delta].map(([value, by]) => counterUpdate(tableName, value, shard, by));
    // one record counts under at most ~20 values; a change moves at most twice that
    if (updates.length + 1 > transactionLimit)
      throw new Error(`a change of ${updates.length} counters exceeds one transaction`);
    const nowSeconds = Math.floor(now.getTime() / 1000);
    const items: TransactItem[] = [
      {
        Put: {
          TableName: tableName,
          Item: {
            ...frequencyEventKey(eventId),
            ...entityTags('frequency-event', 1),
            ttl: nowSeconds + eventGuardSeconds,
          },
          ConditionExpression: 'attribute_not_exists(pk) OR #ttl < :now',
          ExpressionAttributeNames: { '#ttl': 'ttl' },
          ExpressionAttributeValues: { ':now': nowSeconds },
        },
      },
      ...updates,
    ];
    for (let attempt = 1; ; attempt++) {
      try {
        await doc.send(new TransactWriteCommand({ TransactItems: items }));
        return 'applied';
      } catch (error) {
        if (!(error instanceof TransactionCanceledException)) throw error;
        const reasons = error.CancellationReasons ?? [];
        if (reasons[0]?.Code === 'ConditionalCheckFailed') return 'already-applied';
        // another change is updating one of these counters at this moment
        if (attempt >= maxConflictAttempts) throw error;
        await pause(attempt);
      }
    }
  },

  /**
   * Sets every counter of `counts` to its count (shard 0 holds it, the other shards 0): the backfill's
   * write, which makes the counters agree with the records again whatever they held before.
   */
  async overwrite(counts: ReadonlyMap<CountedValue, number>): Promise<number> {
    const items = [...counts].flatMap(([value, count]) =>
      Array.from({ length: frequencyShards }, (_, shard) => ({
        ...frequencyCounterKey(value, shard),
        ...entityTags('frequency', 1),
        value,
        count: shard === 0 ? count : 0,
      })),
    );
    for (let i = 0; i < items.length; i += batchWriteLimit) {
      let requests: { PutRequest: { Item: Record<string, unknown> } }[] = items
        .slice(i, i + batchWriteLimit)
        .map((Item) => ({ PutRequest: { Item } }));
      for (let attempt = 0; requests.length > 0; attempt++) {
        if (attempt > 0) await pause(attempt);
        const res = await doc.send(new BatchWriteCommand({ RequestItems: { [tableName]: requests } }));
        requests = (res.UnprocessedItems?.[tableName] ?? []).flatMap((r) =>
          r.PutRequest?.Item ? [{ PutRequest: { Item: r.PutRequest.Item } }] : [],
        );
      }
    }
    return items.length;
  },
});

export type FrequencyCounter = ReturnType<typeof createFrequencyCounter>;

/**
 * Frequency counters of duplicate protection: how many stored persons and companies carry each value,
 * as sharded counter items. Checks read the counters of their probe's values (one Query per value, a
 * bounded number); the frequency counter applies each record change once; the backfill overwrites
 * them with counts made from the records themselves.
 */
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { type CountedValue, type Frequencies, frequenciesFrom } from '../../domain/duplicates/frequencies.ts';
import type { TransactItem } from '../shared/entity.ts';
import { keptReads } from '../shared/kept-reads.ts';
import { retrying } from '../shared/retry.ts';
import { createStore, patternQuery } from '../shared/store.ts';
import { tableDefinition } from '../shared/table.ts';
import {
  addToCounter,
  frequencyCounterItem,
  frequencyCounters,
  frequencyEventItem,
  frequencyShards,
} from './frequency-counter.entity.ts';

/** DynamoDB's limit: 100 items per transaction. */
const transactionLimit = 100;

/** A counted change's guard lives longer than the 24 hours a stream keeps a change, so a redelivery always meets it. */
const eventGuardSeconds = 48 * 3600;

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

/**
 * How long a container keeps a value's count: counts weigh candidates (a rare surname counts more
 * than Müller), so a minute's lag changes nothing a user would notice, while a campaign's leads share
 * their city, postcode and often their company, whose counts would otherwise be read for every lead.
 */
export const frequencyCache = { ttlMs: 60_000, maxValues: 20_000 } as const;

type CounterRead = { count: number; capacity: number; empty: boolean };

export const createFrequencyReader = (doc: DynamoDBDocumentClient, tableName: string) => {
  const kept = keptReads<CounterRead>({ ttlMs: frequencyCache.ttlMs, max: frequencyCache.maxValues });
  /** One value's count: the sum of its shards, one Query. */
  const readValue = async (value: CountedValue): Promise<CounterRead> => {
    const page = await doc.send(
      new QueryCommand({
        ...patternQuery(tableName, frequencyCounters.patterns.ofValue(value)),
        ReturnConsumedCapacity: 'TOTAL',
      }),
    );
    let count = 0;
    for (const item of page.Items ?? []) {
      // counts are approximate by nature: a shard that does not read as a counter is left out
      // rather than failing every duplicate check of its value
      const parsed = frequencyCounters.schema.safeParse(item);
      if (parsed.success && parsed.data.value === value) count += parsed.data.count;
    }
    return { count, capacity: page.ConsumedCapacity?.CapacityUnits ?? 0, empty: (page.Items?.length ?? 0) === 0 };
  };
  return {
    /**
     * The counts of `values`: one Query per value not kept from a read of the last minute, in
     * parallel, whatever the number of records; a value never counted reads as 0.
     */
    async read(values: readonly CountedValue[]): Promise<FrequencyRead> {
      const distinct = [...new Set(values)];
      const readNow: CounterRead[] = [];
      const reads = await Promise.all(
        distinct.map(async (value) => {
          const counted = await kept.get(value, async () => {
            const read = await readValue(value);
            readNow.push(read);
            return read;
          });
          return [value, counted.count] as const;
        }),
      );
      return {
        frequencies: frequenciesFrom(new Map(reads.filter(([, count]) => count > 0))),
        requests: readNow.length,
        consumedCapacity: readNow.reduce((sum, read) => sum + read.capacity, 0),
        emptyReads: readNow.filter((read) => read.empty).length,
      };
    },
  };
};

export type FrequencyReader = ReturnType<typeof createFrequencyReader>;

const counterUpdate = (tableName: string, value: CountedValue, shard: number, by: number): TransactItem => {
  const add = addToCounter(value, by);
  return {
    Update: {
      TableName: tableName,
      Key: frequencyCounters.key(value, shard),
      UpdateExpression: add.expression,
      ExpressionAttributeNames: add.names,
      ExpressionAttributeValues: add.values,
    },
  };
};

/** The change's guard (the transaction's first item) was there: the change was counted before. */
const alreadyApplied = (error: unknown): boolean =>
  error instanceof TransactionCanceledException && error.CancellationReasons?.[0]?.Code === 'ConditionalCheckFailed';

/** Transaction conflicts on a busy counter are retried this often before the change is handed back to its stream. */
const maxConflictAttempts = 6;

export const createFrequencyCounter = (doc: DynamoDBDocumentClient, tableName: string) => {
  const store = createStore(doc, tableName);
  return {
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
            Item: frequencyEventItem(eventId, nowSeconds + eventGuardSeconds),
            ConditionExpression: 'attribute_not_exists(pk) OR #ttl < :now',
            ExpressionAttributeNames: { '#ttl': tableDefinition.ttlAttribute },
            ExpressionAttributeValues: { ':now': nowSeconds },
          },
        },
        ...updates,
      ];
      try {
        // cancelled otherwise, another change was updating one of these counters at this moment: tried again
        await retrying(() => store.transact(items), {
          attempts: maxConflictAttempts,
          retryable: (error) => error instanceof TransactionCanceledException && !alreadyApplied(error),
          basePauseMs: 50,
        });
        return 'applied';
      } catch (error) {
        if (alreadyApplied(error)) return 'already-applied';
        throw error;
      }
    },

    /**
     * Sets every counter of `counts` to its count (shard 0 holds it, the other shards 0): the backfill's
     * write, which makes the counters agree with the records again whatever they held before.
     */
    async overwrite(counts: ReadonlyMap<CountedValue, number>): Promise<number> {
      const items = [...counts].flatMap(([value, count]) =>
        Array.from({ length: frequencyShards }, (_, shard) =>
          frequencyCounterItem(value, shard, shard === 0 ? count : 0),
        ),
      );
      await store.writeAll(items.map((item) => ({ put: item })));
      return items.length;
    },
  };
};

export type FrequencyCounter = ReturnType<typeof createFrequencyCounter>;

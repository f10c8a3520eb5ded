/**
 * Reading and writing entities in the one table: a get, a page of an access pattern with the
 * opaque cursor API.md describes, a whole (short) partition, and the one batch helper — batch gets
 * and batch writes in DynamoDB's chunks, their unprocessed items sent again after a backoff.
 */
import {
  BatchGetCommand,
  BatchWriteCommand,
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  type QueryCommandInput,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { decodeCursor, decodeMergedCursor, encodeCursor, encodeMergedCursor } from './cursor.ts';
import {
  type AccessPattern,
  type Entity,
  indexAttributes,
  type Key,
  type ShardedPattern,
  type TransactItem,
} from './entity.ts';
import { mapBounded } from './map-bounded.ts';
import { backoffMs, sleep } from './retry.ts';
import { type IndexName, readIndexName, tableDefinition } from './table.ts';

/** DynamoDB's limits: 100 keys per BatchGetItem, 25 requests per BatchWriteItem. */
const batchGetLimit = 100;
const batchWriteLimit = 25;
/** Rounds of unprocessed items before a batch gives up (each after a doubling pause). */
const maxBatchRounds = 10;

// biome-ignore lint/suspicious/noExplicitAny: an entity of any record, key parts and patterns
type AnyEntity<T> = Entity<T, any, any>;

export type Page<T> = { items: T[]; nextCursor: string | null };

/** The Query of an access pattern: its partition, its sort range, its index. */
export const patternQuery = (
  tableName: string,
  pattern: AccessPattern,
): Pick<
  QueryCommandInput,
  'TableName' | 'IndexName' | 'KeyConditionExpression' | 'ExpressionAttributeNames' | 'ExpressionAttributeValues'
> => {
  const names =
    pattern.index === null
      ? { pk: tableDefinition.partitionKey, sk: tableDefinition.sortKey }
      : indexAttributes(pattern.index);
  const sort = pattern.sort;
  const values: Record<string, string> = { ':pk': pattern.partition };
  let condition = '#pk = :pk';
  if (sort && 'beginsWith' in sort) {
    condition += ' AND begins_with(#sk, :prefix)';
    values[':prefix'] = sort.beginsWith;
  } else if (sort?.below !== undefined) {
    condition += ' AND #sk < :below';
    values[':below'] = sort.below;
  } else if (sort?.from !== undefined && sort.to !== undefined) {
    condition += ' AND #sk BETWEEN :from AND :to';
    values[':from'] = sort.from;
    values[':to'] = sort.to;
  } else if (sort?.from !== undefined) {
    condition += ' AND #sk >= :from';
    values[':from'] = sort.from;
  } else if (sort?.to !== undefined) {
    condition += ' AND #sk <= :to';
    values[':to'] = sort.to;
  }
  const usesSort = condition.includes('#sk');
  return {
    TableName: tableName,
    ...(pattern.index === null ? {} : { IndexName: readIndexName(pattern.index) }),
    KeyConditionExpression: condition,
    ExpressionAttributeNames: { '#pk': names.pk, ...(usesSort ? { '#sk': names.sk } : {}) },
    ExpressionAttributeValues: values,
  };
};

/** A filter on the items a Query reads (attributes the key cannot express). */
export type QueryFilter = { expression: string; names: Record<string, string>; values: Record<string, unknown> };

/** Rounds of refills a merged page makes before it answers with what is certain (and a cursor). */
const maxMergeRounds = 8;

/** The end of every sort range (sort keys are text below U+FFFF). */
const openEnd = '\uffff';

/** A sort range as inclusive bounds (a key condition's BETWEEN) and the bounds to leave out. */
type SortRange = { low: string; high: string; lowExclusive?: string; highExclusive?: string };

const sortRange = (sort: AccessPattern['sort'], after: string | undefined, newestFirst: boolean): SortRange => {
  let range: SortRange = { low: '', high: openEnd };
  if (sort && 'beginsWith' in sort) range = { low: sort.beginsWith, high: `${sort.beginsWith}\uffff` };
  else if (sort?.below !== undefined) range = { low: sort.from ?? '', high: sort.below, highExclusive: sort.below };
  else if (sort) range = { low: sort.from ?? '', high: sort.to ?? openEnd };
  if (after === undefined) return range;
  // the cursor's item was returned: continue beyond it, within the range
  return newestFirst
    ? after < range.high
      ? { ...range, high: after, highExclusive: after }
      : range
    : after > range.low
      ? { ...range, low: after, lowExclusive: after }
      : range;
};

/**
 * Sends `requests` in chunks, each chunk's unprocessed part again after a backoff, until all are
 * done; `concurrency` chunks at a time (one by default).
 */
const inRounds = async <R>(
  requests: readonly R[],
  chunk: number,
  send: (part: R[]) => Promise<R[]>,
  concurrency = 1,
): Promise<void> => {
  const chunks: R[][] = [];
  for (let i = 0; i < requests.length; i += chunk) chunks.push(requests.slice(i, i + chunk));
  await mapBounded(chunks, concurrency, async (first) => {
    let pending = first;
    for (let round = 1; pending.length > 0; round += 1) {
      if (round > maxBatchRounds)
        throw new Error(`${pending.length} items stayed unprocessed after ${maxBatchRounds} rounds`);
      if (round > 1) await sleep(backoffMs(round - 1, 50, 2_000));
      pending = await send(pending);
    }
  });
};

export type WriteRequest = { put: Record<string, unknown> } | { delete: Key };

export type Condition = { expression: string; names?: Record<string, string>; values?: Record<string, unknown> };

const conditionInput = (condition: Condition) => ({
  ConditionExpression: condition.expression,
  ...(condition.names ? { ExpressionAttributeNames: condition.names } : {}),
  ...(condition.values ? { ExpressionAttributeValues: condition.values } : {}),
});

const putInput = (tableName: string, item: Record<string, unknown>, condition?: Condition) => ({
  TableName: tableName,
  Item: item,
  ...(condition ? conditionInput(condition) : {}),
});

export const createStore = (doc: DynamoDBDocumentClient, tableName: string) => {
  /** Raw items of many keys (any entities), found ones only, keyed `pk|sk`; `concurrency` requests at a time. */
  const getItems = async (
    keys: readonly Key[],
    consistent = false,
    concurrency = 1,
  ): Promise<Map<string, Record<string, unknown>>> => {
    const found = new Map<string, Record<string, unknown>>();
    const unique = [...new Map(keys.map((k) => [`${k.pk}|${k.sk}`, k])).values()];
    await inRounds(
      unique,
      batchGetLimit,
      async (part) => {
        const res = await doc.send(
          new BatchGetCommand({ RequestItems: { [tableName]: { Keys: part, ConsistentRead: consistent } } }),
        );
        for (const item of res.Responses?.[tableName] ?? []) found.set(`${String(item.pk)}|${String(item.sk)}`, item);
        return (res.UnprocessedKeys?.[tableName]?.Keys ?? []).map((k) => ({ pk: String(k.pk), sk: String(k.sk) }));
      },
      concurrency,
    );
    return found;
  };

  /**
   * The records of a page read from an index, in the page's order: the indexes project only keys and
   * the attributes lists filter on (functions/shared/table.ts), so a list reads its records whole by
   * key, one BatchGetItem per 100. A record deleted since the index was read is left out.
   */
  const hydrate = async (
    index: IndexName | null,
    items: Record<string, unknown>[],
  ): Promise<Record<string, unknown>[]> => {
    if (index === null || items.length === 0) return items;
    const keyOf = (item: Record<string, unknown>): Key => ({ pk: String(item.pk), sk: String(item.sk) });
    const found = await getItems(items.map(keyOf), false, 4);
    return items.flatMap((item): Record<string, unknown>[] => {
      const record = found.get(`${String(item.pk)}|${String(item.sk)}`);
      return record ? [record] : [];
    });
  };

  return {
    tableName,

    async getItem(key: Key, options: { consistent?: boolean } = {}): Promise<Record<string, unknown> | undefined> {
      const res = await doc.send(
        new GetCommand({ TableName: tableName, Key: key, ConsistentRead: options.consistent ?? false }),
      );
      return res.Item;
    },

    /** One item of an entity by its key, or null. */
    async get<T>(entity: AnyEntity<T>, key: Key, options: { consistent?: boolean } = {}): Promise<T | null> {
      const item = await this.getItem(key, options);
      return item ? entity.parse(item) : null;
    },

    getItems,

    /** The items of an entity with these keys, in no particular order; missing ones left out. */
    async getMany<T>(entity: AnyEntity<T>, keys: readonly Key[], options: { consistent?: boolean } = {}): Promise<T[]> {
      return [...(await getItems(keys, options.consistent)).values()].map((item) => entity.parse(item));
    },

    /** A page of an access pattern; the cursor continues exactly this pattern (a tampered one is a 400 naming it). */
    async queryItems(
      pattern: AccessPattern,
      page: {
        limit?: number;
        cursor?: string | undefined;
        newestFirst?: boolean;
        consistent?: boolean;
        /** an index page as the index holds it (keys and projected attributes), not read whole */
        keysOnly?: boolean;
      },
    ): Promise<Page<Record<string, unknown>>> {
      const start = decodeCursor(page.cursor, {
        ...(pattern.index === null ? {} : { index: pattern.index }),
        partition: pattern.partition,
      });
      const res = await doc.send(
        new QueryCommand({
          ...patternQuery(tableName, pattern),
          ScanIndexForward: !page.newestFirst,
          ...(page.limit === undefined ? {} : { Limit: page.limit }),
          ...(page.consistent ? { ConsistentRead: true } : {}),
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      const items = page.keysOnly ? (res.Items ?? []) : await hydrate(pattern.index, res.Items ?? []);
      return { items, nextCursor: encodeCursor(res.LastEvaluatedKey) };
    },

    /** A page of an entity's access pattern, parsed. */
    async query<T>(
      entity: AnyEntity<T>,
      pattern: AccessPattern,
      page: { limit?: number; cursor?: string | undefined; newestFirst?: boolean; consistent?: boolean },
    ): Promise<Page<T>> {
      const { items, nextCursor } = await this.queryItems(pattern, page);
      return { items: items.map((item) => entity.parse(item)), nextCursor };
    },

    /**
     * A page of a sharded list: every shard read in parallel and merged in sort order (newest first
     * or oldest first), with a cursor of its own. An item is answered only once it is certain that
     * no shard holds one before it: each shard is read as far as the merge needs (a shard the page
     * stops at is read further, a few rounds at most), so a page holds `limit` items unless the
     * filter leaves fewer in what was read; its cursor continues exactly there.
     */
    async queryMerged(
      pattern: ShardedPattern,
      page: { limit: number; cursor?: string | undefined; newestFirst?: boolean; filter?: QueryFilter },
    ): Promise<Page<Record<string, unknown>>> {
      const newestFirst = page.newestFirst ?? false;
      const sortName = pattern.index === null ? tableDefinition.sortKey : indexAttributes(pattern.index).sk;
      const range = sortRange(pattern.sort, decodeMergedCursor(page.cursor, pattern.list), newestFirst);
      const before = (a: string, b: string): boolean => (newestFirst ? a > b : a < b);
      const kept = (value: string): boolean => value !== range.lowExclusive && value !== range.highExclusive;
      type Shard = { partition: string; start?: Record<string, unknown>; reached?: string; done: boolean };
      const shards: Shard[] = pattern.partitions.map((partition) => ({ partition, done: range.low > range.high }));
      const read: Record<string, unknown>[] = [];
      // DynamoDB takes no empty string in a key condition: an open end is left out
      const sort = {
        ...(range.low === '' ? {} : { from: range.low }),
        ...(range.high === openEnd ? {} : { to: range.high }),
      };
      const readShard = async (shard: Shard, limit: number): Promise<void> => {
        const query = patternQuery(tableName, { index: pattern.index, partition: shard.partition, sort });
        const res = await doc.send(
          new QueryCommand({
            ...query,
            ...(page.filter ? { FilterExpression: page.filter.expression } : {}),
            ExpressionAttributeNames: { ...query.ExpressionAttributeNames, ...page.filter?.names },
            ExpressionAttributeValues: { ...query.ExpressionAttributeValues, ...page.filter?.values },
            ScanIndexForward: !newestFirst,
            Limit: limit,
            ...(shard.start ? { ExclusiveStartKey: shard.start } : {}),
          }),
        );
        read.push(...(res.Items ?? []).filter((item) => kept(String(item[sortName]))));
        shard.start = res.LastEvaluatedKey;
        shard.reached = res.LastEvaluatedKey ? String(res.LastEvaluatedKey[sortName]) : undefined;
        shard.done = res.LastEvaluatedKey === undefined;
      };
      /** how far every shard has been read: items up to it (inclusive) are certain; undefined when all are done */
      const certainUpTo = (): string | undefined =>
        shards
          .filter((s) => !s.done)
          .map((s) => s.reached as string)
          .reduce<string | undefined>(
            (bound, value) => (bound === undefined || before(value, bound) ? value : bound),
            undefined,
          );
      const certain = (): Record<string, unknown>[] => {
        const bound = certainUpTo();
        return bound === undefined ? read : read.filter((item) => !before(bound, String(item[sortName])));
      };
      const perShard = Math.min(page.limit, Math.ceil(page.limit / shards.length) + 2);
      await Promise.all(shards.filter((s) => !s.done).map((s) => readShard(s, perShard)));
      for (let round = 1; round < maxMergeRounds; round += 1) {
        const missing = page.limit - certain().length;
        const bound = certainUpTo();
        if (missing <= 0 || bound === undefined) break;
        // the shards read least far hold the page back: read them further
        await Promise.all(
          shards.filter((s) => !s.done && s.reached === bound).map((s) => readShard(s, Math.max(missing, perShard))),
        );
      }
      const sorted = certain().sort((a, b) => {
        const x = String(a[sortName]);
        const y = String(b[sortName]);
        return x === y ? 0 : before(x, y) ? -1 : 1;
      });
      const items = sorted.slice(0, page.limit);
      // past the page's last item when certain items are left over, else as far as every shard was read
      const bound = certainUpTo();
      const nextAfter = sorted.length > page.limit ? String(items.at(-1)?.[sortName]) : bound;
      return {
        items: await hydrate(pattern.index, items),
        nextCursor: nextAfter === undefined ? null : encodeMergedCursor(pattern.list, nextAfter),
      };
    },

    /** Every item of an access pattern (or of every shard of a list), page after page (short lists only: a board column, the pipelines). */
    async queryAll<T>(
      entity: AnyEntity<T>,
      pattern: AccessPattern | ShardedPattern,
      options: { newestFirst?: boolean; consistent?: boolean } = {},
    ): Promise<T[]> {
      const all: T[] = [];
      let cursor: string | undefined;
      do {
        const page =
          'partitions' in pattern
            ? await this.queryMerged(pattern, { limit: 500, cursor, newestFirst: options.newestFirst ?? false })
            : await this.queryItems(pattern, { ...options, cursor });
        all.push(...page.items.map((item) => entity.parse(item)));
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      return all;
    },

    /** Puts and deletes in batches (no conditions: for guards' peers, backfills and loads). */
    /** `concurrency`: requests in flight at a time (one by default). */
    async writeAll(requests: readonly WriteRequest[], options: { concurrency?: number } = {}): Promise<void> {
      type DynamoRequest = { PutRequest?: { Item: Record<string, unknown> }; DeleteRequest?: { Key: Key } };
      const dynamoRequests: DynamoRequest[] = requests.map((r) =>
        'put' in r ? { PutRequest: { Item: r.put } } : { DeleteRequest: { Key: r.delete } },
      );
      await inRounds(
        dynamoRequests,
        batchWriteLimit,
        async (part) => {
          const res = await doc.send(new BatchWriteCommand({ RequestItems: { [tableName]: part } }));
          return (res.UnprocessedItems?.[tableName] ?? []).flatMap((r): DynamoRequest[] =>
            r.PutRequest?.Item
              ? [{ PutRequest: { Item: r.PutRequest.Item } }]
              : r.DeleteRequest?.Key
                ? [
                    {
                      DeleteRequest: {
                        Key: { pk: String(r.DeleteRequest.Key.pk), sk: String(r.DeleteRequest.Key.sk) },
                      },
                    },
                  ]
                : [],
          );
        },
        options.concurrency,
      );
    },

    /** Writes a record of an entity, on an optional condition (a failed one throws ConditionalCheckFailedException). */
    async put<T>(entity: AnyEntity<T>, record: T, condition?: Condition): Promise<void> {
      await doc.send(new PutCommand(putInput(tableName, entity.item(record), condition)));
    },

    /** An update expression on an entity's item (counters, flags), on an optional condition; the new item when asked. */
    async update(
      key: Key,
      update: {
        expression: string;
        condition?: string;
        names?: Record<string, string>;
        values?: Record<string, unknown>;
      },
      options: { returnNew?: boolean } = {},
    ): Promise<Record<string, unknown> | undefined> {
      const res = await doc.send(
        new UpdateCommand({
          TableName: tableName,
          Key: key,
          UpdateExpression: update.expression,
          ...(update.condition ? { ConditionExpression: update.condition } : {}),
          ...(update.names ? { ExpressionAttributeNames: update.names } : {}),
          ...(update.values ? { ExpressionAttributeValues: update.values } : {}),
          ...(options.returnNew ? { ReturnValues: 'ALL_NEW' } : {}),
        }),
      );
      return res.Attributes;
    },

    /** Deletes an item, on an optional condition. */
    async delete(key: Key, condition?: Condition): Promise<void> {
      await doc.send(
        new DeleteCommand({
          TableName: tableName,
          Key: key,
          ...(condition ? conditionInput(condition) : {}),
        }),
      );
    },

    /** One transaction of items from several entities. */
    async transact(items: readonly TransactItem[]): Promise<void> {
      await doc.send(new TransactWriteCommand({ TransactItems: [...items] }));
    },
  };
};

export type Store = ReturnType<typeof createStore>;

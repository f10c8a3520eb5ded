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
import { decodeCursor, encodeCursor } from './cursor.ts';
import { type AccessPattern, type Entity, indexAttributes, type Key, type TransactItem } from './entity.ts';
import { backoffMs, sleep } from './retry.ts';
import { tableDefinition } from './table.ts';

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
  } else if (sort && (sort.from !== undefined || sort.to !== undefined)) {
    condition += ' AND #sk BETWEEN :from AND :to';
    values[':from'] = sort.from ?? '';
    values[':to'] = sort.to ?? '\uffff';
  }
  const usesSort = condition.includes('#sk');
  return {
    TableName: tableName,
    ...(pattern.index === null ? {} : { IndexName: pattern.index }),
    KeyConditionExpression: condition,
    ExpressionAttributeNames: { '#pk': names.pk, ...(usesSort ? { '#sk': names.sk } : {}) },
    ExpressionAttributeValues: values,
  };
};

/** Sends `requests` in chunks, each chunk's unprocessed part again after a backoff, until all are done. */
const inRounds = async <R>(requests: readonly R[], chunk: number, send: (part: R[]) => Promise<R[]>): Promise<void> => {
  for (let i = 0; i < requests.length; i += chunk) {
    let pending = requests.slice(i, i + chunk);
    for (let round = 1; pending.length > 0; round += 1) {
      if (round > maxBatchRounds)
        throw new Error(`${pending.length} items stayed unprocessed after ${maxBatchRounds} rounds`);
      if (round > 1) await sleep(backoffMs(round - 1, 50, 2_000));
      pending = await send(pending);
    }
  }
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
  /** Raw items of many keys (any entities), found ones only, keyed `pk|sk`. */
  const getItems = async (keys: readonly Key[], consistent = false): Promise<Map<string, Record<string, unknown>>> => {
    const found = new Map<string, Record<string, unknown>>();
    const unique = [...new Map(keys.map((k) => [`${k.pk}|${k.sk}`, k])).values()];
    await inRounds(unique, batchGetLimit, async (part) => {
      const res = await doc.send(
        new BatchGetCommand({ RequestItems: { [tableName]: { Keys: part, ConsistentRead: consistent } } }),
      );
      for (const item of res.Responses?.[tableName] ?? []) found.set(`${String(item.pk)}|${String(item.sk)}`, item);
      return (res.UnprocessedKeys?.[tableName]?.Keys ?? []).map((k) => ({ pk: String(k.pk), sk: String(k.sk) }));
    });
    return found;
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
      page: { limit?: number; cursor?: string | undefined; newestFirst?: boolean; consistent?: boolean },
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
      return { items: res.Items ?? [], nextCursor: encodeCursor(res.LastEvaluatedKey) };
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

    /** Every item of an access pattern, page after page (short partitions only: a board column, the pipelines). */
    async queryAll<T>(
      entity: AnyEntity<T>,
      pattern: AccessPattern,
      options: { newestFirst?: boolean; consistent?: boolean } = {},
    ): Promise<T[]> {
      const all: T[] = [];
      let cursor: string | undefined;
      do {
        const page = await this.query(entity, pattern, { ...options, cursor });
        all.push(...page.items);
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      return all;
    },

    /** Puts and deletes in batches (no conditions: for guards' peers, backfills and loads). */
    async writeAll(requests: readonly WriteRequest[]): Promise<void> {
      type DynamoRequest = { PutRequest?: { Item: Record<string, unknown> }; DeleteRequest?: { Key: Key } };
      const dynamoRequests: DynamoRequest[] = requests.map((r) =>
        'put' in r ? { PutRequest: { Item: r.put } } : { DeleteRequest: { Key: r.delete } },
      );
      await inRounds(dynamoRequests, batchWriteLimit, async (part) => {
        const res = await doc.send(new BatchWriteCommand({ RequestItems: { [tableName]: part } }));
        return (res.UnprocessedItems?.[tableName] ?? []).flatMap((r): DynamoRequest[] =>
          r.PutRequest?.Item
            ? [{ PutRequest: { Item: r.PutRequest.Item } }]
            : r.DeleteRequest?.Key
              ? [{ DeleteRequest: { Key: { pk: String(r.DeleteRequest.Key.pk), sk: String(r.DeleteRequest.Key.sk) } } }]
              : [],
        );
      });
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

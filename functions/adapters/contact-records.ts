import {
  BatchGetCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import * as z from 'zod/mini';
import type { RecordLookups } from '../../domain/duplicates/record-profiles.ts';
import { matchesAll, queryWords } from '../../domain/inbox/search-tokens.ts';
import { conflict } from '../../domain/shared/errors.ts';
import { decodeCursor, encodeCursor } from '../shared/cursor.ts';
import {
  entityTags,
  type IndexName,
  type RecordRef,
  recordKey,
  searchItemKey,
  searchPartition,
} from '../shared/table.ts';
import { parseStored } from '../shared/validation.ts';
import { queryIndexPage } from './index-page.ts';
import { lookupWrites, type TransactItem } from './match-lookups.ts';
import { linkableChecks, type Reference, referenceWrites } from './references.ts';
import { explainCancellation } from './transactions.ts';

/** Search items per record: a transaction holds at most 100 items (record, search, lookup and reference items). */
export const maxSearchTokens = 15;

export type StoredRecord = { id: string; createdAt: string; version: number };

export type RecordSpec<T extends StoredRecord> = {
  kind: 'PERSON' | 'COMPANY';
  entity: 'person' | 'company';
  schema: z.ZodMiniType<T>;
  indexKeys: (record: T) => Record<string, string>;
  searchTokens: (record: T) => string[];
  lookups: (record: T) => RecordLookups;
  references: (record: T) => Reference[];
};

/** What a read finds under an id: the record (perhaps being merged away), a merged tombstone, or nothing. */
export type Loaded<T> =
  | { state: 'active'; record: T; mergingInto: string | null }
  | { state: 'merged'; mergedInto: string }
  | null;

const Tombstone = z.object({ mergedInto: z.string() });
const Merging = z.object({ mergingInto: z.optional(z.string()) });

export type ListPage<T> = { items: T[]; nextCursor: string | null };

export const createRecordStore = <T extends StoredRecord>(
  doc: DynamoDBDocumentClient,
  tableName: string,
  spec: RecordSpec<T>,
) => {
  const ref = (id: string): RecordRef => ({ kind: spec.kind, id });
  const tokens = (record: T): string[] => spec.searchTokens(record).slice(0, maxSearchTokens);
  const parse = (item: Record<string, unknown>): T => parseStored(spec.schema, item, spec.entity);
  const item = (record: T) => ({
    ...recordKey(ref(record.id)),
    ...spec.indexKeys(record),
    ...entityTags(spec.entity, 1),
    ...record,
  });

  const searchWrites = (before: T | null, after: T | null): TransactItem[] => {
    const old = new Set(before ? tokens(before) : []);
    const next = new Set(after ? tokens(after) : []);
    const record = after ?? before;
    if (!record) return [];
    return [
      ...[...old]
        .filter((t) => !next.has(t))
        .map((t) => ({
          Delete: { TableName: tableName, Key: searchItemKey(spec.kind, t, record.createdAt, record.id) },
        })),
      ...[...next]
        .filter((t) => !old.has(t))
        .map((t) => ({
          Put: {
            TableName: tableName,
            Item: {
              ...searchItemKey(spec.kind, t, record.createdAt, record.id),
              ...entityTags(`${spec.entity}-search`, 1),
              recordId: record.id,
            },
          },
        })),
    ];
  };

  /** The transaction items that move a record from `before` to `after` besides the record itself. */
  const companions = (before: T | null, after: T): TransactItem[] => {
    const oldRefs = before ? spec.references(before) : [];
    const newRefs = spec.references(after);
    return [
      ...searchWrites(before, after),
      ...lookupWrites(
        tableName,
        ref(after.id),
        before ? spec.lookups(before) : { keys: [], profiles: {} },
        spec.lookups(after),
      ),
      ...referenceWrites(tableName, ref(after.id), oldRefs, newRefs),
      ...linkableChecks(tableName, oldRefs, newRefs),
    ];
  };

  /** Turns a cancelled transaction into what the client did wrong, or rethrows it. */
  const explain = (error: unknown, items: TransactItem[], record: T, conflictDetail: string): never =>
    explainCancellation(error, {
      items,
      links: spec.references(record),
      onRecordCondition: () => {
        throw conflict('stale-version', conflictDetail);
      },
      conflictDetail: `${spec.entity} ${record.id} is being changed by another request; retry`,
    });

  const batchGet = async (ids: readonly string[]): Promise<Map<string, Record<string, unknown>>> => {
    const found = new Map<string, Record<string, unknown>>();
    const unique = [...new Set(ids)];
    for (let i = 0; i < unique.length; i += 100) {
      let keys: Record<string, string>[] = unique.slice(i, i + 100).map((id) => recordKey(ref(id)));
      while (keys.length > 0) {
        const res = await doc.send(new BatchGetCommand({ RequestItems: { [tableName]: { Keys: keys } } }));
        for (const found_ of res.Responses?.[tableName] ?? []) found.set(String(found_.id), found_);
        keys = (res.UnprocessedKeys?.[tableName]?.Keys ?? []).map((k) => ({ pk: String(k.pk), sk: String(k.sk) }));
      }
    }
    return found;
  };

  const toLoaded = (stored: Record<string, unknown> | undefined): Loaded<T> => {
    if (!stored) return null;
    const tomb = Tombstone.safeParse(stored);
    if (tomb.success) return { state: 'merged', mergedInto: tomb.data.mergedInto };
    return { state: 'active', record: parse(stored), mergingInto: Merging.parse(stored).mergingInto ?? null };
  };

  return {
    spec,
    item,
    companions,
    searchWrites,

    /** The writes of a new record, for a transaction that creates other records too. */
    createItems(record: T): TransactItem[] {
      return [
        { Put: { TableName: tableName, Item: item(record), ConditionExpression: 'attribute_not_exists(pk)' } },
        ...companions(null, record),
      ];
    },

    /** The writes of a change, conditional on `previous.version` and on the record not being merged away. */
    updateItems(previous: T, next: T): TransactItem[] {
      return [
        {
          Put: {
            TableName: tableName,
            Item: item(next),
            ConditionExpression:
              'version = :expected AND attribute_not_exists(mergingInto) AND attribute_not_exists(mergedInto)',
            ExpressionAttributeValues: { ':expected': previous.version },
          },
        },
        ...companions(previous, next),
      ];
    },

    async create(record: T): Promise<void> {
      const items: TransactItem[] = this.createItems(record);
      try {
        await doc.send(new TransactWriteCommand({ TransactItems: items }));
      } catch (error) {
        explain(error, items, record, `${spec.entity} ${record.id} exists already`);
      }
    },

    async load(id: string, options: { consistent?: boolean } = {}): Promise<Loaded<T>> {
      const res = await doc.send(
        new GetCommand({ TableName: tableName, Key: recordKey(ref(id)), ConsistentRead: options.consistent ?? false }),
      );
      return toLoaded(res.Item);
    },

    /** Several records at once (merged ones left out), keyed by id. */
    async getMany(ids: readonly string[]): Promise<Map<string, T>> {
      const out = new Map<string, T>();
      for (const [id, stored] of await batchGet(ids)) {
        const loaded = toLoaded(stored);
        if (loaded?.state === 'active') out.set(id, loaded.record);
      }
      return out;
    },

    /** Writes a changed record if nobody changed it since `previous` and it is not being merged away. */
    async update(previous: T, next: T): Promise<void> {
      const items: TransactItem[] = this.updateItems(previous, next);
      try {
        await doc.send(new TransactWriteCommand({ TransactItems: items }));
      } catch (error) {
        explain(
          error,
          items,
          next,
          `${spec.entity} ${next.id} has changed since version ${previous.version} (or is being merged)`,
        );
      }
    },

    /** A page of one index partition; `filter` applies to that page (so a page may hold fewer than `limit`). */
    async listIndex(query: {
      index: IndexName;
      partition: string;
      limit: number;
      cursor?: string | undefined;
      newestFirst?: boolean;
      filter?: (record: T) => boolean;
    }): Promise<ListPage<T>> {
      const page = await queryIndexPage(doc, tableName, query);
      return { items: page.items.map(parse).filter(query.filter ?? (() => true)), nextCursor: page.nextCursor };
    },

    /** `q`: one Query on the search items of the longest word, then the records; every word must prefix a token. */
    async search(query: {
      q: string;
      limit: number;
      cursor?: string | undefined;
      filter?: (record: T) => boolean;
    }): Promise<ListPage<T>> {
      const words = queryWords(query.q);
      const longest = words[0] ?? '';
      const start = decodeCursor(query.cursor);
      const res = await doc.send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :word)',
          ExpressionAttributeValues: { ':pk': searchPartition(spec.kind, longest), ':word': longest },
          Limit: query.limit,
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      const ids = [...new Set((res.Items ?? []).map((i) => String(i.recordId)))];
      const found = await batchGet(ids);
      const items = ids
        .map((id) => toLoaded(found.get(id)))
        .flatMap((loaded) => (loaded?.state === 'active' ? [loaded.record] : []))
        .filter((record) => matchesAll(words, spec.searchTokens(record)))
        .filter(query.filter ?? (() => true));
      return { items, nextCursor: encodeCursor(res.LastEvaluatedKey) };
    },
  };
};

export type RecordStore<T extends StoredRecord> = ReturnType<typeof createRecordStore<T>>;

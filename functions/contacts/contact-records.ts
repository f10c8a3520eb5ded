/**
 * The record store of persons and companies: a record is written in one transaction with its search,
 * lookup and reference items (and the checks that its new links point at live records); a read tells
 * an active record from one being merged away and from a merged tombstone.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { RecordLookups } from '../../domain/duplicates/record-profiles.ts';
import { matchesAll, queryWords } from '../../domain/inbox/search-tokens.ts';
import { conflict } from '../../domain/shared/errors.ts';
import { lookupWrites } from '../duplicates/match-lookups.ts';
import type { AccessPattern, Entity, TransactItem } from '../shared/entity.ts';
import { createStore, type Page } from '../shared/store.ts';
import { composeTransaction } from '../shared/transactions.ts';
import { type SearchItems, searchItem } from './contact-search.entity.ts';
import { isTombstone, mergingInto } from './merge-state.entity.ts';
import { explainCancellation, linkableChecks, type Reference, referenceWrites } from './references.ts';

/** Search items per record: a transaction holds at most 100 items (record, search, lookup and reference items). */
export const maxSearchTokens = 15;

export type StoredRecord = { id: string; createdAt: string; version: number };

type Tombstone = { id: string; mergedInto: string; mergedAt: string };

export type RecordSpec<T extends StoredRecord, P> = {
  kind: 'PERSON' | 'COMPANY';
  entity: Pick<Entity<T, [id: string], Record<never, never>>, 'name' | 'key' | 'item' | 'parse'> & { patterns: P };
  tombstones: Pick<Entity<Tombstone, [id: string], Record<never, never>>, 'parse' | 'put'>;
  searchItems: SearchItems;
  searchTokens: (record: T) => string[];
  lookups: (record: T) => RecordLookups;
  references: (record: T) => Reference[];
};

/** What a read finds under an id: the record (perhaps being merged away), a merged tombstone, or nothing. */
export type Loaded<T> =
  | { state: 'active'; record: T; mergingInto: string | null }
  | { state: 'merged'; mergedInto: string }
  | null;

export type ListPage<T> = Page<T>;

export const createRecordStore = <T extends StoredRecord, P>(
  doc: DynamoDBDocumentClient,
  tableName: string,
  spec: RecordSpec<T, P>,
) => {
  const store = createStore(doc, tableName);
  const { entity, searchItems } = spec;
  const ref = (id: string) => ({ kind: spec.kind, id });
  const tokens = (record: T): string[] => spec.searchTokens(record).slice(0, maxSearchTokens);

  const searchWrites = (before: T | null, after: T | null): TransactItem[] => {
    const old = new Set(before ? tokens(before) : []);
    const next = new Set(after ? tokens(after) : []);
    const record = after ?? before;
    if (!record) return [];
    return [
      ...[...old].filter((t) => !next.has(t)).map((t) => searchItems.delete(tableName, t, record.createdAt, record.id)),
      ...[...next]
        .filter((t) => !old.has(t))
        .map((t) => ({ Put: { TableName: tableName, Item: searchItem(searchItems, t, record) } })),
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
      conflictDetail: `${entity.name} ${record.id} is being changed by another request; retry`,
    });

  const toLoaded = (stored: Record<string, unknown> | undefined): Loaded<T> => {
    if (!stored) return null;
    if (isTombstone(stored)) return { state: 'merged', mergedInto: spec.tombstones.parse(stored).mergedInto };
    return { state: 'active', record: entity.parse(stored), mergingInto: mergingInto(stored) };
  };

  /** The active records among stored items (tombstones left out), keyed by id. */
  const activeRecords = (found: Iterable<Record<string, unknown>>): Map<string, T> => {
    const out = new Map<string, T>();
    for (const stored of found) {
      const loaded = toLoaded(stored);
      if (loaded?.state === 'active') out.set(loaded.record.id, loaded.record);
    }
    return out;
  };

  return {
    spec,
    /** the record's access patterns, for `list` */
    patterns: entity.patterns,
    item: entity.item,
    companions,
    searchWrites,

    /** The writes of a new record, for a transaction that creates other records too. */
    createItems(record: T): TransactItem[] {
      return [
        { Put: { TableName: tableName, Item: entity.item(record), ConditionExpression: 'attribute_not_exists(pk)' } },
        ...companions(null, record),
      ];
    },

    /** The writes of a change, conditional on `previous.version` and on the record not being merged away. */
    updateItems(previous: T, next: T): TransactItem[] {
      return [
        {
          Put: {
            TableName: tableName,
            Item: entity.item(next),
            ConditionExpression:
              'version = :expected AND attribute_not_exists(mergingInto) AND attribute_not_exists(mergedInto)',
            ExpressionAttributeValues: { ':expected': previous.version },
          },
        },
        ...companions(previous, next),
      ];
    },

    /** Writes a new record, with `extra` writes of its transaction (another record it changes). */
    async create(record: T, extra: readonly TransactItem[] = []): Promise<void> {
      const items: TransactItem[] = composeTransaction([...this.createItems(record), ...extra]);
      try {
        await store.transact(items);
      } catch (error) {
        explain(error, items, record, `${entity.name} ${record.id} exists already`);
      }
    },

    async load(id: string, options: { consistent?: boolean } = {}): Promise<Loaded<T>> {
      return toLoaded(await store.getItem(entity.key(id), options));
    },

    /** Several records at once (merged ones left out), keyed by id. */
    async getMany(ids: readonly string[]): Promise<Map<string, T>> {
      return activeRecords((await store.getItems(ids.map((id) => entity.key(id)))).values());
    },

    /**
     * Writes a changed record if nobody changed it since `previous` and it is not being merged away,
     * with `extra` writes of its transaction (another record it changes, conditional on that one's version).
     */
    async update(previous: T, next: T, extra: readonly TransactItem[] = []): Promise<void> {
      const items: TransactItem[] = composeTransaction([...this.updateItems(previous, next), ...extra]);
      try {
        await store.transact(items);
      } catch (error) {
        explain(
          error,
          items,
          next,
          `${entity.name} ${next.id} has changed since version ${previous.version} (or is being merged)`,
        );
      }
    },

    /** A page of one of the record's access patterns; `filter` applies to that page (so a page may hold fewer than `limit`). */
    async list(
      pattern: AccessPattern,
      page: { limit: number; cursor?: string | undefined; newestFirst?: boolean; filter?: (record: T) => boolean },
    ): Promise<ListPage<T>> {
      const { items, nextCursor } = await store.queryItems(pattern, {
        limit: page.limit,
        cursor: page.cursor,
        newestFirst: page.newestFirst ?? false,
      });
      return { items: items.map((item) => entity.parse(item)).filter(page.filter ?? (() => true)), nextCursor };
    },

    /** Every record of an access pattern that `keep` accepts, page after page, at most `max` (short lists only). */
    async listAll(pattern: AccessPattern, options: { keep: (record: T) => boolean; max: number }): Promise<T[]> {
      const found: T[] = [];
      let cursor: string | undefined;
      do {
        const page = await this.list(pattern, { limit: 100, cursor });
        found.push(...page.items.filter(options.keep));
        cursor = page.nextCursor ?? undefined;
      } while (cursor && found.length < options.max);
      return found.slice(0, options.max);
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
      const page = await store.query(searchItems, searchItems.patterns.byPrefix(longest), {
        limit: query.limit,
        cursor: query.cursor,
      });
      const ids = [...new Set(page.items.map((i) => i.recordId))];
      const found = activeRecords((await store.getItems(ids.map((id) => entity.key(id)))).values());
      const items = ids
        .flatMap((id) => {
          const record = found.get(id);
          return record ? [record] : [];
        })
        .filter((record) => matchesAll(words, spec.searchTokens(record)))
        .filter(query.filter ?? (() => true));
      return { items, nextCursor: page.nextCursor };
    },
  };
};

export type RecordStore<T extends StoredRecord, P = unknown> = ReturnType<typeof createRecordStore<T, P>>;

/**
 * Stored nouns, declared once (the ElectroDB / dynamodb-toolbox way, written small: docs/storage-layer.md
 * has the measurement that chose it): each entity names its entity tag `_et` and schema version `_v`,
 * its stored attributes (a zod schema, parsed on every read), its primary key, the index keys it
 * carries, and its named access patterns. Callers ask an entity for an access pattern
 * (`inboxEntries.patterns.byStatus('new')`), never for an index, and no key is built anywhere else.
 */
import type { TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import type * as z from 'zod/mini';
import { type IndexName, tableDefinition } from './table.ts';
import { parseStored } from './validation.ts';

export type Key = { pk: string; sk: string };
export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** An index key an item carries: which index, its partition and sort value. */
export type IndexKey = { index: IndexName; pk: string; sk: string };

/**
 * Where an access pattern reads: the table or an index, one partition, and optionally a range of
 * sort keys (a prefix, or bounds). Lists read it newest first or oldest first as the caller asks.
 */
export type AccessPattern = {
  index: IndexName | null;
  partition: string;
  sort?: { beginsWith: string } | { from?: string; to?: string; below?: string };
};

/** An access pattern on an index: one partition, optionally a sort range. */
export const onIndex = (index: IndexName, partition: string, sort?: AccessPattern['sort']): AccessPattern => ({
  index,
  partition,
  ...(sort === undefined ? {} : { sort }),
});

/** An access pattern on the table itself (a partition of several items: an import's errors). */
export const onTable = (partition: string, sort?: AccessPattern['sort']): AccessPattern => ({
  index: null,
  partition,
  ...(sort === undefined ? {} : { sort }),
});

/**
 * A list too busy for one partition (every new lead writes it) spread over a fixed number of
 * partitions, `<list>#<shard>`, the shard a hash of the record's id: each takes `1/shards` of the
 * writes, and a read queries every shard in parallel and merges them (store.queryMerged).
 */
export type ShardedPattern = {
  index: IndexName | null;
  /** the list's own name, which its cursors are bound to */
  list: string;
  partitions: readonly string[];
  sort?: AccessPattern['sort'];
};

/** FNV-1a (32 bit): a stable, evenly spread hash of a short string; no cryptography needed here. */
const fnv1a = (text: string): number => {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
};

/** The shard of a record in a list of `shards` partitions. */
export const shardOf = (id: string, shards: number): number => fnv1a(id) % shards;

/** The partition of a sharded list that a record with this id is written to. */
export const shardedPartition = (list: string, id: string, shards: number): string => `${list}#${shardOf(id, shards)}`;

/** A sharded list's access pattern: every shard's partition, optionally a sort range. */
export const onShards = (
  index: IndexName | null,
  list: string,
  shards: number,
  sort?: AccessPattern['sort'],
): ShardedPattern => ({
  index,
  list,
  partitions: Array.from({ length: shards }, (_, shard) => `${list}#${shard}`),
  ...(sort === undefined ? {} : { sort }),
});

/** The attribute names of an index key (`gsi1pk`, `gsi1sk`), from the table's definition. */
export const indexAttributes = (index: IndexName): { pk: string; sk: string } => {
  const { partitionKey, sortKey } = tableDefinition.indexes[index];
  return { pk: partitionKey, sk: sortKey };
};

const indexKeyAttributes = (keys: readonly (IndexKey | null | false | undefined)[]): Record<string, string> => {
  const out: Record<string, string> = {};
  for (const key of keys) {
    if (!key) continue;
    const names = indexAttributes(key.index);
    out[names.pk] = key.pk;
    out[names.sk] = key.sk;
  }
  return out;
};

// biome-ignore lint/suspicious/noExplicitAny: access patterns take whatever arguments their partition needs
type Patterns = Record<string, (...args: any[]) => AccessPattern | ShardedPattern>;

export type EntityDefinition<T, Args extends readonly unknown[], P extends Patterns> = {
  /** the entity tag `_et` every item of it carries */
  name: string;
  /** the schema version `_v` */
  version: number;
  /** the stored attributes besides keys and tags, parsed on every read */
  schema: z.ZodMiniType<T>;
  /** the primary key from its parts */
  key: (...args: Args) => Key;
  /** the parts of a record's primary key */
  keyOf: (record: T) => Args;
  /** the index keys a record carries; a sparse index's key is there only while it applies */
  indexes?: (record: T) => readonly (IndexKey | null | false | undefined)[];
  /** attributes derived from the record that are stored but not part of it (a `ttl`) */
  derived?: (record: T) => Record<string, unknown>;
  /**
   * Record fields stored under another attribute name (`{ subject: 'subj' }`), as ElectroDB's `field`:
   * the record and every answer mapped from it keep the field's name, only the item changes. It
   * applies to whole items (`item`, `put`, `parse`); an update expression that names a renamed field
   * must take the stored name from `attributeName(field)` (repositories name attributes in their
   * update expressions today, so rename only what they do not update, or change them with it).
   * Reads take the field's own name where the new one is missing, so items written before a rename
   * keep reading until a migration rewrites them.
   */
  storedAs?: Partial<Record<keyof T & string, string>>;
  /** the named access patterns: where a list of these items is read */
  patterns?: P;
  /** its partitions as an IAM `dynamodb:LeadingKeys` pattern, where its key function cannot tell (`leadingKeysOf`) */
  leadingKeys?: string;
};

export type Entity<T, Args extends readonly unknown[], P extends Patterns> = {
  /** the declaration it was made from (a test declares a variant of it) */
  readonly definition: EntityDefinition<T, Args, P>;
  readonly name: string;
  /**
   * The partitions of its items as an IAM `dynamodb:LeadingKeys` pattern: the fixed part of its
   * partition key and `*` for what varies (`INBOX#*`), or the whole key of a single partition. A
   * function granted only some nouns' items is held to these (functions/shared/module.ts TableGrant).
   */
  readonly leadingKeys: string;
  readonly version: number;
  readonly schema: z.ZodMiniType<T>;
  readonly patterns: P;
  key: (...args: Args) => Key;
  keyOf: (record: T) => Key;
  /** the whole item: keys, index keys, tags, derived attributes and the record */
  item: (record: T) => Record<string, unknown>;
  /** the item of a record keyed by what it does not store itself (a guard, a lookup or search item): the key given, tags and the record */
  itemAt: (key: Key, record: T) => Record<string, unknown>;
  /** a stored item read back, checked against the schema (a mismatch is a bug, never the client's) */
  parse: (item: unknown) => T;
  /** the attribute a record field is stored under (its own name unless `storedAs` renames it) */
  attributeName: (field: keyof T & string) => string;
  /** whether a stored item is one of these (the entity tag) */
  owns: (item: Record<string, unknown>) => boolean;
  /** a Put of the record for a transaction, with an optional condition */
  put: (
    tableName: string,
    record: T,
    condition?: { expression: string; names?: Record<string, string>; values?: Record<string, unknown> },
  ) => TransactItem;
  /** a Delete of the item with this key for a transaction */
  delete: (tableName: string, ...args: Args) => TransactItem;
};

/**
 * The IAM pattern of a key function's partitions, found by building the key twice from different
 * markers where its parts go: the same partition both times is a single partition (its whole key);
 * otherwise the part both share, cut back to its last `#`, and `*` (a part taken in as it is, or
 * hashed first, varies after it). A key that takes records rather than strings (`REFS#undefined`)
 * cannot be read this way: its entity names `leadingKeys` itself.
 */
export const leadingKeysOf = (key: unknown, name: string): string => {
  const build = (marker: string) => (key as (...args: string[]) => Key)(marker, marker, marker, marker).pk;
  const [a, b] = [build('x0'), build('y1')];
  if (/undefined|\[object/.test(a)) {
    throw new Error(`the partitions of ${name} cannot be read from its key; declare its leadingKeys`);
  }
  if (a === b) return a;
  let shared = 0;
  while (shared < a.length && a[shared] === b[shared]) shared += 1;
  const fixed = a.slice(0, a.lastIndexOf('#', shared - 1) + 1);
  if (fixed === '')
    throw new Error(`the partition key of ${name} has no fixed part: its grant would be the whole table`);
  if (/[*?]/.test(fixed)) throw new Error(`the partition key ${fixed} holds an IAM wildcard`);
  return `${fixed}*`;
};

export const defineEntity = <T, const Args extends readonly unknown[], const P extends Patterns = Record<never, never>>(
  definition: EntityDefinition<T, Args, P>,
): Entity<T, Args, P> => {
  const tags = { _et: definition.name, _v: definition.version };
  const keyOf = (record: T): Key => definition.key(...definition.keyOf(record));
  const renames = Object.entries(definition.storedAs ?? {}) as [string, string][];
  /** The object with each `from` name that it has moved to its `to` name. */
  const renamed = (value: object, pairs: readonly (readonly [string, string])[]): Record<string, unknown> => {
    const out: Record<string, unknown> = { ...value };
    for (const [from, to] of pairs) {
      if (!(from in out)) continue;
      out[to] = out[from];
      delete out[from];
    }
    return out;
  };
  const stored = (record: T): Record<string, unknown> =>
    renames.length === 0 ? (record as Record<string, unknown>) : renamed(record as object, renames);
  const read = (found: unknown): unknown =>
    renames.length === 0 || typeof found !== 'object' || found === null
      ? found
      : renamed(
          found,
          renames.map(([field, attribute]) => [attribute, field] as const),
        );
  const item = (record: T): Record<string, unknown> => ({
    ...keyOf(record),
    ...indexKeyAttributes(definition.indexes?.(record) ?? []),
    ...tags,
    ...definition.derived?.(record),
    ...stored(record),
  });
  return {
    definition,
    name: definition.name,
    // read when a grant names the entity (infra/table-grants.ts), so an entity no grant names never needs it
    get leadingKeys() {
      return definition.leadingKeys ?? leadingKeysOf(definition.key, definition.name);
    },
    version: definition.version,
    schema: definition.schema,
    patterns: definition.patterns ?? ({} as P),
    key: definition.key,
    keyOf,
    item,
    itemAt: (key, record) => ({ ...key, ...tags, ...stored(record) }),
    parse: (found) => parseStored(definition.schema, read(found), definition.name),
    attributeName: (field) => definition.storedAs?.[field] ?? field,
    owns: (stored) => stored._et === definition.name,
    put: (tableName, record, condition) => ({
      Put: {
        TableName: tableName,
        Item: item(record),
        ...(condition
          ? {
              ConditionExpression: condition.expression,
              ...(condition.names ? { ExpressionAttributeNames: condition.names } : {}),
              ...(condition.values ? { ExpressionAttributeValues: condition.values } : {}),
            }
          : {}),
      },
    }),
    delete: (tableName, ...args) => ({ Delete: { TableName: tableName, Key: definition.key(...args) } }),
  };
};

/**
 * Write units as AWS bills them, computed from the items actually written. DynamoDB Local's
 * ConsumedCapacity is no guide here: for `TransactWriteItems` it under-reports (items of equal size
 * seem counted once) and it leaves out index writes. The rules (AWS, "DynamoDB item sizes and
 * formats" and "Capacity unit consumption"):
 *
 * - an item's size is the sum over its attributes of the name's UTF-8 bytes plus the value's size:
 *   a string its UTF-8 bytes, a number 1 byte per two significant digits plus 1, a boolean or null 1,
 *   a list or map 3 bytes plus each element's size plus 1 byte per element (a map's element also
 *   counts its name);
 * - a write costs one unit per started KB of the item (for an update: of the larger of the item
 *   before and after, here the item after, which an intake write only ever grows), two in a
 *   transaction;
 * - a global secondary index takes a copy of an item that carries its key attributes, one unit per
 *   started KB of what it projects (the table's and the index's keys and its projected attributes,
 *   functions/shared/table.ts), outside the transaction's doubling: on every put, and on an update
 *   only when the update sets or removes one of the index's keys or projected attributes (an update
 *   that touches neither writes nothing to the index). An update that sets an index key is counted as
 *   a delete from its old place (one unit) plus the new copy, an upper bound where the item only
 *   enters the index; one that removes the key, as the delete alone.
 */
import { tableDefinition } from '../functions/shared/table.ts';

const utf8 = (text: string): number => Buffer.byteLength(text, 'utf8');

/** Significant digits of a number as DynamoDB stores it: leading and trailing zeroes trimmed. */
const significantDigits = (value: number): number => {
  const digits = Math.abs(value)
    .toExponential()
    .replace(/e.*$/, '')
    .replace('.', '')
    .replace(/^0+|0+$/g, '');
  return Math.max(1, digits.length);
};

/** The size of a value, without its attribute name. */
export const valueBytes = (value: unknown): number => {
  if (value === null || typeof value === 'boolean') return 1;
  if (typeof value === 'string') return utf8(value);
  if (typeof value === 'number') return Math.ceil(significantDigits(value) / 2) + 1;
  if (value instanceof Uint8Array) return value.byteLength;
  if (value instanceof Set) return [...value].reduce((sum: number, v) => sum + valueBytes(v), 0);
  if (Array.isArray(value)) return 3 + value.reduce((sum: number, v) => sum + 1 + valueBytes(v), 0);
  if (typeof value === 'object') {
    return 3 + Object.entries(value).reduce((sum, [name, v]) => sum + 1 + utf8(name) + valueBytes(v), 0);
  }
  throw new Error(`no DynamoDB size for a ${typeof value}`);
};

/** The size of an item: its attributes' names and values (undefined attributes are not stored). */
export const itemBytes = (item: Record<string, unknown>): number =>
  Object.entries(item)
    .filter(([, value]) => value !== undefined)
    .reduce((sum, [name, value]) => sum + utf8(name) + valueBytes(value), 0);

const unitsOf = (bytes: number): number => Math.max(1, Math.ceil(bytes / 1024));

export type WrittenItem = {
  /** the item as stored after the write */
  item: Record<string, unknown>;
  /** written in a `TransactWriteItems` */
  transactional: boolean;
  /** an update's attributes (bench/aws-meter.ts `touchedAttributes`); a put has none */
  touched?: readonly string[];
};

export type BilledWrite = {
  /** what the item is (its entity tag, `_et`), for the figure by item kind */
  kind: string;
  bytes: number;
  tableUnits: number;
  /** the indexes that took a copy (in the item's current index partition), with their units */
  indexUnits: Partial<Record<keyof typeof tableDefinition.indexes, number>>;
  /** the indexes the item left or moved within (a delete from its earlier index partition), with their units */
  indexDeletes: Partial<Record<keyof typeof tableDefinition.indexes, number>>;
  units: number;
};

type IndexName = keyof typeof tableDefinition.indexes;

/** What an index holds of an item: the table's keys, the index's keys and its projected attributes. */
export const projectedItem = (item: Record<string, unknown>, index: IndexName): Record<string, unknown> => {
  const { partitionKey, sortKey, projected } = tableDefinition.indexes[index];
  const names: string[] = [tableDefinition.partitionKey, tableDefinition.sortKey, partitionKey, sortKey, ...projected];
  return Object.fromEntries(names.filter((name) => item[name] !== undefined).map((name) => [name, item[name]]));
};

/** Which indexes hold a copy of the item: those whose partition and sort key attributes it carries. */
export const indexesOf = (item: Record<string, unknown>): (keyof typeof tableDefinition.indexes)[] =>
  (Object.keys(tableDefinition.indexes) as (keyof typeof tableDefinition.indexes)[]).filter((name) => {
    const { partitionKey, sortKey } = tableDefinition.indexes[name];
    return item[partitionKey] !== undefined && item[sortKey] !== undefined;
  });

export const billedWrite = ({ item, transactional, touched }: WrittenItem): BilledWrite => {
  const bytes = itemBytes(item);
  const tableUnits = unitsOf(bytes) * (transactional ? 2 : 1);
  const carried = new Set(indexesOf(item));
  const indexUnits: BilledWrite['indexUnits'] = {};
  const indexDeletes: BilledWrite['indexDeletes'] = {};
  for (const name of Object.keys(tableDefinition.indexes) as IndexName[]) {
    const { partitionKey, sortKey, projected } = tableDefinition.indexes[name];
    const keyTouched = touched === undefined || touched.includes(partitionKey) || touched.includes(sortKey);
    const projectionTouched = touched !== undefined && projected.some((attribute) => touched.includes(attribute));
    if (carried.has(name) && (keyTouched || projectionTouched)) {
      indexUnits[name] = unitsOf(itemBytes(projectedItem(item, name)));
    }
    if (touched !== undefined && keyTouched) indexDeletes[name] = 1;
  }
  const units =
    tableUnits +
    Object.values(indexUnits).reduce((a, b) => a + b, 0) +
    Object.values(indexDeletes).reduce((a, b) => a + b, 0);
  return {
    kind: typeof item._et === 'string' ? item._et : 'other',
    bytes,
    tableUnits,
    indexUnits,
    indexDeletes,
    units,
  };
};

/** The units of several writes, in total and by item kind. */
export const billedWrites = (written: readonly WrittenItem[]) => {
  const writes = written.map(billedWrite);
  const byKind: Record<string, { items: number; units: number }> = {};
  for (const w of writes) {
    const kind = byKind[w.kind] ?? { items: 0, units: 0 };
    kind.items += 1;
    kind.units += w.units;
    byKind[w.kind] = kind;
  }
  return { units: writes.reduce((sum, w) => sum + w.units, 0), items: writes.length, byKind };
};

/** Opaque list cursors: DynamoDB's LastEvaluatedKey, base64url-encoded; a tampered cursor is a 400. */
import * as z from 'zod/mini';
import { type KontaktError, validationError } from '../../domain/shared/errors.ts';
import { type IndexName, tableDefinition } from './table.ts';

/** A cursor is a key of a few short strings; anything longer was not made by this API. */
const maxCursorLength = 2048;

export const encodeCursor = (key: Record<string, unknown> | undefined): string | null =>
  key === undefined ? null : Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');

const StoredKey = z.record(z.string(), z.string().check(z.minLength(1), z.maxLength(1024)));

/** Which list a cursor continues: a Query of the table (`pk`, `sk`) or of an index, optionally one partition. */
export type CursorScope = { index?: IndexName; partition?: string };

const notACursor = (): KontaktError =>
  validationError([{ field: 'cursor', message: 'not a cursor this list returned' }]);

/** What a cursor's base64url JSON holds, not yet checked; a cursor that is not one is a 400 naming `cursor`. */
const decodedJson = (cursor: string): unknown => {
  if (cursor.length > maxCursorLength || !/^[A-Za-z0-9_-]+$/.test(cursor)) throw notACursor();
  try {
    return JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw notACursor();
  }
};

/**
 * The start key a cursor carries, read strictly: exactly the key attributes of the table and of
 * the index the list reads (a LastEvaluatedKey has those and nothing else), every one a string,
 * and, where the list names it, the partition the list reads. Anything else is a 400 naming
 * `cursor`: a forged start key must never reach DynamoDB.
 */
export const decodeCursor = (
  cursor: string | undefined,
  scope: CursorScope = {},
): Record<string, string> | undefined => {
  if (cursor === undefined) return undefined;
  const decoded = decodedJson(cursor);
  const index = scope.index === undefined ? undefined : tableDefinition.indexes[scope.index];
  const expected = [
    tableDefinition.partitionKey,
    tableDefinition.sortKey,
    ...(index ? [index.partitionKey, index.sortKey] : []),
  ];
  // the names as decoded, before any parser could drop one (`__proto__`)
  const names = typeof decoded === 'object' && decoded !== null && !Array.isArray(decoded) ? Object.keys(decoded) : [];
  const key = StoredKey.safeParse(decoded);
  if (!key.success || names.length !== expected.length || !expected.every((name) => names.includes(name))) {
    throw notACursor();
  }
  const partitionAttribute = index ? index.partitionKey : tableDefinition.partitionKey;
  if (scope.partition !== undefined && key.data[partitionAttribute] !== scope.partition) throw notACursor();
  return key.data;
};

const MergedCursor = z.object({
  list: z.string().check(z.minLength(1), z.maxLength(1024)),
  after: z.string().check(z.minLength(1), z.maxLength(1024)),
});

/** The cursor of a merged (sharded) list: the list's name and the sort value of the last item returned. */
export const encodeMergedCursor = (list: string, after: string): string =>
  Buffer.from(JSON.stringify({ list, after }), 'utf8').toString('base64url');

/**
 * The sort value a merged list's cursor continues after, read strictly: exactly `list` and `after`,
 * strings, and the list this cursor was made for; anything else is a 400 naming `cursor`. The value
 * only bounds a key condition, so it can never reach another partition.
 */
export const decodeMergedCursor = (cursor: string | undefined, list: string): string | undefined => {
  if (cursor === undefined) return undefined;
  const decoded = decodedJson(cursor);
  const names = typeof decoded === 'object' && decoded !== null && !Array.isArray(decoded) ? Object.keys(decoded) : [];
  const parsed = MergedCursor.safeParse(decoded);
  if (!parsed.success || names.length !== 2 || parsed.data.list !== list) throw notACursor();
  return parsed.data.after;
};

/** `?limit=`: default 50, at most 100 (API.md). */
export const LimitParam = z.optional(
  z.pipe(
    z.string().check(z.regex(/^\d+$/, 'must be a whole number')),
    z.pipe(
      z.transform((value: string) => Number(value)),
      z.number().check(z.minimum(1, 'must be at least 1'), z.maximum(100, 'must be at most 100')),
    ),
  ),
);
export const defaultLimit = 50;

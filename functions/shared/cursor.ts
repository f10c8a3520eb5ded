/** Opaque list cursors: DynamoDB's LastEvaluatedKey, base64url-encoded; a tampered cursor is a 400. */
import * as z from 'zod/mini';
import { type KontaktError, validationError } from '../../domain/shared/errors.ts';

const StoredKey = z.record(z.string(), z.string());

export const encodeCursor = (key: Record<string, unknown> | undefined): string | null =>
  key === undefined ? null : Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');

export const decodeCursor = (cursor: string | undefined): Record<string, string> | undefined => {
  if (cursor === undefined) return undefined;
  try {
    return StoredKey.parse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
  } catch {
    throw validationError([{ field: 'cursor', message: 'not a cursor this API returned' }]);
  }
};

/**
 * A cursor that decodes but names a start key this list cannot start from (forged, or from another
 * list) makes DynamoDB refuse the Query; that is the client's 400, not a 500.
 */
export const badCursor = (error: unknown): KontaktError | null =>
  error instanceof Error &&
  error.name === 'ValidationException' &&
  /starting key|ExclusiveStartKey/i.test(error.message)
    ? validationError([{ field: 'cursor', message: 'not a cursor this list returned' }])
    : null;

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

/**
 * `Idempotency-Key` for writes from outside: the first answer is stored with the write it answers,
 * in the same transaction, and returned for every retry within 24 hours. A key reused for a
 * different request is refused rather than answered with someone else's result.
 */
import { createHash } from 'node:crypto';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { KontaktError, validationError } from '../../domain/shared/errors.ts';
import { createStore } from '../shared/store.ts';
import { idempotencyItem, idempotencyRecords } from './idempotency-record.entity.ts';
import type { IdempotencyWrite } from './inbox-entry-writer.ts';

export const idempotencyTtlSeconds = 24 * 3600;

export type StoredAnswer = { status: number; body?: unknown; headers?: Record<string, string> };

/** A stable fingerprint of a request body: the same fields in another order are the same request. */
export const requestHash = (body: unknown): string => {
  const canonical = (value: unknown): unknown =>
    Array.isArray(value)
      ? value.map(canonical)
      : typeof value === 'object' && value !== null
        ? Object.fromEntries(
            Object.entries(value)
              .sort(([a], [b]) => a.localeCompare(b))
              .map(([k, v]) => [k, canonical(v)]),
          )
        : value;
  return createHash('sha256')
    .update(JSON.stringify(canonical(body)))
    .digest('base64url');
};

/** The header's value, checked: printable ASCII, at most 255 characters. */
export const readIdempotencyKey = (headers: Record<string, string>): string | null => {
  const key = headers['idempotency-key'];
  if (key === undefined) return null;
  if (!/^[\x21-\x7e]{1,255}$/.test(key)) {
    throw validationError([{ field: 'Idempotency-Key', message: 'must be 1 to 255 printable characters' }]);
  }
  return key;
};

export const createIdempotencyStore = (doc: DynamoDBDocumentClient, tableName: string) => {
  const store = createStore(doc, tableName);
  return {
    /** The answer stored for this key, or null; a reused key with another request is a 422. */
    async find(scope: string, key: string, hash: string, now: Date): Promise<StoredAnswer | null> {
      const record = await store.get(idempotencyRecords, idempotencyRecords.key(scope, key), { consistent: true });
      if (!record) return null;
      if (record.ttl <= Math.floor(now.getTime() / 1000)) return null;
      if (record.requestHash !== hash) {
        throw new KontaktError(
          'idempotency-key-reused',
          'This Idempotency-Key was used for a different request within the last 24 hours',
          {
            errors: [
              { field: 'Idempotency-Key', message: 'was used for a different request within the last 24 hours' },
            ],
          },
        );
      }
      return record.answer;
    },

    /** The record to write in the same transaction as the work it answers. */
    write(scope: string, key: string, hash: string, answer: StoredAnswer, now: Date): IdempotencyWrite {
      const nowEpoch = Math.floor(now.getTime() / 1000);
      return {
        key: idempotencyRecords.key(scope, key),
        record: idempotencyItem(scope, key, {
          requestHash: hash,
          answer,
          createdAt: now.toISOString(),
          ttl: nowEpoch + idempotencyTtlSeconds,
        }),
        nowEpoch,
      };
    },
  };
};

export type IdempotencyStore = ReturnType<typeof createIdempotencyStore>;

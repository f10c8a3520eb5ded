// List cursors are read strictly: only what the list itself returned continues it; anything else
// is a 400 naming `cursor` and never reaches DynamoDB.
import { describe, expect, it } from 'vitest';
import { KontaktError } from '../../../domain/shared/errors.ts';
import { decodeCursor, encodeCursor } from '../../../functions/shared/cursor.ts';
import { problemStatus } from '../../../functions/shared/problem.ts';

const forged = (key: unknown): string => Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');

const refusal = (run: () => unknown): unknown => {
  try {
    run();
  } catch (error) {
    return error instanceof KontaktError ? { status: problemStatus(error), errors: error.errors } : error;
  }
  return 'accepted';
};

const inboxPage = { pk: 'INBOX#01J', sk: 'INBOX', gsi4pk: 'INBOX', gsi4sk: '2026-01-01T00:00:00.000Z#01J' };

describe('list cursors', () => {
  it('reads back the key the list returned', () => {
    expect(decodeCursor(encodeCursor(inboxPage) ?? '', { index: 'gsi4', partition: 'INBOX' })).toEqual(inboxPage);
  });

  it.each([
    ['carrying another attribute', { ...inboxPage, ttl: '1' }],
    ['missing a key attribute', { pk: 'INBOX#01J', sk: 'INBOX', gsi4pk: 'INBOX' }],
    ['with a number where a string belongs', { ...inboxPage, gsi4sk: 5 }],
    ['of another index', { pk: 'INBOX#01J', sk: 'INBOX', gsi1pk: 'INBOX', gsi1sk: 'x' }],
    ['of another partition', { ...inboxPage, gsi4pk: 'PERSONS' }],
    ['empty', {}],
    ['an array', ['pk', 'sk']],
    ['with an empty value', { ...inboxPage, sk: '' }],
  ])('refuses a forged cursor %s', (_, key) => {
    expect(refusal(() => decodeCursor(forged(key), { index: 'gsi4', partition: 'INBOX' }))).toEqual({
      status: 400,
      errors: [{ field: 'cursor', message: 'not a cursor this list returned' }],
    });
  });

  it.each([
    ['not base64url', 'a+b/c=='],
    ['not JSON', Buffer.from('{"pk":', 'utf8').toString('base64url')],
    ['far too long', 'A'.repeat(5000)],
    ['a prototype key', forged(JSON.parse('{"__proto__":{"pk":"x"},"pk":"a","sk":"b"}'))],
  ])('refuses a cursor that is %s', (_, cursor) => {
    expect(refusal(() => decodeCursor(cursor))).toMatchObject({ status: 400 });
  });

  it('reads a table query cursor as pk and sk only', () => {
    expect(decodeCursor(forged({ pk: 'S#mu', sk: 'mueller#1' }))).toEqual({ pk: 'S#mu', sk: 'mueller#1' });
    expect(refusal(() => decodeCursor(forged({ pk: 'S#mu', sk: 'x', gsi1pk: 'y' })))).toMatchObject({ status: 400 });
  });
});

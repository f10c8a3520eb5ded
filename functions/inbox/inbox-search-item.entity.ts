/**
 * Search items of the inbox's `q` prefix search: one per search token of an entry, written in the
 * entry's transaction, in the partition of the token's first two characters, sorted by token and,
 * within a token, newest first; a prefix search is one Query with `begins_with` on the sort key.
 */
import * as z from 'zod/mini';
import { defineEntity, type Key, onTable } from '../shared/entity.ts';

const partition = (word: string): string => `INBOXQ#${word.slice(0, 2)}`;
/** Milliseconds counted down, so that a later entry sorts first. */
const newestFirst = (iso: string): string => String(9_999_999_999_999 - Date.parse(iso)).padStart(13, '0');

/**
 * Found by a token, which it does not store (its record is the entry's id alone), so its item is
 * built with the token given apart: `inboxSearchItem`, never `item()`.
 */
export const inboxSearchItems = defineEntity({
  name: 'inbox-search',
  version: 1,
  schema: z.object({ entryId: z.string() }),
  key: (token: string, createdAt: string, entryId: string): Key => ({
    pk: partition(token),
    sk: `${token}#${newestFirst(createdAt)}#${entryId}`,
  }),
  keyOf: (): [string, string, string] => {
    throw new Error('an inbox-search item is keyed by the token it does not store: use inboxSearchItem');
  },
  patterns: {
    /** the items whose token starts with `word` (at least two characters), newest first within a token */
    byPrefix: (word: string) => onTable(partition(word), { beginsWith: word }),
  },
});

/** The search item of one token of an entry. */
export const inboxSearchItem = (token: string, entry: { id: string; createdAt: string }): Record<string, unknown> =>
  inboxSearchItems.itemAt(inboxSearchItems.key(token, entry.createdAt, entry.id), { entryId: entry.id });

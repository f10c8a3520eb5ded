/**
 * Search items of the inbox's `q` prefix search: one per search token of an entry, written in the
 * worker's indexing transaction, in a shard of the partition of the token's first two characters, sorted by token and,
 * within a token, newest first; a prefix search is one Query with `begins_with` on the sort key.
 */
import * as z from 'zod/mini';
import { defineEntity, type Key, onShards, shardedPartition } from '../shared/entity.ts';

const partition = (word: string): string => `INBOXQ#${word.slice(0, 2)}`;
/**
 * A partition of two first letters is busy (every Marie, Martin and Maier writes `ma`), so each is
 * spread over shards by the entry's id; a prefix search reads them all and merges.
 */
export const searchShards = 8;
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
    pk: shardedPartition(partition(token), entryId, searchShards),
    sk: `${token}#${newestFirst(createdAt)}#${entryId}`,
  }),
  keyOf: (): [string, string, string] => {
    throw new Error('an inbox-search item is keyed by the token it does not store: use inboxSearchItem');
  },
  patterns: {
    /** the items whose token starts with `word` (at least two characters), newest first within a token */
    byPrefix: (word: string) => onShards(null, partition(word), searchShards, { beginsWith: word }),
  },
});

/** The search item of one token of an entry. */
export const inboxSearchItem = (token: string, entry: { id: string; createdAt: string }): Record<string, unknown> =>
  inboxSearchItems.itemAt(inboxSearchItems.key(token, entry.createdAt, entry.id), { entryId: entry.id });

/** The token, entry and created time a stored search item stands for (its sort key holds them; a token may hold `#`). */
export const searchItemParts = (item: { sk: string }): { token: string; entryId: string; createdAt: string } => {
  const parts = item.sk.split('#');
  return {
    token: parts.slice(0, -2).join('#'),
    entryId: parts.at(-1) ?? '',
    createdAt: new Date(9_999_999_999_999 - Number(parts.at(-2))).toISOString(),
  };
};

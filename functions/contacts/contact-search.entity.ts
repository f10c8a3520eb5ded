/**
 * Search items of persons and companies: one per search token of a record, in the partition of the
 * token's first two characters, sorted by token and, within a token, newest first; a prefix search
 * is one Query with `begins_with` on the sort key.
 */
import * as z from 'zod/mini';
import { defineEntity, type Key, onTable } from '../shared/entity.ts';

type Scope = 'PERSON' | 'COMPANY';

const partition = (scope: Scope, word: string): string => `${scope}Q#${word.slice(0, 2)}`;
const newestFirst = (iso: string): string => String(9_999_999_999_999 - Date.parse(iso)).padStart(13, '0');

/**
 * Found by a token, which it does not store (its record is the record's id alone), so its item is
 * built with the token given apart: `searchItem`, never `item()`.
 */
const searchItems = (scope: Scope, name: string) =>
  defineEntity({
    name,
    version: 1,
    schema: z.object({ recordId: z.string() }),
    key: (token: string, createdAt: string, id: string): Key => ({
      pk: partition(scope, token),
      sk: `${token}#${newestFirst(createdAt)}#${id}`,
    }),
    keyOf: (): [string, string, string] => {
      throw new Error(`a ${name} item is keyed by the token it does not store: use searchItem`);
    },
    patterns: {
      /** the items whose token starts with `word` (at least two characters), newest first within a token */
      byPrefix: (word: string) => onTable(partition(scope, word), { beginsWith: word }),
    },
  });

export const personSearchItems = searchItems('PERSON', 'person-search');
export const companySearchItems = searchItems('COMPANY', 'company-search');

export type SearchItems = typeof personSearchItems;

export const searchItem = (
  entity: SearchItems,
  token: string,
  record: { id: string; createdAt: string },
): Record<string, unknown> => entity.itemAt(entity.key(token, record.createdAt, record.id), { recordId: record.id });

/**
 * The guard that makes a vCard import create nothing twice: one item per card content (a hash of
 * what the card gives a person), naming the person it created, written in that person's own
 * transaction. The same card imported again, from the same file or another, finds it.
 */
import * as z from 'zod/mini';
import { defineEntity, type Key, type TransactItem } from '../shared/entity.ts';

export const vcardCards = defineEntity({
  name: 'vcard-card',
  version: 1,
  schema: z.lazy(() => z.object({ hash: z.string(), personId: z.string(), importedAt: z.string() })),
  key: (hash: string): Key => ({ pk: `VCARD#${hash}`, sk: 'VCARD' }),
  keyOf: (card) => [card.hash],
});

/** The guard's write: only when no person was created from this card before. */
export const vcardCardPut = (
  tableName: string,
  card: { hash: string; personId: string; importedAt: string },
): TransactItem => ({
  Put: { TableName: tableName, Item: vcardCards.item(card), ConditionExpression: 'attribute_not_exists(pk)' },
});

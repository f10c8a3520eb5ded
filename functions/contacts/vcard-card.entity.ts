/**
 * The guard that makes a vCard import create nothing twice: one item per card content (a hash of
 * what the card gives a person), naming the person it created, written in that person's own
 * transaction. The same card imported again, from the same file or another, finds it.
 */
import { createHash } from 'node:crypto';
import * as z from 'zod/mini';
import { defineEntity, type Key, type TransactItem } from '../shared/entity.ts';

export const vcardCards = defineEntity({
  name: 'vcard-card',
  version: 1,
  // a person's card names the person; a company's card (KIND:org) the company
  schema: z.lazy(() =>
    z.object({
      hash: z.string(),
      personId: z.optional(z.string()),
      companyId: z.optional(z.string()),
      importedAt: z.string(),
    }),
  ),
  key: (hash: string): Key => ({ pk: `VCARD#${hash}`, sk: 'VCARD' }),
  keyOf: (card) => [card.hash],
});

/** The guard's write: only when no person was created from this card before. */
export const vcardCardPut = (
  tableName: string,
  card: { hash: string; personId?: string; companyId?: string; importedAt: string },
): TransactItem => ({
  Put: { TableName: tableName, Item: vcardCards.item(card), ConditionExpression: 'attribute_not_exists(pk)' },
});

/**
 * A company a vCard import created, by its name as written (case and spacing aside, hashed: names
 * run to 200 characters): the import's later cards, parts and retries naming it link it.
 */
export const vcardCompanies = defineEntity({
  name: 'vcard-company',
  version: 1,
  schema: z.lazy(() => z.object({ name: z.string(), companyId: z.string(), createdAt: z.string() })),
  key: (name: string): Key => ({
    pk: `VCARDORG#${createHash('sha256').update(name).digest('base64url')}`,
    sk: 'VCARDORG',
  }),
  keyOf: (company) => [company.name],
});

/**
 * The company's name guard: only one request creates the company of a name; a guard whose company
 * is gone (`replacing` its id) is taken over, still by one request only.
 */
export const vcardCompanyPut = (
  tableName: string,
  company: { name: string; companyId: string; createdAt: string },
  replacing?: string,
): TransactItem => ({
  Put: {
    TableName: tableName,
    Item: vcardCompanies.item(company),
    ...(replacing === undefined
      ? { ConditionExpression: 'attribute_not_exists(pk)' }
      : {
          ConditionExpression: 'attribute_not_exists(pk) OR companyId = :gone',
          ExpressionAttributeValues: { ':gone': replacing },
        }),
  },
});

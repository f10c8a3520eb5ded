/**
 * Lookup items of duplicate protection: a record is written under each of its lookup keys together
 * with its match profiles, in the record's own transaction; a check reads one partition per key
 * (at most 50 items each), all in parallel, and never the records themselves.
 */
import { type DynamoDBDocumentClient, QueryCommand, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod/mini';
import type { FoundRecord } from '../../domain/duplicates/duplicate-check.ts';
import type { CompanyProfile, PersonProfile } from '../../domain/duplicates/match-profile.ts';
import type { RecordLookups } from '../../domain/duplicates/record-profiles.ts';
import type { CandidateKind } from '../../domain/inbox/inbox-entry.ts';
import { entityTags, lookupItemKey, lookupPartition, type RecordKind, type RecordRef } from '../shared/table.ts';
import { parseStored } from '../shared/validation.ts';

export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** A duplicate check never reads more than this many items from one lookup partition. */
export const maxLookupItems = 50;

export const candidateKindOf: Record<Extract<RecordKind, 'PERSON' | 'COMPANY' | 'INBOX'>, CandidateKind> = {
  PERSON: 'person',
  COMPANY: 'company',
  INBOX: 'inboxEntry',
};

/** Deletes the keys the record no longer has and (re)writes every key it has, with its current profiles. */
export const lookupWrites = (
  tableName: string,
  owner: RecordRef,
  before: RecordLookups,
  after: RecordLookups,
): TransactItem[] => {
  const kept = new Set(after.keys);
  return [
    ...before.keys
      .filter((key) => !kept.has(key))
      .map((key) => ({ Delete: { TableName: tableName, Key: lookupItemKey(key, owner) } })),
    ...after.keys.map((key) => ({
      Put: {
        TableName: tableName,
        Item: {
          ...lookupItemKey(key, owner),
          ...entityTags('match-lookup', 1),
          kind: owner.kind,
          id: owner.id,
          profiles: after.profiles,
        },
      },
    })),
  ];
};

const optionalString = z.optional(z.string());
const optionalList = z.optional(z.array(z.string()));
const place = {
  emails: optionalList,
  phones: optionalList,
  street: optionalString,
  houseNumber: optionalString,
  postcode: optionalString,
  city: optionalString,
  country: optionalString,
};

/** The match profiles as stored in lookup items, parsed on read like every stored item. */
const PersonProfileSchema = z.object({
  ...place,
  firstName: optionalString,
  lastName: optionalString,
  birthday: optionalString,
  addressLine2: optionalString,
  company: optionalString,
}) satisfies z.ZodMiniType<PersonProfile>;
const CompanyProfileSchema = z.object({
  ...place,
  name: z.string(),
  domains: optionalList,
}) satisfies z.ZodMiniType<CompanyProfile>;

const LookupItem = z.object({
  kind: z.enum(['PERSON', 'COMPANY', 'INBOX']),
  id: z.string(),
  profiles: z.object({ person: z.optional(PersonProfileSchema), company: z.optional(CompanyProfileSchema) }),
});

export type LookupResult = {
  found: FoundRecord[];
  /** DynamoDB requests made: one Query per key */
  requests: number;
  /** the most items one lookup returned (at most `maxLookupItems`) */
  largestLookup: number;
  consumedCapacity: number;
  /** lookups that found nothing (DynamoDB Local reports no capacity for them; AWS bills 0.5 RCU each) */
  emptyLookups: number;
};

export const createLookupReader = (doc: DynamoDBDocumentClient, tableName: string) => ({
  async find(keys: readonly string[]): Promise<LookupResult> {
    const pages = await Promise.all(
      keys.map((key) =>
        doc.send(
          new QueryCommand({
            TableName: tableName,
            KeyConditionExpression: 'pk = :pk',
            ExpressionAttributeValues: { ':pk': lookupPartition(key) },
            Limit: maxLookupItems,
            ReturnConsumedCapacity: 'TOTAL',
          }),
        ),
      ),
    );
    const found: FoundRecord[] = [];
    for (const page of pages) {
      for (const item of page.Items ?? []) {
        // lookup items of the first schema (email only, no profiles) found persons by email alone; they are ignored
        if (item._et !== 'match-lookup') continue;
        const { kind, id, profiles } = parseStored(LookupItem, item, 'lookup item');
        found.push({ kind: candidateKindOf[kind], id, profiles });
      }
    }
    return {
      found,
      requests: pages.length,
      largestLookup: Math.max(0, ...pages.map((p) => p.Items?.length ?? 0)),
      consumedCapacity: pages.reduce((sum, p) => sum + (p.ConsumedCapacity?.CapacityUnits ?? 0), 0),
      emptyLookups: pages.filter((p) => (p.Items?.length ?? 0) === 0).length,
    };
  },
});

export type LookupReader = ReturnType<typeof createLookupReader>;

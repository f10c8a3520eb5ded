/**
 * Lookup items of duplicate protection: a record (person, company, open inbox entry) under one of its
 * lookup keys (normalised email, E.164 phone, phonetic name + postcode, company key, …), carrying the
 * record's match profiles, so a check reads one partition per key and never the records themselves.
 */
import * as z from 'zod/mini';
import { noRefinement } from '../../domain/duplicates/lookup-keys.ts';
import type { CompanyProfile, PersonProfile } from '../../domain/duplicates/match-profile.ts';
import type { RecordRef } from '../contacts/reference.entity.ts';
import { defineEntity, type Key, onTable } from '../shared/entity.ts';

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

const ownerKinds = ['PERSON', 'COMPANY', 'INBOX'] as const;
export type LookupOwner = { kind: (typeof ownerKinds)[number]; id: string };

const partition = (lookupKey: string): string => `LOOKUP#${lookupKey}`;
/**
 * Persons and companies sort before inbox entries, so that a lookup read capped at 50 items never
 * loses the master data behind a crowd of leads sharing, say, a company's domain; within each, items
 * sort by the key's refinement, so a crowded partition can be read again narrowed to a refinement.
 */
const ownerGroup = (owner: RecordRef): 1 | 2 => (owner.kind === 'INBOX' ? 2 : 1);

/**
 * Found by its lookup key and refinement, which it does not store (its record is the owner and its
 * profiles), so its item is built with the key given apart: `lookupItem`, never `item()`. Version 2
 * has the refinement in the sort key; items of version 1 (`firstLayoutKey`) are read until the
 * backfill (`npm run backfill-matching`) replaces them.
 */
export const lookupItems = defineEntity({
  name: 'match-lookup',
  version: 2,
  schema: z.object({
    kind: z.enum(ownerKinds),
    id: z.string(),
    profiles: z.object({ person: z.optional(PersonProfileSchema), company: z.optional(CompanyProfileSchema) }),
  }),
  key: (lookupKey: string, refine: string, owner: RecordRef): Key => ({
    pk: partition(lookupKey),
    sk: `${ownerGroup(owner)}#${refine}#${owner.kind}#${owner.id}`,
  }),
  keyOf: (): [string, string, RecordRef] => {
    throw new Error('a lookup item is keyed by the lookup key it does not store: use lookupItem');
  },
  patterns: {
    /** every record under one lookup key (master data first) */
    byKey: (lookupKey: string) => onTable(partition(lookupKey)),
    /** the persons and companies under one lookup key with one refinement */
    recordsRefinedBy: (lookupKey: string, refine: string) =>
      onTable(partition(lookupKey), { beginsWith: `1#${refine}#` }),
    /** the persons and companies under one lookup key that lack the refining value (`-`) */
    unrefinedRecords: (lookupKey: string) => onTable(partition(lookupKey), { beginsWith: `1#${noRefinement}#` }),
    /** the inbox entries under one lookup key with one refinement */
    entriesRefinedBy: (lookupKey: string, refine: string) =>
      onTable(partition(lookupKey), { beginsWith: `2#${refine}#` }),
  },
});

export type LookupRecord = z.infer<typeof lookupItems.schema>;

export const lookupItem = (
  lookup: { key: string; refine: string },
  owner: LookupOwner,
  profiles: LookupRecord['profiles'],
): Record<string, unknown> =>
  lookupItems.itemAt(lookupItems.key(lookup.key, lookup.refine, owner), { kind: owner.kind, id: owner.id, profiles });

/** Whether a lookup item is a person's or company's without the refining value: they sort first in a partition. */
export const isUnrefinedRecord = (item: Record<string, unknown>): boolean =>
  typeof item.sk === 'string' && item.sk.startsWith(`1#${noRefinement}#`);

/** The key of a lookup item as version 1 wrote it (without the refinement), to delete it. */
export const firstLayoutKey = (lookupKey: string, owner: RecordRef): Key => ({
  pk: partition(lookupKey),
  sk: `${ownerGroup(owner)}#${owner.kind}#${owner.id}`,
});

/**
 * Which items found under a lookup key are lookup items of this entity, and of which layout: the
 * very first ones (email only, another entity tag) are none; version 1 is an earlier layout.
 */
export const lookupLayout = (item: Record<string, unknown>): 'current' | 'earlier' | 'foreign' =>
  !lookupItems.owns(item) ? 'foreign' : item._v === lookupItems.version ? 'current' : 'earlier';

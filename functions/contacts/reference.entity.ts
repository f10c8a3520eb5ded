/**
 * Reference items: "record `from` points at `target` through `field`" (a person's companyId, a
 * supervisorId, an inbox entry's personId, …), in the target's partition, so that a merge finds
 * every link of a record in one partition, with strongly consistent reads.
 */
import * as z from 'zod/mini';
import { activities } from '../activities/activity.entity.ts';
import { emails } from '../emails/email.entity.ts';
import { inboxEntries } from '../inbox/inbox-entry.entity.ts';
import { opportunities } from '../opportunities/opportunity.entity.ts';
import { defineEntity, type Key, onTable } from '../shared/entity.ts';
import { ticketKey } from '../tickets/ticket-number.entity.ts';
import { companies } from './company.entity.ts';
import { persons } from './person.entity.ts';

/** The kinds of record that other records point at, and that lookup items and references name. */
export const recordKinds = ['PERSON', 'COMPANY', 'INBOX', 'OPP', 'ACT', 'TIC', 'EMAIL'] as const;
export type RecordKind = (typeof recordKinds)[number];
export type RecordRef = { kind: RecordKind; id: string };

/**
 * The entity of each kind of record, which keys its items (a link's "target exists" check, a link's
 * move). Looked up when called, not when this module loads, so import order between entities never matters.
 */
const recordEntity = (kind: RecordKind): { key: (id: string) => Key } => {
  switch (kind) {
    case 'PERSON':
      return persons;
    case 'COMPANY':
      return companies;
    case 'INBOX':
      return inboxEntries;
    case 'OPP':
      return opportunities;
    case 'ACT':
      return activities;
    case 'TIC':
      // the key alone: the ticket entity would bring the service clocks (luxon) to every module that names a reference
      return { key: ticketKey };
    case 'EMAIL':
      return emails;
  }
};

/** The key of the record a reference names, from that record's own entity. */
export const recordKey = (ref: RecordRef): Key => recordEntity(ref.kind).key(ref.id);

const referencesTo = (target: RecordRef): string => `REFS#${target.kind}#${target.id}`;

/**
 * Found by the target it names, which it does not store (its record is the linking side alone), so
 * its item is built with the target given apart: `referenceItem`, never `item()`.
 */
export const references = defineEntity({
  name: 'reference',
  version: 1,
  schema: z.object({ fromKind: z.enum(recordKinds), fromId: z.string(), field: z.string() }),
  key: (target: RecordRef, from: RecordRef, field: string): Key => ({
    pk: referencesTo(target),
    sk: `${from.kind}#${from.id}#${field}`,
  }),
  keyOf: (): [RecordRef, RecordRef, string] => {
    throw new Error('a reference is keyed by the target it does not store: use referenceItem');
  },
  patterns: {
    /** every link to one record */
    to: (target: RecordRef) => onTable(referencesTo(target)),
    /** the links to one record from records of one kind, by the linking record's id (ULIDs: by creation) */
    toFrom: (target: RecordRef, kind: RecordKind) => onTable(referencesTo(target), { beginsWith: `${kind}#` }),
  },
});

export const referenceItem = (target: RecordRef, from: RecordRef, field: string): Record<string, unknown> =>
  references.itemAt(references.key(target, from, field), { fromKind: from.kind, fromId: from.id, field });

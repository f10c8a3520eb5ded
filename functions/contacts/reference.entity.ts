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
import { defineEntity, indexAttributes, type Key, onIndex, onTable } from '../shared/entity.ts';
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

/** The kinds of record a company's timeline shows: what happened with it and its people. */
export const timelineKinds = ['ACT', 'EMAIL', 'OPP', 'TIC'] as const satisfies readonly RecordKind[];
const onTimeline = (kind: RecordKind): boolean => (timelineKinds as readonly RecordKind[]).includes(kind);

const timelineIndex = 'gsi2';
const timelinePartition = (companyId: string): string => `TIMELINE#${companyId}`;

/**
 * A company's timeline: the reference items of the activities, emails, opportunities and tickets
 * that link it, on an index by the linking record's id (ULIDs: newest first when read backwards).
 * The references are written with each record in its transaction and moved by merges, so the
 * timeline is too: no item of its own, no Scan, no read per person.
 */
export const companyTimeline = (companyId: string) => onIndex(timelineIndex, timelinePartition(companyId));

/** The attributes that put a reference item on a company's timeline (absent on those stored before timelines). */
export const timelineAttributes = indexAttributes(timelineIndex);

export const referenceItem = (target: RecordRef, from: RecordRef, field: string): Record<string, unknown> => {
  const item = references.itemAt(references.key(target, from, field), { fromKind: from.kind, fromId: from.id, field });
  if (target.kind !== 'COMPANY' || !onTimeline(from.kind)) return item;
  return {
    ...item,
    [timelineAttributes.pk]: timelinePartition(target.id),
    [timelineAttributes.sk]: `${from.id}#${from.kind}#${field}`,
  };
};

/** The start of the partitions of the references to records of one kind (`begins_with` in a maintenance Scan). */
export const referencesToKind = (kind: RecordKind): string => `REFS#${kind}#`;

/** The record a reference item points at, from its partition key (`REFS#<kind>#<id>`). */
export const referenceTarget = (key: Record<string, unknown>): RecordRef | null => {
  const [prefix, kind, ...id] = String(key.pk).split('#');
  return prefix === 'REFS' && kind && (recordKinds as readonly string[]).includes(kind) && id.length > 0
    ? { kind: kind as RecordKind, id: id.join('#') }
    : null;
};

/** The linking record a reference item's key names (`<kind>#<id>#<field>`), from the key alone. */
export const referenceFrom = (key: Record<string, unknown>): RecordRef | null => {
  const [kind, id] = String(key.sk).split('#');
  return kind && id && (recordKinds as readonly string[]).includes(kind) ? { kind: kind as RecordKind, id } : null;
};

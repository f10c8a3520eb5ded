/**
 * What a merge leaves on the records it touches: the duplicate is marked `mergingInto` and carries
 * the pending-merge index key (sparse gsi3, oldest first) while its links move, then becomes a
 * tombstone under its own key naming the survivor, which requests for it are sent on to.
 */
import * as z from 'zod/mini';
import { defineEntity, type IndexKey, indexAttributes, onIndex } from '../shared/entity.ts';
import { companies } from './company.entity.ts';
import { persons } from './person.entity.ts';

const Tombstone = z.object({ id: z.string(), mergedInto: z.string(), mergedAt: z.string() });

/** A merged record: its item keeps the record's entity tag and key, and names the survivor only. */
const tombstonesOf = (record: { name: string; version: number; key: (id: string) => { pk: string; sk: string } }) =>
  defineEntity({
    name: record.name,
    version: record.version,
    schema: Tombstone,
    key: record.key,
    keyOf: (tombstone) => [tombstone.id],
  });

export const personTombstones = tombstonesOf(persons);
export const companyTombstones = tombstonesOf(companies);

/** Whether a stored record item is a tombstone. */
export const isTombstone = (item: Record<string, unknown>): boolean => typeof item.mergedInto === 'string';

/** The survivor a record being merged away is merging into, if it is. */
export const mergingInto = (item: Record<string, unknown>): string | null =>
  typeof item.mergingInto === 'string' ? item.mergingInto : null;

const pendingPartition = 'MERGE#PENDING';
const mergeKinds = ['PERSON', 'COMPANY'] as const;
type MergeKind = (typeof mergeKinds)[number];

/** A merge that started and has not finished: the duplicate, what it merges into, and since when. */
export type PendingMerge = { kind: MergeKind; duplicateId: string; survivorId: string; startedAt: string };

const PendingItem = z.object({ id: z.string(), mergingInto: z.string(), gsi3sk: z.string() });

/**
 * The pending-merge index on a record being merged away, so the merge resumer finishes a merge
 * whose caller never came back (never a Scan).
 */
export const pendingMerges = {
  /** the index key a duplicate carries from the start of its merge until it is a tombstone */
  indexKey: (startedAt: string, kind: MergeKind, id: string): IndexKey => ({
    index: 'gsi3',
    pk: pendingPartition,
    sk: `${startedAt}#${kind}#${id}`,
  }),
  /** the names of that index key's attributes */
  attributes: indexAttributes('gsi3'),
  patterns: {
    /** merges started before `startedBefore`, oldest first */
    startedBefore: (startedBefore: string) => onIndex('gsi3', pendingPartition, { below: startedBefore }),
  },
  /** A pending merge read from the index; anything else found there (a record of another kind) is null. */
  parse: (item: Record<string, unknown>): PendingMerge | null => {
    const parsed = PendingItem.safeParse(item);
    if (!parsed.success) return null;
    const [startedAt = '', kind = ''] = parsed.data.gsi3sk.split('#');
    return kind === 'PERSON' || kind === 'COMPANY'
      ? { kind, duplicateId: parsed.data.id, survivorId: parsed.data.mergingInto, startedAt }
      : null;
  },
};

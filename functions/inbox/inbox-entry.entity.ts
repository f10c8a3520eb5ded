/**
 * Inbox entries in the single table: the entry under `INBOX#<id>`, found by status, by responsible
 * user, in the whole inbox (newest first), as spam (kept apart, with a TTL) and, while its duplicate
 * check is pending, by the sweeper (sparse gsi3, oldest first).
 */
import * as z from 'zod/mini';
import { type InboxEntry, processingStatuses } from '../../domain/inbox/inbox-entry.ts';
import {
  type AccessPattern,
  defineEntity,
  type IndexKey,
  indexAttributes,
  onShards,
  shardedPartition,
} from '../shared/entity.ts';
import type { IndexName } from '../shared/table.ts';

const optionalString = z.optional(z.string());

const StoredMoney = z.object({ amount: z.number(), currency: z.string() });

const StoredContact = z.object({
  salutation: optionalString,
  title: optionalString,
  firstName: optionalString,
  lastName: optionalString,
  email: optionalString,
  phone: optionalString,
  companyName: optionalString,
  street: optionalString,
  addressLine2: optionalString,
  postalCode: optionalString,
  city: optionalString,
  country: optionalString,
  birthday: optionalString,
});

const StoredCandidate = z.object({
  kind: z.enum(['person', 'company', 'inboxEntry']),
  id: z.string(),
  score: z.number(),
  level: z.enum(['match', 'possible']),
  reasons: z.array(z.string()),
});

/** The stored attributes of an entry (besides keys, tags and the check's bookkeeping below). */
export const InboxEntryRecord = z.lazy(() =>
  z.object({
    id: z.string(),
    title: z.string(),
    source: z.string(),
    priority: z.string(),
    processingStatus: z.enum(processingStatuses),
    archiveReason: z.nullable(z.string()),
    responsibleUserId: z.nullable(z.string()),
    contact: StoredContact,
    message: optionalString,
    expectedBudget: z.nullable(StoredMoney),
    consent: z.optional(z.object({ text: z.string(), givenAt: z.string() })),
    tracking: z.optional(
      z.object({
        pageUrl: optionalString,
        referrer: optionalString,
        utm: z.optional(
          z.object({
            source: optionalString,
            medium: optionalString,
            campaign: optionalString,
            term: optionalString,
            content: optionalString,
          }),
        ),
      }),
    ),
    createdAt: z.string(),
    updatedAt: z.string(),
    qualifiedAt: z.nullable(z.string()),
    opportunityId: z.nullable(z.string()),
    companyId: z.nullable(z.string()),
    personId: z.nullable(z.string()),
    duplicateCheck: z.object({
      status: z.enum(['pending', 'done', 'failed']),
      checkedAt: z.nullable(z.string()),
      candidates: z.array(StoredCandidate),
    }),
    statusHistory: z.array(
      z.object({ status: z.enum(processingStatuses), at: z.string(), userId: z.nullable(z.string()) }),
    ),
    raw: z.record(z.string(), z.unknown()),
    version: z.number(),
  }),
);

/** Spam is kept this long (to look into false positives), then deleted by DynamoDB's TTL. */
export const spamRetentionDays = 30;

export const isSpam = (entry: InboxEntry): boolean => entry.archiveReason === 'spam';
const epochSeconds = (iso: string): number => Math.floor(Date.parse(iso) / 1000);
/** Sort keys that list newest last and stay unique. */
const timeOrdered = (at: string, id: string): string => `${at}#${id}`;

/**
 * Every list an entry is in takes a write per new lead, so each is spread over `listShards`
 * partitions by a hash of the entry's id (README "Partitions and the intake ceiling" has the
 * arithmetic): at 1,000 leads/s no shard gets near DynamoDB's 1,000 write units/s per partition.
 */
export const listShards = 8;

const lists = {
  all: 'INBOX',
  spam: 'INBOX#SPAM',
  byStatus: (status: string) => `INBOX#STATUS#${status}`,
  byResponsible: (userId: string) => `INBOX#USER#${userId}`,
  pendingChecks: 'DUPCHECK#PENDING',
};

const inList = (list: string, entry: InboxEntry): string => shardedPartition(list, entry.id, listShards);

/**
 * The lists an entry is in: status (or spam), the whole inbox and its user's, all but spam's newest
 * first. An entry joins the whole inbox when the worker indexes it (store first, index next: the
 * request writes two index copies, status and pending check) or a person changes it; its status
 * list shows it at once.
 */
const listIndexes = (entry: InboxEntry, options: { wholeInbox: boolean } = { wholeInbox: true }): IndexKey[] => {
  const sort = timeOrdered(entry.createdAt, entry.id);
  if (isSpam(entry)) return [{ index: 'gsi1', pk: inList(lists.spam, entry), sk: sort }];
  return [
    { index: 'gsi1', pk: inList(lists.byStatus(entry.processingStatus), entry), sk: sort },
    ...(options.wholeInbox ? [{ index: 'gsi4' as const, pk: inList(lists.all, entry), sk: sort }] : []),
    ...(entry.responsibleUserId
      ? [{ index: 'gsi2' as const, pk: inList(lists.byResponsible(entry.responsibleUserId), entry), sk: sort }]
      : []),
  ];
};

const pendingCheckIndex = (entry: InboxEntry): IndexKey => ({
  index: 'gsi3',
  pk: inList(lists.pendingChecks, entry),
  sk: timeOrdered(entry.createdAt, entry.id),
});

export const inboxEntries = defineEntity({
  name: 'inbox-entry',
  version: 1,
  schema: InboxEntryRecord,
  key: (id: string) => ({ pk: `INBOX#${id}`, sk: 'INBOX' }),
  keyOf: (entry) => [entry.id],
  // the item of a new entry: not yet in the whole inbox while its check (and its indexing) is pending
  indexes: (entry) => {
    const pending = entry.duplicateCheck.status === 'pending';
    return [...listIndexes(entry, { wholeInbox: !pending }), pending && pendingCheckIndex(entry)];
  },
  // an entry is written whole only when it is created: its contact data is at revision 1
  derived: (entry) => ({
    ...(isSpam(entry) ? { ttl: epochSeconds(entry.createdAt) + spamRetentionDays * 86_400 } : {}),
    checkRevision: 1,
  }),
  patterns: {
    /** every entry except spam, newest first (the default list), within an optional created range */
    all: (created?: AccessPattern['sort']) => onShards('gsi4', lists.all, listShards, created),
    /** one processing status */
    byStatus: (status: string, created?: AccessPattern['sort']) =>
      onShards('gsi1', lists.byStatus(status), listShards, created),
    /** one responsible user's entries (not spam) */
    byResponsible: (userId: string, created?: AccessPattern['sort']) =>
      onShards('gsi2', lists.byResponsible(userId), listShards, created),
    /** entries archived as spam, until their TTL */
    spam: (created?: AccessPattern['sort']) => onShards('gsi1', lists.spam, listShards, created),
    /** entries whose duplicate check is pending and that were created before `createdBefore`, oldest first */
    pendingChecks: (createdBefore: string) =>
      onShards('gsi3', lists.pendingChecks, listShards, { below: createdBefore }),
  },
});

/** How records that point at an entry (lookup and reference items) name it. */
export const inboxEntryRef = (id: string) => ({ kind: 'INBOX' as const, id });

const attributesOf = (indexes: readonly IndexName[], keys: readonly IndexKey[]): Record<string, string | null> => {
  const out: Record<string, string | null> = {};
  for (const index of indexes) {
    const names = indexAttributes(index);
    const key = keys.find((k) => k.index === index);
    out[names.pk] = key?.pk ?? null;
    out[names.sk] = key?.sk ?? null;
  }
  return out;
};

/**
 * The list index attributes of an entry by name, each with its value or null where the entry is
 * not in that list (an update removes those), for updates that move an entry between lists.
 */
export const listIndexAttributes = (entry: InboxEntry): Record<string, string | null> =>
  attributesOf(['gsi1', 'gsi2', 'gsi4'], listIndexes(entry));

/** The whole inbox's index attributes (the worker's indexing adds an entry to it), null for spam. */
export const wholeInboxAttributes = (entry: InboxEntry): Record<string, string | null> =>
  attributesOf(['gsi4'], listIndexes(entry));

/** The status list's index attributes only (a conversion changes the status and nothing else of the lists). */
export const statusIndexAttributes = (entry: InboxEntry): Record<string, string | null> =>
  attributesOf(['gsi1'], listIndexes(entry));

/** The pending-check index attributes of an entry whose check is pending (again). */
export const pendingCheckAttributes = (entry: InboxEntry): Record<string, string> => {
  const key = pendingCheckIndex(entry);
  const names = indexAttributes(key.index);
  return { [names.pk]: key.pk, [names.sk]: key.sk };
};

/** The names of the pending-check index attributes, which a finished or failed check removes. */
export const pendingCheckAttributeNames: readonly string[] = Object.values(indexAttributes('gsi3'));

/**
 * The duplicate check's bookkeeping on the entry, never part of the record: the revision of the
 * contact data a check must match, how often the worker failed on it, and when the sweeper last
 * asked for it again (entries stored before each of them count as revision 1, no failure, never swept).
 */
export const checkBookkeeping = (item: Record<string, unknown>) => ({
  checkRevision: typeof item.checkRevision === 'number' ? item.checkRevision : 1,
  checkFailures: typeof item.checkFailures === 'number' ? item.checkFailures : 0,
  lastSweptAt: typeof item.lastSweptAt === 'string' ? item.lastSweptAt : null,
});

/** Whether a stored entry is still there for the API: DynamoDB (and never DynamoDB Local) deletes expired spam late. */
export const isLive = (item: Record<string, unknown>, nowEpoch: number): boolean =>
  !(typeof item.ttl === 'number' && item.ttl <= nowEpoch);

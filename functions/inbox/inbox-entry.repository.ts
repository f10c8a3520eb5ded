/**
 * Inbox entries in the single table (functions/inbox/inbox-entry.entity.ts): the entry with its
 * list keys, its search items (one per indexed prefix) and duplicate lookups written in the same
 * transaction, and spam kept apart with a TTL.
 */
import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { contactLookups, noLookups, type RecordLookups } from '../../domain/duplicates/record-profiles.ts';
import { indexableTokens, searchWord } from '../../domain/inbox/common-tokens.ts';
import type { Candidate, DuplicateCheck, InboxEntry } from '../../domain/inbox/inbox-entry.ts';
import { openStatuses } from '../../domain/inbox/inbox-workflow.ts';
import { matchesAll, queryWords, searchTokens } from '../../domain/inbox/search-tokens.ts';
import { conflict } from '../../domain/shared/errors.ts';
import { linkableChecks, type Reference, referenceWrites } from '../contacts/references.ts';
import { lookupWrites } from '../duplicates/match-lookups.ts';
import { importedRowGuardPut } from '../imports/import-row-guard.ts';
import type { ShardedPattern, TransactItem } from '../shared/entity.ts';
import { isTransactionConflict, retrying } from '../shared/retry.ts';
import { createStore, type Page } from '../shared/store.ts';
import { tableDefinition } from '../shared/table.ts';
import {
  checkBookkeeping,
  inboxEntries,
  inboxEntryRef,
  isLive,
  listIndexAttributes,
  pendingCheckAttributeNames,
  pendingCheckAttributes,
  statusIndexAttributes,
  wholeInboxAttributes,
} from './inbox-entry.entity.ts';
import { createInboxEntryWriter } from './inbox-entry-writer.ts';
import { inboxSearchItem, inboxSearchItems } from './inbox-search-item.entity.ts';

/** A transaction holds at most 100 items: an entry, its idempotency record and (changed) search items. */
export const maxSearchItems = 20;

const isSpam = (entry: InboxEntry): boolean => entry.archiveReason === 'spam';
const nowEpoch = (): number => Math.floor(Date.now() / 1000);

/** The tokens an entry is found by (spam is never found); names first, so a cut keeps the most useful. */
export const indexedTokens = (entry: InboxEntry): string[] =>
  isSpam(entry) ? [] : indexableTokens(searchTokens(entry.contact)).slice(0, maxSearchItems);

/**
 * Open entries are found by duplicate checks (the same person writing twice is the commonest
 * duplicate); spam, archived and converted ones are not.
 */
export const entryLookups = (entry: InboxEntry): RecordLookups =>
  !isSpam(entry) && openStatuses.includes(entry.processingStatus) ? contactLookups(entry.contact) : noLookups;

const searchItemPut = (tableName: string, entry: InboxEntry, token: string): TransactItem => ({
  Put: { TableName: tableName, Item: inboxSearchItem(token, entry) },
});

export type PendingCheck = {
  id: string;
  source: string;
  createdAt: string;
  lastSweptAt: string | null;
  /** how often the worker failed on this entry's check */
  failures: number;
};

export type InboxListQuery = {
  limit: number;
  cursor?: string | undefined;
  processingStatus?: string | undefined;
  responsibleUserId?: string | undefined;
  source?: string | undefined;
  priority?: string | undefined;
  createdFrom?: string | undefined;
  createdTo?: string | undefined;
  archiveReason?: string | undefined;
  q?: string | undefined;
};

/** The SET clauses, names and values that put an entry in the whole inbox (none for spam, which never is). */
const wholeInboxSets = (entry: InboxEntry) => {
  const pairs = Object.entries(wholeInboxAttributes(entry)).filter(([, value]) => value !== null);
  return {
    clauses: pairs.map((_, i) => `#list${i} = :list${i}`),
    names: Object.fromEntries(pairs.map(([name], i) => [`#list${i}`, name])),
    values: Object.fromEntries(pairs.map(([, value], i) => [`:list${i}`, value])),
  };
};

/** A pending check's condition: the updates of the worker and the sweeper apply only while it is pending. */
const whilePending = {
  condition: 'duplicateCheck.#status = :pending',
  names: { '#status': 'status' },
  values: { ':pending': 'pending' },
};

/** How `foundBy` names a candidate that was found, or that found this entry (addFoundBy, completeDuplicateCheck). */
const foundByRef = (candidate: Pick<Candidate, 'kind' | 'id'>): string => `${candidate.kind}#${candidate.id}`;

const unlessCheckDone = (error: unknown): void => {
  if (!(error instanceof ConditionalCheckFailedException)) throw error;
};

/** What indexing an entry writes (the duplicate-check worker, one entry or a batch's together): the condition on its version with its whole-inbox keys, its search and lookup items, and an imported row's guard. */
export const entryIndexWrites = (
  tableName: string,
  entry: InboxEntry,
): { items: TransactItem[]; guard: TransactItem | null } => {
  const condition = {
    TableName: tableName,
    Key: inboxEntries.key(entry.id),
    ConditionExpression: 'attribute_exists(pk) AND version = :version',
  };
  // the entry joins the whole inbox now (spam never does); its version stays, nothing a person sees changed
  const wholeInbox = wholeInboxSets(entry);
  const items: TransactItem[] = [
    wholeInbox.clauses.length === 0
      ? { ConditionCheck: { ...condition, ExpressionAttributeValues: { ':version': entry.version } } }
      : {
          Update: {
            ...condition,
            UpdateExpression: `SET ${wholeInbox.clauses.join(', ')}`,
            ExpressionAttributeNames: wholeInbox.names,
            ExpressionAttributeValues: { ':version': entry.version, ...wholeInbox.values },
          },
        },
    ...indexedTokens(entry).map((token) => searchItemPut(tableName, entry, token)),
    ...lookupWrites(tableName, inboxEntryRef(entry.id), noLookups, entryLookups(entry)),
  ];
  return { items, guard: importedRowGuardPut(tableName, entry) };
};

export const createInboxEntryRepository = (doc: DynamoDBDocumentClient, tableName: string) => {
  const store = createStore(doc, tableName);
  /** A page of a list's shards, newest first, with the filters the key cannot express. */
  const filteredPage = async (
    pattern: ShardedPattern,
    page: { limit: number; cursor?: string | undefined },
    filter: { expressions: string[]; names: Record<string, string>; values: Record<string, unknown> },
  ): Promise<Page<InboxEntry>> => {
    const found = await store.queryMerged(pattern, {
      ...page,
      newestFirst: true,
      ...(filter.expressions.length
        ? { filter: { expression: filter.expressions.join(' AND '), names: filter.names, values: filter.values } }
        : {}),
    });
    return { items: found.items.map((item) => inboxEntries.parse(item)), nextCursor: found.nextCursor };
  };

  return {
    ...createInboxEntryWriter(doc, tableName),

    /**
     * The writes that convert an entry, for the conversion's one transaction: the entry (only if it
     * is still open: a second conversion fails its condition), its status list key, its links and
     * their reference items; it leaves the duplicate lookups (a converted entry is no candidate).
     */
    convertItems(previous: InboxEntry, converted: InboxEntry): TransactItem[] {
      const ref = inboxEntryRef(converted.id);
      const links = (entry: InboxEntry): Reference[] => [
        ...(entry.personId ? [{ target: { kind: 'PERSON' as const, id: entry.personId }, field: 'personId' }] : []),
        ...(entry.companyId ? [{ target: { kind: 'COMPANY' as const, id: entry.companyId }, field: 'companyId' }] : []),
      ];
      const open = openStatuses.map((_, i) => `:open${i}`);
      const list = Object.entries(statusIndexAttributes(converted));
      return [
        {
          Update: {
            TableName: tableName,
            Key: inboxEntries.key(converted.id),
            UpdateExpression: `SET processingStatus = :status, qualifiedAt = :at, opportunityId = :opp, companyId = :company, personId = :person, statusHistory = :history, updatedAt = :at, version = :version, ${list.map((_, i) => `#list${i} = :list${i}`).join(', ')}`,
            // the entry as it was read: a change made meanwhile (a new email) makes the conversion read it again
            ConditionExpression: `attribute_exists(pk) AND version = :expected AND processingStatus IN (${open.join(', ')})`,
            ExpressionAttributeNames: Object.fromEntries(list.map(([name], i) => [`#list${i}`, name])),
            ExpressionAttributeValues: {
              ':status': converted.processingStatus,
              ':at': converted.qualifiedAt,
              ':opp': converted.opportunityId,
              ':company': converted.companyId,
              ':person': converted.personId,
              ':history': converted.statusHistory,
              ':version': converted.version,
              ':expected': previous.version,
              ...Object.fromEntries(list.map(([, value], i) => [`:list${i}`, value])),
              ...Object.fromEntries(openStatuses.map((s, i) => [`:open${i}`, s])),
            },
          },
        },
        ...lookupWrites(tableName, ref, entryLookups(previous), entryLookups(converted)),
        ...referenceWrites(tableName, ref, links(previous), links(converted)),
        ...linkableChecks(tableName, links(previous), links(converted)),
      ];
    },

    /**
     * Writes the entry's search and lookup items, as the entry is now: the worker's first step, after
     * the request stored the entry alone. One transaction, on the condition that the entry is still
     * the version read (`changed` when an edit, a conversion or an erasure came first: read it again).
     * Idempotent: a redelivered message writes the same items again.
     */
    async index(entry: InboxEntry): Promise<'indexed' | 'changed'> {
      const { items, guard } = entryIndexWrites(tableName, entry);
      // an imported row's guard comes last, so its place in the cancellation reasons is known
      let withGuard = guard !== null;
      for (;;) {
        try {
          const attempt = withGuard && guard ? [...items, guard] : items;
          await retrying(() => store.transact(attempt), { attempts: 5, retryable: isTransactionConflict });
          return 'indexed';
        } catch (error) {
          if (!(error instanceof TransactionCanceledException)) throw error;
          const reasons = error.CancellationReasons ?? [];
          if (reasons[0]?.Code === 'ConditionalCheckFailed') return 'changed';
          // another entry holds the row's guard (the row was imported twice before either was
          // indexed): that one stays the row's; this one is indexed without, and its check shows the twin
          if (withGuard && reasons[items.length]?.Code === 'ConditionalCheckFailed') {
            withGuard = false;
            continue;
          }
          throw error;
        }
      }
    },

    /**
     * Adds a later entry to the candidates of an entry whose check was done before the later one was
     * indexed, so two leads of one person find each other whichever was checked first. Once per pair
     * (`foundBy` keeps the ids); nothing when the entry's check is not done (its own check, still to
     * come, finds the later one) or the entry is gone.
     */
    async addFoundBy(id: string, candidate: Candidate): Promise<void> {
      const ref = foundByRef(candidate);
      await store
        .update(inboxEntries.key(id), {
          expression:
            'SET duplicateCheck.candidates = list_append(duplicateCheck.candidates, :candidate) ADD foundBy :refs',
          condition: 'attribute_exists(pk) AND duplicateCheck.#status = :done AND NOT contains(foundBy, :ref)',
          names: { '#status': 'status' },
          values: { ':candidate': [candidate], ':refs': new Set([ref]), ':ref': ref, ':done': 'done' },
        })
        .catch(unlessCheckDone);
    },

    /** `consistent` for workers that read right after the write that sent them the message. */
    async get(id: string, options: { consistent?: boolean } = {}): Promise<InboxEntry | null> {
      const item = await store.getItem(inboxEntries.key(id), { consistent: options.consistent ?? false });
      return item && isLive(item, nowEpoch()) ? inboxEntries.parse(item) : null;
    },

    /** Live entries by id, strongly consistent (the duplicate-check worker's batch); missing ones left out. */
    async getManyForCheck(ids: readonly string[]): Promise<InboxEntry[]> {
      const found = await store.getItems(
        ids.map((id) => inboxEntries.key(id)),
        true,
      );
      const now = nowEpoch();
      return [...found.values()].filter((item) => isLive(item, now)).map((item) => inboxEntries.parse(item));
    },

    /** The entry with the revision of its contact data that a duplicate check must match to be written. */
    async getForCheck(id: string): Promise<{ entry: InboxEntry; checkRevision: number } | null> {
      const item = await store.getItem(inboxEntries.key(id), { consistent: true });
      if (!item || !isLive(item, nowEpoch())) return null;
      return { entry: inboxEntries.parse(item), checkRevision: checkBookkeeping(item).checkRevision };
    },

    /**
     * Writes a user's change: only the fields a person edits, never the duplicate check a worker
     * may be writing at the same moment, unless the contact changed (then a new check is pending
     * under a new revision). Stale versions are 409.
     */
    async update(previous: InboxEntry, next: InboxEntry, options: { contactChanged: boolean }): Promise<void> {
      const names: Record<string, string> = {};
      const values: Record<string, unknown> = { ':expected': previous.version };
      const sets: string[] = [];
      const removes: string[] = [];
      const set = (field: string, value: unknown): void => {
        names[`#${field}`] = field;
        sets.push(`#${field} = :${field}`);
        values[`:${field}`] = value ?? null;
      };
      const remove = (field: string): void => {
        names[`#${field}`] = field;
        removes.push(`#${field}`);
      };
      for (const field of [
        'title',
        'priority',
        'processingStatus',
        'archiveReason',
        'responsibleUserId',
        'contact',
        'expectedBudget',
        'updatedAt',
        'statusHistory',
        'version',
      ] as const) {
        set(field, next[field]);
      }
      if (next.message === undefined) remove('message');
      else set('message', next.message);
      // the lists the entry is in now; an index key left out is removed (no empty index key is stored)
      for (const [name, value] of Object.entries(listIndexAttributes(next))) {
        if (value === null) remove(name);
        else set(name, value);
      }
      if (options.contactChanged) {
        set('duplicateCheck', next.duplicateCheck);
        for (const [name, value] of Object.entries(pendingCheckAttributes(next))) set(name, value);
        sets.push('checkRevision = if_not_exists(checkRevision, :one) + :one');
        values[':one'] = 1;
        remove('checkFailures');
        remove('lastSweptAt');
        // the entries that found the old contact data are found again, or not, by the new check
        remove('foundBy');
      }
      // a reopened false positive is a lead again: it no longer expires
      if (isSpam(previous) && !isSpam(next)) remove(tableDefinition.ttlAttribute);
      const lookupsBefore = entryLookups(previous);
      const lookupsAfter = entryLookups(next);
      const lookupsChanged =
        options.contactChanged ||
        lookupsBefore.keys.length !== lookupsAfter.keys.length ||
        lookupsBefore.keys.some(
          (k, i) => k.key !== lookupsAfter.keys[i]?.key || k.refine !== lookupsAfter.keys[i]?.refine,
        );
      const before = new Set(indexedTokens(previous));
      const after = new Set(indexedTokens(next));
      const items: TransactItem[] = [
        {
          Update: {
            TableName: tableName,
            Key: inboxEntries.key(next.id),
            UpdateExpression: `SET ${sets.join(', ')}${removes.length ? ` REMOVE ${removes.join(', ')}` : ''}`,
            ConditionExpression: 'attribute_exists(pk) AND version = :expected',
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: values,
          },
        },
        ...[...before]
          .filter((token) => !after.has(token))
          .map((token) => inboxSearchItems.delete(tableName, token, previous.createdAt, previous.id)),
        ...[...after].filter((token) => !before.has(token)).map((token) => searchItemPut(tableName, next, token)),
        ...(lookupsChanged ? lookupWrites(tableName, inboxEntryRef(next.id), lookupsBefore, lookupsAfter) : []),
      ];
      try {
        await store.transact(items);
      } catch (error) {
        if (error instanceof TransactionCanceledException) {
          const reasons = error.CancellationReasons ?? [];
          if (reasons[0]?.Code === 'ConditionalCheckFailed') {
            throw conflict('stale-version', `inbox entry ${next.id} has changed since version ${previous.version}`);
          }
          if (reasons.some((r) => r.Code === 'TransactionConflict')) {
            throw conflict('concurrent-change', `inbox entry ${next.id} is being changed by another request; retry`);
          }
        }
        throw error;
      }
    },

    /**
     * Writes a finished duplicate check, once, and only for the contact data it was computed from:
     * a redelivered message, or a check overtaken by an edit of the contact, changes nothing.
     */
    async completeDuplicateCheck(id: string, check: DuplicateCheck, checkRevision: number): Promise<boolean> {
      // the open entries it found count as found by: one of them checked after this one finds it
      // again and must not add itself a second time (addFoundBy)
      const refs = check.candidates.filter((c) => c.kind === 'inboxEntry').map(foundByRef);
      try {
        await store.update(inboxEntries.key(id), {
          expression: `SET duplicateCheck = :check${refs.length > 0 ? ' ADD foundBy :refs' : ''} REMOVE ${[...pendingCheckAttributeNames, 'checkFailures', 'lastSweptAt'].join(', ')}`,
          condition: `attribute_exists(pk) AND ${whilePending.condition} AND (checkRevision = :rev OR (attribute_not_exists(checkRevision) AND :rev = :one))`,
          names: whilePending.names,
          values: {
            ...whilePending.values,
            ':check': check,
            ':rev': checkRevision,
            ':one': 1,
            ...(refs.length > 0 ? { ':refs': new Set(refs) } : {}),
          },
        });
        return true;
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return false;
        throw error;
      }
    },

    /** Entries whose check is still pending and were created before `createdBefore`, oldest first (a sparse index). */
    async listPendingChecks(createdBefore: string, limit: number): Promise<PendingCheck[]> {
      const res = await store.queryMerged(inboxEntries.patterns.pendingChecks(createdBefore), { limit });
      return res.items.map((item) => {
        const { checkFailures, lastSweptAt } = checkBookkeeping(item);
        return {
          id: String(item.id),
          source: String(item.source),
          createdAt: String(item.createdAt),
          failures: checkFailures,
          lastSweptAt,
        };
      });
    },

    /** Notes when the check was last re-requested, so the next request waits for its retry window. */
    async recordSweep(id: string, now: Date): Promise<void> {
      await store
        .update(inboxEntries.key(id), {
          expression: 'SET lastSweptAt = :now',
          condition: whilePending.condition,
          names: whilePending.names,
          values: { ...whilePending.values, ':now': now.toISOString() },
        })
        .catch(unlessCheckDone);
    },

    /** Counts a failed attempt of the worker, so a check that can never succeed is given up on. */
    async recordCheckFailure(id: string): Promise<void> {
      await store
        .update(inboxEntries.key(id), {
          expression: 'ADD checkFailures :one',
          condition: whilePending.condition,
          names: whilePending.names,
          values: { ...whilePending.values, ':one': 1 },
        })
        .catch(unlessCheckDone);
    },

    /**
     * Gives up on a check: the entry shows `failed` (a person looks at it), leaves the sweep index and
     * joins the whole inbox, which the worker's indexing would have added it to.
     */
    async failDuplicateCheck(id: string, now: Date): Promise<void> {
      // the whole inbox's key as the entry is now: an entry changed meanwhile (marked as spam) is read again
      for (let attempt = 1; attempt <= 5; attempt += 1) {
        const entry = await this.get(id, { consistent: true });
        if (entry?.duplicateCheck.status !== 'pending') return;
        const wholeInbox = wholeInboxSets(entry);
        try {
          await store.update(inboxEntries.key(id), {
            expression: `SET ${['duplicateCheck.#status = :failed', 'duplicateCheck.checkedAt = :now', ...wholeInbox.clauses].join(', ')} REMOVE ${pendingCheckAttributeNames.join(', ')}`,
            condition: `${whilePending.condition} AND version = :version`,
            names: { ...whilePending.names, ...wholeInbox.names },
            values: {
              ...whilePending.values,
              ':failed': 'failed',
              ':now': now.toISOString(),
              ':version': entry.version,
              ...wholeInbox.values,
            },
          });
          return;
        } catch (error) {
          unlessCheckDone(error);
        }
      }
    },

    /**
     * Newest first (a `q` search: by matched token, newest first within it). The most selective
     * access pattern is read (q → search items, responsible user, status or spam, otherwise the
     * whole inbox, all with the created range in the key condition); the remaining filters apply to
     * that page, so a page may hold fewer than `limit`.
     */
    async list(query: InboxListQuery): Promise<Page<InboxEntry>> {
      const now = nowEpoch();
      const created = {
        from: query.createdFrom ?? '0000',
        to: query.createdTo ? `${query.createdTo}\uffff` : '\uffff',
      };

      if (query.q !== undefined) {
        const words = queryWords(query.q);
        const page = await store.queryMerged(inboxSearchItems.patterns.byPrefix(searchWord(words)), {
          limit: query.limit,
          cursor: query.cursor,
        });
        // an entry whose several tokens share the prefix is listed once
        const ids = [...new Set(page.items.map((item) => inboxSearchItems.parse(item).entryId))];
        const found = await store.getItems(ids.map((id) => inboxEntries.key(id)));
        const live = new Map(
          [...found.values()]
            .filter((item) => isLive(item, now))
            .map((item) => inboxEntries.parse(item))
            .map((entry) => [entry.id, entry]),
        );
        const items = ids
          .flatMap((id) => live.get(id) ?? [])
          .filter((entry) => matchesAll(words, searchTokens(entry.contact)))
          .filter(
            (entry) =>
              entry.createdAt >= created.from &&
              entry.createdAt <= created.to &&
              (query.source === undefined || entry.source === query.source) &&
              (query.priority === undefined || entry.priority === query.priority) &&
              (query.processingStatus === undefined || entry.processingStatus === query.processingStatus) &&
              (query.responsibleUserId === undefined || entry.responsibleUserId === query.responsibleUserId),
          );
        return { items, nextCursor: page.nextCursor };
      }

      const filter = {
        expressions: [] as string[],
        names: {} as Record<string, string>,
        values: {} as Record<string, unknown>,
      };
      const filterOn = (field: string, value: string | undefined) => {
        if (value === undefined) return;
        filter.expressions.push(`#f_${field} = :f_${field}`);
        filter.names[`#f_${field}`] = field;
        filter.values[`:f_${field}`] = value;
      };
      let pattern: ShardedPattern;
      if (query.archiveReason === 'spam') {
        pattern = inboxEntries.patterns.spam(created);
      } else if (query.responsibleUserId !== undefined) {
        pattern = inboxEntries.patterns.byResponsible(query.responsibleUserId, created);
        filterOn('processingStatus', query.processingStatus);
      } else if (query.processingStatus !== undefined) {
        pattern = inboxEntries.patterns.byStatus(query.processingStatus, created);
      } else {
        pattern = inboxEntries.patterns.all(created);
      }
      filterOn('source', query.source);
      filterOn('priority', query.priority);
      if (query.archiveReason !== 'spam') filterOn('archiveReason', query.archiveReason);
      else {
        // spam DynamoDB has not deleted yet is gone for the API
        filter.expressions.push('(attribute_not_exists(#ttl) OR #ttl > :now)');
        filter.names['#ttl'] = tableDefinition.ttlAttribute;
        filter.values[':now'] = now;
      }
      return filteredPage(pattern, { limit: query.limit, cursor: query.cursor }, filter);
    },
  };
};

export type InboxEntryRepository = ReturnType<typeof createInboxEntryRepository>;

export { IdempotencyKeyTakenError, type IdempotencyWrite } from './inbox-entry-writer.ts';

/**
 * Inbox entries in the single table: the entry with its list keys (status, responsible user, all,
 * pending check), its search items (one per indexed prefix, written in the same transaction), and
 * spam kept apart with a TTL.
 */
import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { contactLookups, noLookups, type RecordLookups } from '../../domain/duplicates/record-profiles.ts';
import type { DuplicateCheck, InboxEntry } from '../../domain/inbox/inbox-entry.ts';
import { openStatuses } from '../../domain/inbox/inbox-workflow.ts';
import { matchesAll, queryWords, searchTokens } from '../../domain/inbox/search-tokens.ts';
import { conflict } from '../../domain/shared/errors.ts';
import { decodeCursor, encodeCursor } from '../shared/cursor.ts';
import { isTransactionConflict, retrying } from '../shared/retry.ts';
import {
  entityTags,
  type IndexName,
  inboxAll,
  inboxByResponsible,
  inboxByStatus,
  inboxEntryKey,
  inboxSearchItem,
  inboxSearchPartition,
  inboxSpam,
  pendingDuplicateCheck,
  pendingDuplicateCheckPartition,
} from '../shared/table.ts';
import { parseStored } from '../shared/validation.ts';
import { InboxEntrySchema } from './inbox-entry.item.ts';
import { lookupWrites, type TransactItem } from './match-lookups.ts';
import { linkableChecks, type Reference, referenceWrites } from './references.ts';

export const inboxEntrySchemaVersion = 1;
/** Spam is kept this long (to look into false positives), then deleted by DynamoDB's TTL. */
export const spamRetentionDays = 30;
/** A transaction holds at most 100 items: an entry, its idempotency record and (changed) search items. */
export const maxSearchItems = 20;

const isSpam = (entry: InboxEntry): boolean => entry.archiveReason === 'spam';
const epochSeconds = (iso: string): number => Math.floor(Date.parse(iso) / 1000);

/** The tokens an entry is found by (spam is never found); names first, so a cut keeps the most useful. */
export const indexedTokens = (entry: InboxEntry): string[] =>
  isSpam(entry) ? [] : searchTokens(entry.contact).slice(0, maxSearchItems);

/**
 * Open entries are found by duplicate checks (the same person writing twice is the commonest
 * duplicate); spam, archived and converted ones are not.
 */
export const entryLookups = (entry: InboxEntry): RecordLookups =>
  !isSpam(entry) && openStatuses.includes(entry.processingStatus) ? contactLookups(entry.contact) : noLookups;

const entryRef = (entry: InboxEntry) => ({ kind: 'INBOX' as const, id: entry.id });

const indexKeys = (entry: InboxEntry) => ({
  ...(isSpam(entry)
    ? inboxSpam(entry.createdAt, entry.id)
    : inboxByStatus(entry.processingStatus, entry.createdAt, entry.id)),
  ...(isSpam(entry) ? {} : inboxAll(entry.createdAt, entry.id)),
  ...(entry.responsibleUserId && !isSpam(entry)
    ? inboxByResponsible(entry.responsibleUserId, entry.createdAt, entry.id)
    : {}),
  ...(entry.duplicateCheck.status === 'pending' ? pendingDuplicateCheck(entry.createdAt, entry.id) : {}),
});

export const inboxEntryItem = (entry: InboxEntry, checkRevision = 1) => ({
  ...inboxEntryKey(entry.id),
  ...indexKeys(entry),
  ...entityTags('inbox-entry', inboxEntrySchemaVersion),
  ...(isSpam(entry) ? { ttl: epochSeconds(entry.createdAt) + spamRetentionDays * 86_400 } : {}),
  checkRevision,
  ...entry,
});

const searchItem = (entry: InboxEntry, prefix: string) => ({
  ...inboxSearchItem(prefix, entry.createdAt, entry.id),
  ...entityTags('inbox-search', 1),
  entryId: entry.id,
});

export type PendingCheck = {
  id: string;
  source: string;
  createdAt: string;
  lastSweptAt: string | null;
  /** how often the worker failed on this entry's check */
  failures: number;
};

export type IdempotencyWrite = { key: { pk: string; sk: string }; record: Record<string, unknown>; nowEpoch: number };

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

export class IdempotencyKeyTakenError extends Error {
  override readonly name = 'IdempotencyKeyTakenError';
  /** which of the guards written with the entry was taken (the first one, when several were) */
  readonly guardIndex: number;
  constructor(message: string, options: { cause?: unknown; guardIndex?: number } = {}) {
    super(message, { cause: options.cause });
    this.guardIndex = options.guardIndex ?? 0;
  }
}

const notExpired = (item: Record<string, unknown> | undefined, nowEpoch: number): boolean =>
  item !== undefined && !(typeof item.ttl === 'number' && item.ttl <= nowEpoch);

export const createInboxEntryRepository = (doc: DynamoDBDocumentClient, tableName: string) => {
  const parse = (item: Record<string, unknown>) => parseStored(InboxEntrySchema, item, 'inbox entry');

  const batchGet = async (ids: string[]): Promise<Map<string, Record<string, unknown>>> => {
    const found = new Map<string, Record<string, unknown>>();
    let keys = ids.map(inboxEntryKey);
    while (keys.length > 0) {
      const res = await doc.send(new BatchGetCommand({ RequestItems: { [tableName]: { Keys: keys } } }));
      for (const item of res.Responses?.[tableName] ?? []) found.set(String(item.id), item);
      keys = (res.UnprocessedKeys?.[tableName]?.Keys ?? []).map((k) => ({ pk: String(k.pk), sk: String(k.sk) }));
    }
    return found;
  };

  return {
    /**
     * Stores a new entry with its search items, and its idempotency record when given, in one
     * transaction: an entry never exists without them, nor a record without its entry.
     */
    /** Stores a new entry with its once-only guards (an idempotency record, a channel's guards), all or nothing. */
    async create(entry: InboxEntry, idempotency?: IdempotencyWrite | readonly IdempotencyWrite[]): Promise<void> {
      const guards: readonly IdempotencyWrite[] =
        idempotency === undefined ? [] : 'key' in idempotency ? [idempotency] : idempotency;
      const items: NonNullable<TransactWriteCommandInput['TransactItems']> = [
        { Put: { TableName: tableName, Item: inboxEntryItem(entry), ConditionExpression: 'attribute_not_exists(pk)' } },
        ...indexedTokens(entry).map((prefix) => ({ Put: { TableName: tableName, Item: searchItem(entry, prefix) } })),
        ...lookupWrites(tableName, entryRef(entry), noLookups, entryLookups(entry)),
      ];
      const firstGuard = items.length;
      for (const guard of guards) {
        items.push({
          Put: {
            TableName: tableName,
            Item: { ...guard.key, ...guard.record },
            // DynamoDB Local never expires items, so an expired record counts as absent here too.
            ConditionExpression: 'attribute_not_exists(pk) OR #ttl <= :now',
            ExpressionAttributeNames: { '#ttl': 'ttl' },
            ExpressionAttributeValues: { ':now': guard.nowEpoch },
          },
        });
      }
      try {
        // two deliveries of one lead at the same moment (a double click, a retry while the first still
        // runs) conflict on its guard: once the other has committed, this one finds the guard taken
        await retrying(() => doc.send(new TransactWriteCommand({ TransactItems: items })), {
          attempts: 5,
          retryable: isTransactionConflict,
        });
      } catch (error) {
        if (error instanceof TransactionCanceledException) {
          const reasons = error.CancellationReasons ?? [];
          const taken = reasons.slice(firstGuard).findIndex((r) => r.Code === 'ConditionalCheckFailed');
          if (taken >= 0) {
            throw new IdempotencyKeyTakenError('idempotency key used already', { cause: error, guardIndex: taken });
          }
          if (reasons[0]?.Code === 'ConditionalCheckFailed') {
            throw conflict('already-exists', `inbox entry ${entry.id} exists already`);
          }
        }
        throw error;
      }
    },

    /**
     * The writes that convert an entry, for the conversion's one transaction: the entry (only if it
     * is still open: a second conversion fails its condition), its status list key, its links and
     * their reference items; it leaves the duplicate lookups (a converted entry is no candidate).
     */
    convertItems(previous: InboxEntry, converted: InboxEntry): TransactItem[] {
      const keys = indexKeys(converted);
      const ref = entryRef(converted);
      const links = (entry: InboxEntry): Reference[] => [
        ...(entry.personId ? [{ target: { kind: 'PERSON' as const, id: entry.personId }, field: 'personId' }] : []),
        ...(entry.companyId ? [{ target: { kind: 'COMPANY' as const, id: entry.companyId }, field: 'companyId' }] : []),
      ];
      const open = openStatuses.map((_, i) => `:open${i}`);
      return [
        {
          Update: {
            TableName: tableName,
            Key: inboxEntryKey(converted.id),
            UpdateExpression:
              'SET processingStatus = :status, qualifiedAt = :at, opportunityId = :opp, companyId = :company, personId = :person, statusHistory = :history, updatedAt = :at, version = :version, gsi1pk = :gsi1pk, gsi1sk = :gsi1sk',
            // the entry as it was read: a change made meanwhile (a new email) makes the conversion read it again
            ConditionExpression: `attribute_exists(pk) AND version = :expected AND processingStatus IN (${open.join(', ')})`,
            ExpressionAttributeValues: {
              ':status': converted.processingStatus,
              ':at': converted.qualifiedAt,
              ':opp': converted.opportunityId,
              ':company': converted.companyId,
              ':person': converted.personId,
              ':history': converted.statusHistory,
              ':version': converted.version,
              ':expected': previous.version,
              ':gsi1pk': 'gsi1pk' in keys ? keys.gsi1pk : null,
              ':gsi1sk': 'gsi1sk' in keys ? keys.gsi1sk : null,
              ...Object.fromEntries(openStatuses.map((s, i) => [`:open${i}`, s])),
            },
          },
        },
        ...lookupWrites(tableName, ref, entryLookups(previous), entryLookups(converted)),
        ...referenceWrites(tableName, ref, links(previous), links(converted)),
        ...linkableChecks(tableName, links(previous), links(converted)),
      ];
    },

    /** `consistent` for workers that read right after the write that sent them the message. */
    async get(id: string, options: { consistent?: boolean } = {}): Promise<InboxEntry | null> {
      const res = await doc.send(
        new GetCommand({ TableName: tableName, Key: inboxEntryKey(id), ConsistentRead: options.consistent ?? false }),
      );
      return notExpired(res.Item, Math.floor(Date.now() / 1000)) && res.Item ? parse(res.Item) : null;
    },

    /** The entry with the revision of its contact data that a duplicate check must match to be written. */
    async getForCheck(id: string): Promise<{ entry: InboxEntry; checkRevision: number } | null> {
      const res = await doc.send(
        new GetCommand({ TableName: tableName, Key: inboxEntryKey(id), ConsistentRead: true }),
      );
      if (!res.Item || !notExpired(res.Item, Math.floor(Date.now() / 1000))) return null;
      const revision = typeof res.Item.checkRevision === 'number' ? res.Item.checkRevision : 1;
      return { entry: parse(res.Item), checkRevision: revision };
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
      const keys = indexKeys(next);
      const setOrRemove = (field: string, value: unknown): void => {
        names[`#${field}`] = field;
        if (value === undefined || value === null) {
          if (field.startsWith('gsi')) removes.push(`#${field}`);
          else {
            sets.push(`#${field} = :${field}`);
            values[`:${field}`] = null;
          }
          return;
        }
        sets.push(`#${field} = :${field}`);
        values[`:${field}`] = value;
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
        setOrRemove(field, next[field]);
      }
      if (next.message === undefined) {
        names['#message'] = 'message';
        removes.push('#message');
      } else setOrRemove('message', next.message);
      for (const field of ['gsi1pk', 'gsi1sk', 'gsi2pk', 'gsi2sk', 'gsi4pk', 'gsi4sk'] as const) {
        setOrRemove(field, field in keys ? keys[field as keyof typeof keys] : undefined);
      }
      if (options.contactChanged) {
        setOrRemove('duplicateCheck', next.duplicateCheck);
        const pending = pendingDuplicateCheck(next.createdAt, next.id);
        setOrRemove('gsi3pk', pending.gsi3pk);
        setOrRemove('gsi3sk', pending.gsi3sk);
        sets.push('checkRevision = if_not_exists(checkRevision, :one) + :one');
        values[':one'] = 1;
        names['#sweeps'] = 'checkFailures';
        names['#swept'] = 'lastSweptAt';
        removes.push('#sweeps', '#swept');
      }
      if (isSpam(previous) && !isSpam(next)) {
        // a reopened false positive is a lead again: it no longer expires
        names['#ttl'] = 'ttl';
        removes.push('#ttl');
      }
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
      const items: NonNullable<TransactWriteCommandInput['TransactItems']> = [
        {
          Update: {
            TableName: tableName,
            Key: inboxEntryKey(next.id),
            UpdateExpression: `SET ${sets.join(', ')}${removes.length ? ` REMOVE ${removes.join(', ')}` : ''}`,
            ConditionExpression: 'attribute_exists(pk) AND version = :expected',
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: values,
          },
        },
        ...[...before]
          .filter((p) => !after.has(p))
          .map((p) => ({ Delete: { TableName: tableName, Key: inboxSearchItem(p, previous.createdAt, previous.id) } })),
        ...[...after]
          .filter((p) => !before.has(p))
          .map((p) => ({ Put: { TableName: tableName, Item: searchItem(next, p) } })),
        ...(lookupsChanged ? lookupWrites(tableName, entryRef(next), lookupsBefore, lookupsAfter) : []),
      ];
      try {
        await doc.send(new TransactWriteCommand({ TransactItems: items }));
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
      try {
        await doc.send(
          new UpdateCommand({
            TableName: tableName,
            Key: inboxEntryKey(id),
            UpdateExpression: 'SET duplicateCheck = :check REMOVE gsi3pk, gsi3sk, checkFailures, lastSweptAt',
            ConditionExpression:
              'attribute_exists(pk) AND duplicateCheck.#status = :pending AND (checkRevision = :rev OR (attribute_not_exists(checkRevision) AND :rev = :one))',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':check': check, ':pending': 'pending', ':rev': checkRevision, ':one': 1 },
          }),
        );
        return true;
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return false;
        throw error;
      }
    },

    /** Entries whose check is still pending and were created before `createdBefore`, oldest first (sparse gsi3). */
    async listPendingChecks(createdBefore: string, limit: number): Promise<PendingCheck[]> {
      const res = await doc.send(
        new QueryCommand({
          TableName: tableName,
          IndexName: 'gsi3',
          KeyConditionExpression: 'gsi3pk = :pk AND gsi3sk < :before',
          ExpressionAttributeValues: { ':pk': pendingDuplicateCheckPartition, ':before': createdBefore },
          ProjectionExpression: 'id, #source, createdAt, checkFailures, lastSweptAt',
          ExpressionAttributeNames: { '#source': 'source' },
          Limit: limit,
        }),
      );
      return (res.Items ?? []).map((item) => ({
        id: String(item.id),
        source: String(item.source),
        createdAt: String(item.createdAt),
        failures: typeof item.checkFailures === 'number' ? item.checkFailures : 0,
        lastSweptAt: typeof item.lastSweptAt === 'string' ? item.lastSweptAt : null,
      }));
    },

    /** Notes when the check was last re-requested, so the next request waits for its retry window. */
    async recordSweep(id: string, now: Date): Promise<void> {
      await doc
        .send(
          new UpdateCommand({
            TableName: tableName,
            Key: inboxEntryKey(id),
            UpdateExpression: 'SET lastSweptAt = :now',
            ConditionExpression: 'duplicateCheck.#status = :pending',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':pending': 'pending', ':now': now.toISOString() },
          }),
        )
        .catch((error: unknown) => {
          if (!(error instanceof ConditionalCheckFailedException)) throw error;
        });
    },

    /** Counts a failed attempt of the worker, so a check that can never succeed is given up on. */
    async recordCheckFailure(id: string): Promise<void> {
      await doc
        .send(
          new UpdateCommand({
            TableName: tableName,
            Key: inboxEntryKey(id),
            UpdateExpression: 'ADD checkFailures :one',
            ConditionExpression: 'duplicateCheck.#status = :pending',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':one': 1, ':pending': 'pending' },
          }),
        )
        .catch((error: unknown) => {
          if (!(error instanceof ConditionalCheckFailedException)) throw error;
        });
    },

    /** Gives up on a check: the entry shows `failed` (a person looks at it) and leaves the sweep index. */
    async failDuplicateCheck(id: string, now: Date): Promise<void> {
      await doc
        .send(
          new UpdateCommand({
            TableName: tableName,
            Key: inboxEntryKey(id),
            UpdateExpression:
              'SET duplicateCheck.#status = :failed, duplicateCheck.checkedAt = :now REMOVE gsi3pk, gsi3sk',
            ConditionExpression: 'duplicateCheck.#status = :pending',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':failed': 'failed', ':pending': 'pending', ':now': now.toISOString() },
          }),
        )
        .catch((error: unknown) => {
          if (!(error instanceof ConditionalCheckFailedException)) throw error;
        });
    },

    /**
     * Newest first (a `q` search: by matched token, newest first within it). The most selective
     * key picks the index (q → search items, responsible user →
     * gsi2, status or spam → gsi1, otherwise gsi4, all with the created range in the key
     * condition); the remaining filters apply to that page, so a page may hold fewer than `limit`.
     */
    async list(query: InboxListQuery): Promise<{ items: InboxEntry[]; nextCursor: string | null }> {
      const nowEpoch = Math.floor(Date.now() / 1000);
      const from = query.createdFrom ?? '0000';
      const to = query.createdTo ? `${query.createdTo}\uffff` : '\uffff';
      const filters: string[] = [];
      const names: Record<string, string> = {};
      const values: Record<string, unknown> = { ':from': from, ':to': to };
      const filterOn = (field: 'source' | 'priority' | 'processingStatus' | 'responsibleUserId', value?: string) => {
        if (value === undefined) return;
        filters.push(`#f_${field} = :f_${field}`);
        names[`#f_${field}`] = field;
        values[`:f_${field}`] = value;
      };

      if (query.q !== undefined) {
        const words = queryWords(query.q);
        const longest = words[0] ?? '';
        const start = decodeCursor(query.cursor, { partition: inboxSearchPartition(longest) });
        const res = await doc.send(
          new QueryCommand({
            TableName: tableName,
            KeyConditionExpression: 'pk = :pk AND begins_with(sk, :word)',
            ExpressionAttributeValues: { ':pk': inboxSearchPartition(longest), ':word': longest },
            Limit: query.limit,
            ...(start ? { ExclusiveStartKey: start } : {}),
          }),
        );
        // an entry whose several tokens share the prefix is listed once
        const ids = [...new Set((res.Items ?? []).map((item) => String(item.entryId)))];
        const found = await batchGet(ids);
        const items = ids
          .map((id) => found.get(id))
          .filter((item): item is Record<string, unknown> => notExpired(item, nowEpoch))
          .map(parse)
          .filter((entry) => matchesAll(words, searchTokens(entry.contact)))
          .filter(
            (entry) =>
              entry.createdAt >= from &&
              entry.createdAt <= to &&
              (query.source === undefined || entry.source === query.source) &&
              (query.priority === undefined || entry.priority === query.priority) &&
              (query.processingStatus === undefined || entry.processingStatus === query.processingStatus) &&
              (query.responsibleUserId === undefined || entry.responsibleUserId === query.responsibleUserId),
          );
        return { items, nextCursor: encodeCursor(res.LastEvaluatedKey) };
      }

      let index: { name: IndexName; pk: string; partition: string; sk: string };
      if (query.archiveReason === 'spam') {
        index = { name: 'gsi1', pk: 'gsi1pk', partition: 'INBOX#SPAM', sk: 'gsi1sk' };
      } else if (query.responsibleUserId !== undefined) {
        index = { name: 'gsi2', pk: 'gsi2pk', partition: `INBOX#USER#${query.responsibleUserId}`, sk: 'gsi2sk' };
        filterOn('processingStatus', query.processingStatus);
      } else if (query.processingStatus !== undefined) {
        index = { name: 'gsi1', pk: 'gsi1pk', partition: `INBOX#STATUS#${query.processingStatus}`, sk: 'gsi1sk' };
      } else {
        index = { name: 'gsi4', pk: 'gsi4pk', partition: 'INBOX', sk: 'gsi4sk' };
      }
      filterOn('source', query.source);
      filterOn('priority', query.priority);
      if (query.archiveReason !== undefined && query.archiveReason !== 'spam') {
        filters.push('#f_archiveReason = :f_archiveReason');
        names['#f_archiveReason'] = 'archiveReason';
        values[':f_archiveReason'] = query.archiveReason;
      }
      if (query.archiveReason === 'spam') {
        filters.push('(attribute_not_exists(#ttl) OR #ttl > :now)');
        names['#ttl'] = 'ttl';
        values[':now'] = nowEpoch;
      }
      values[':pk'] = index.partition;
      const start = decodeCursor(query.cursor, { index: index.name, partition: index.partition });
      const res = await doc.send(
        new QueryCommand({
          TableName: tableName,
          IndexName: index.name,
          KeyConditionExpression: `${index.pk} = :pk AND ${index.sk} BETWEEN :from AND :to`,
          ...(filters.length ? { FilterExpression: filters.join(' AND ') } : {}),
          ...(Object.keys(names).length ? { ExpressionAttributeNames: names } : {}),
          ExpressionAttributeValues: values,
          ScanIndexForward: false,
          Limit: query.limit,
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      return { items: (res.Items ?? []).map(parse), nextCursor: encodeCursor(res.LastEvaluatedKey) };
    },
  };
};

export type InboxEntryRepository = ReturnType<typeof createInboxEntryRepository>;

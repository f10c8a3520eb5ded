/** Inbox entries in the single table, with their status, responsible-user and pending-check index keys. */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { DuplicateCheck, InboxEntry } from '../../domain/inbox/inbox-entry.ts';
import { conflict } from '../../domain/shared/errors.ts';
import {
  entityTags,
  inboxByResponsible,
  inboxByStatus,
  inboxEntryKey,
  pendingDuplicateCheck,
  pendingDuplicateCheckPartition,
} from '../shared/table.ts';
import { parseStored } from '../shared/validation.ts';
import { InboxEntrySchema } from './inbox-entry.item.ts';

export const inboxEntrySchemaVersion = 1;

export const inboxEntryItem = (entry: InboxEntry) => ({
  ...inboxEntryKey(entry.id),
  ...inboxByStatus(entry.processingStatus, entry.createdAt, entry.id),
  ...(entry.responsibleUserId ? inboxByResponsible(entry.responsibleUserId, entry.createdAt, entry.id) : {}),
  ...(entry.duplicateCheck.status === 'pending' ? pendingDuplicateCheck(entry.createdAt, entry.id) : {}),
  ...entityTags('inbox-entry', inboxEntrySchemaVersion),
  ...entry,
});

export type PendingCheck = { id: string; source: string; createdAt: string; sweeps: number };

export const createInboxEntryRepository = (doc: DynamoDBDocumentClient, tableName: string) => ({
  /** Stores a new entry; an id that exists already is a conflict, never an overwrite. */
  async create(entry: InboxEntry): Promise<void> {
    try {
      await doc.send(
        new PutCommand({
          TableName: tableName,
          Item: inboxEntryItem(entry),
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) {
        throw conflict('already-exists', `inbox entry ${entry.id} exists already`);
      }
      throw error;
    }
  },

  /** `consistent` for workers that read right after the write that sent them the message. */
  async get(id: string, options: { consistent?: boolean } = {}): Promise<InboxEntry | null> {
    const res = await doc.send(
      new GetCommand({ TableName: tableName, Key: inboxEntryKey(id), ConsistentRead: options.consistent ?? false }),
    );
    return res.Item ? parseStored(InboxEntrySchema, res.Item, 'inbox entry') : null;
  },

  /**
   * Writes a finished duplicate check, once: only an entry whose check is still pending takes it,
   * so a redelivered message changes nothing. Returns false when there was nothing to do.
   */
  async completeDuplicateCheck(id: string, check: DuplicateCheck): Promise<boolean> {
    try {
      await doc.send(
        new UpdateCommand({
          TableName: tableName,
          Key: inboxEntryKey(id),
          UpdateExpression: 'SET duplicateCheck = :check REMOVE gsi3pk, gsi3sk, pendingCheckSweeps',
          ConditionExpression: 'attribute_exists(pk) AND duplicateCheck.#status = :pending',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':check': check, ':pending': 'pending' },
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
        ProjectionExpression: 'id, #source, createdAt, pendingCheckSweeps',
        ExpressionAttributeNames: { '#source': 'source' },
        Limit: limit,
      }),
    );
    return (res.Items ?? []).map((item) => ({
      id: String(item.id),
      source: String(item.source),
      createdAt: String(item.createdAt),
      sweeps: typeof item.pendingCheckSweeps === 'number' ? item.pendingCheckSweeps : 0,
    }));
  },

  /** Counts a re-request, so an entry that keeps failing can be given up on instead of looping forever. */
  async recordSweep(id: string): Promise<void> {
    await doc
      .send(
        new UpdateCommand({
          TableName: tableName,
          Key: inboxEntryKey(id),
          UpdateExpression: 'ADD pendingCheckSweeps :one',
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
});

export type InboxEntryRepository = ReturnType<typeof createInboxEntryRepository>;

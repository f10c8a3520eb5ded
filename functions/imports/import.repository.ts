/**
 * CSV imports in the single table: the import item (report counters plus the worker's checkpoint,
 * advanced only by the run holding the current `seq`), and one error item per failed row, sorted
 * by row in the import's partition.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  BatchWriteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import * as z from 'zod/mini';
import {
  type CsvImport,
  type ImportCounters,
  importStatuses,
  type RowError,
  reportedErrorLimit,
} from '../../domain/imports/csv-import.ts';
import { importTargets } from '../../domain/imports/header-mapping.ts';
import { conflict } from '../../domain/shared/errors.ts';
import { entityTags, importErrorKey, importKey, inboxEntryKey } from '../shared/table.ts';
import { parseStored } from '../shared/validation.ts';

const RowErrorSchema = z.object({ row: z.number(), field: z.string(), message: z.string() });

export const ImportLayoutSchema = z.object({
  encoding: z.enum(['utf-8', 'windows-1252']),
  delimiter: z.enum([';', ',', '\t']),
  fileSize: z.number(),
  /** the uploaded object's ETag: every later read asks for exactly this file */
  etag: z.string(),
  headers: z.array(z.string()),
  columns: z.array(z.nullable(z.enum(importTargets))),
});
/** How the worker reads the file, decided on its first run and kept for every later one. */
export type ImportLayout = z.infer<typeof ImportLayoutSchema>;

const ImportItemSchema = z.object({
  id: z.string(),
  filename: z.string(),
  status: z.enum(importStatuses),
  mapping: z.nullable(z.record(z.string(), z.nullable(z.enum(importTargets)))),
  createdBy: z.nullable(z.string()),
  createdAt: z.string(),
  updatedAt: z.string(),
  rowsTotal: z.number(),
  rowsImported: z.number(),
  rowsSkipped: z.number(),
  rowsFailed: z.number(),
  failure: z.nullable(RowErrorSchema),
  seq: z.number(),
  offset: z.number(),
  nextRow: z.number(),
  layout: z.nullable(ImportLayoutSchema),
});

/** Where the next run starts: the byte offset of the next record in the original file and its row number. */
export type ImportPosition = { offset: number; nextRow: number };

export type ImportState = CsvImport &
  ImportPosition & {
    /** bumped by every checkpoint; a run whose seq is behind was overtaken and stops */
    seq: number;
    layout: ImportLayout | null;
  };

const ErrorItemSchema = z.object({ errors: z.array(RowErrorSchema) });

const EntryOrigin = z.object({
  id: z.string(),
  raw: z.optional(z.object({ importId: z.optional(z.unknown()), row: z.optional(z.unknown()) })),
});

/** Another run of the same import wrote a later checkpoint: this one must stop without writing. */
export class StaleImportRunError extends Error {
  override readonly name = 'StaleImportRunError';
}

/** BatchWriteItem takes 25 requests. */
const batchWriteSize = 25;
/** BatchGetItem takes 100 keys. */
const batchGetSize = 100;

const chunked = <T>(items: readonly T[], size: number): T[][] => {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
};

export const createImportRepository = (doc: DynamoDBDocumentClient, tableName: string) => {
  const parse = (item: Record<string, unknown>): ImportState => parseStored(ImportItemSchema, item, 'import');

  /** SET for each field, guarded by the run's seq; a failed guard means another run moved on. */
  const advance = async (
    id: string,
    expectedSeq: number,
    fields: Record<string, unknown>,
    also?: { condition: string; values: Record<string, unknown> },
  ): Promise<void> => {
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = { ':seq': expectedSeq, ':one': 1, ...also?.values };
    const sets = Object.entries(fields).map(([field, value]) => {
      names[`#${field}`] = field;
      values[`:${field}`] = value;
      return `#${field} = :${field}`;
    });
    try {
      await doc.send(
        new UpdateCommand({
          TableName: tableName,
          Key: importKey(id),
          UpdateExpression: `SET ${[...sets, 'seq = seq + :one'].join(', ')}`,
          ConditionExpression: also ? `seq = :seq AND ${also.condition}` : 'seq = :seq',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) {
        throw new StaleImportRunError(`import ${id} moved past seq ${expectedSeq}`, { cause: error });
      }
      throw error;
    }
  };

  return {
    async create(imp: CsvImport): Promise<void> {
      const item = {
        ...importKey(imp.id),
        ...entityTags('csv-import', 1),
        ...imp,
        seq: 0,
        offset: 0,
        nextRow: 1,
        layout: null,
      };
      await doc.send(
        new PutCommand({ TableName: tableName, Item: item, ConditionExpression: 'attribute_not_exists(pk)' }),
      );
    },

    async get(id: string): Promise<ImportState | null> {
      const res = await doc.send(new GetCommand({ TableName: tableName, Key: importKey(id), ConsistentRead: true }));
      return res.Item ? parse(res.Item) : null;
    },

    /** waiting_upload → queued, once: a second start (or a racing one) is a 409. */
    async markQueued(id: string, now: Date): Promise<void> {
      try {
        await doc.send(
          new UpdateCommand({
            TableName: tableName,
            Key: importKey(id),
            UpdateExpression: 'SET #status = :queued, updatedAt = :now',
            ConditionExpression: '#status = :waiting',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':queued': 'queued', ':waiting': 'waiting_upload', ':now': now.toISOString() },
          }),
        );
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) {
          throw conflict('import-already-started', `import ${id} was started already`);
        }
        throw error;
      }
    },

    /** Undoes markQueued when the start message could not be sent, so the client can start again. */
    async unmarkQueued(id: string, now: Date): Promise<void> {
      await doc
        .send(
          new UpdateCommand({
            TableName: tableName,
            Key: importKey(id),
            UpdateExpression: 'SET #status = :waiting, updatedAt = :now',
            ConditionExpression: '#status = :queued AND seq = :zero',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: {
              ':queued': 'queued',
              ':waiting': 'waiting_upload',
              ':zero': 0,
              ':now': now.toISOString(),
            },
          }),
        )
        .catch((error: unknown) => {
          if (!(error instanceof ConditionalCheckFailedException)) throw error;
        });
    },

    /** First run: how to read the file, and the position after its header row; the import is running from here. */
    async prepare(id: string, expectedSeq: number, layout: ImportLayout, position: ImportPosition, now: Date) {
      await advance(
        id,
        expectedSeq,
        { layout, ...position, status: 'running', updatedAt: now.toISOString() },
        { condition: '#status = :queued', values: { ':queued': 'queued' } },
      );
    },

    /** After a chunk's rows and errors are written: where the next run starts and the counters up to there. */
    async checkpoint(id: string, expectedSeq: number, position: ImportPosition, counters: ImportCounters, now: Date) {
      await advance(id, expectedSeq, { ...position, ...counters, updatedAt: now.toISOString() });
    },

    async finish(
      id: string,
      expectedSeq: number,
      outcome: { status: 'done' } | { status: 'failed'; failure: RowError },
      position: ImportPosition,
      counters: ImportCounters,
      now: Date,
    ): Promise<void> {
      await advance(id, expectedSeq, {
        ...position,
        ...counters,
        status: outcome.status,
        failure: outcome.status === 'failed' ? outcome.failure : null,
        updatedAt: now.toISOString(),
      });
    },

    /** Gives up on an import whatever run holds it (its worker kept failing); counters stay at the last checkpoint. */
    async abandon(id: string, failure: RowError, now: Date): Promise<void> {
      await doc
        .send(
          new UpdateCommand({
            TableName: tableName,
            Key: importKey(id),
            UpdateExpression: 'SET #status = :failed, failure = :failure, updatedAt = :now, seq = seq + :one',
            ConditionExpression: '#status IN (:queued, :running)',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: {
              ':failed': 'failed',
              ':failure': failure,
              ':now': now.toISOString(),
              ':one': 1,
              ':queued': 'queued',
              ':running': 'running',
            },
          }),
        )
        .catch((error: unknown) => {
          if (!(error instanceof ConditionalCheckFailedException)) throw error;
        });
    },

    /** One item per failed row; a re-run after a crash writes the same items again, which changes nothing. */
    async putErrors(importId: string, errors: readonly RowError[]): Promise<void> {
      const byRow = new Map<number, RowError[]>();
      for (const error of errors) byRow.set(error.row, [...(byRow.get(error.row) ?? []), error]);
      const items = [...byRow].map(([row, rowErrors]) => ({
        ...importErrorKey(importId, row),
        ...entityTags('csv-import-error', 1),
        row,
        errors: rowErrors,
      }));
      for (const batch of chunked(items, batchWriteSize)) {
        let requests: { PutRequest: { Item: Record<string, unknown> } }[] = batch.map((Item) => ({
          PutRequest: { Item },
        }));
        for (let attempt = 0; requests.length > 0; attempt += 1) {
          if (attempt > 0) await new Promise((done) => setTimeout(done, Math.min(1000, 50 * 2 ** attempt)));
          const res = await doc.send(new BatchWriteCommand({ RequestItems: { [tableName]: requests } }));
          requests = (res.UnprocessedItems?.[tableName] ?? []).flatMap((r) =>
            r.PutRequest?.Item ? [{ PutRequest: { Item: r.PutRequest.Item } }] : [],
          );
        }
      }
    },

    /** The first errors in row order (API.md reports at most 1,000). */
    async listErrors(importId: string, limit = reportedErrorLimit): Promise<RowError[]> {
      const errors: RowError[] = [];
      let start: Record<string, unknown> | undefined;
      do {
        const res = await doc.send(
          new QueryCommand({
            TableName: tableName,
            KeyConditionExpression: 'pk = :pk AND begins_with(sk, :errors)',
            ExpressionAttributeValues: { ':pk': importKey(importId).pk, ':errors': 'ERROR#' },
            Limit: limit - errors.length,
            ...(start ? { ExclusiveStartKey: start } : {}),
          }),
        );
        for (const item of res.Items ?? []) errors.push(...parseStored(ErrorItemSchema, item, 'import error').errors);
        start = res.LastEvaluatedKey;
      } while (start && errors.length < limit);
      return errors.slice(0, limit);
    },

    /**
     * Which import and row stored each of these inbox entries: tells a row this import wrote in a
     * run that crashed before its checkpoint (imported) from a row imported before (skipped).
     */
    async entryOrigins(entryIds: readonly string[]): Promise<Map<string, { importId: unknown; row: unknown }>> {
      const found = new Map<string, { importId: unknown; row: unknown }>();
      for (const batch of chunked([...new Set(entryIds)], batchGetSize)) {
        let keys: Record<string, unknown>[] = batch.map(inboxEntryKey);
        for (let attempt = 0; keys.length > 0; attempt += 1) {
          if (attempt > 0) await new Promise((done) => setTimeout(done, Math.min(1000, 50 * 2 ** attempt)));
          const res = await doc.send(
            new BatchGetCommand({
              RequestItems: {
                [tableName]: {
                  Keys: keys,
                  ConsistentRead: true,
                  ProjectionExpression: 'id, #raw.importId, #raw.#row',
                  ExpressionAttributeNames: { '#raw': 'raw', '#row': 'row' },
                },
              },
            }),
          );
          for (const item of res.Responses?.[tableName] ?? []) {
            const origin = parseStored(EntryOrigin, item, 'inbox entry origin');
            found.set(origin.id, { importId: origin.raw?.importId, row: origin.raw?.row });
          }
          keys = res.UnprocessedKeys?.[tableName]?.Keys ?? [];
        }
      }
      return found;
    },
  };
};

export type ImportRepository = ReturnType<typeof createImportRepository>;

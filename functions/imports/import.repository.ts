/**
 * CSV imports in the single table: the import item (report counters plus the worker's checkpoint,
 * advanced only by the run holding the current `seq`), and one error item per failed row, sorted
 * by row in the import's partition.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  type CsvImport,
  type ImportCounters,
  type RowError,
  reportedErrorLimit,
} from '../../domain/imports/csv-import.ts';
import { conflict } from '../../domain/shared/errors.ts';
import { createStore } from '../shared/store.ts';
import { csvImports, importErrorItem, importErrors, type StoredImport } from './import.entity.ts';

/** How the worker reads the file, decided on its first run and kept for every later one. */
export type ImportLayout = NonNullable<StoredImport['layout']>;

/** Where the next run starts: the byte offset of the next record in the original file and its row number. */
export type ImportPosition = { offset: number; nextRow: number };

export type ImportState = CsvImport &
  ImportPosition & {
    /** bumped by every checkpoint; a run whose seq is behind was overtaken and stops */
    seq: number;
    layout: ImportLayout | null;
  };

/** Another run of the same import wrote a later checkpoint: this one must stop without writing. */
export class StaleImportRunError extends Error {
  override readonly name = 'StaleImportRunError';
}

/** A condition that failed means the import had moved on already: nothing to do. */
const unlessMovedOn = (error: unknown): void => {
  if (!(error instanceof ConditionalCheckFailedException)) throw error;
};

export const createImportRepository = (doc: DynamoDBDocumentClient, tableName: string) => {
  const store = createStore(doc, tableName);

  /** SET for each field, guarded by the run's seq; a failed guard means another run moved on. */
  const advance = async (
    id: string,
    expectedSeq: number,
    fields: Partial<StoredImport>,
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
      await store.update(csvImports.key(id), {
        expression: `SET ${[...sets, 'seq = seq + :one'].join(', ')}`,
        condition: also ? `seq = :seq AND ${also.condition}` : 'seq = :seq',
        names,
        values,
      });
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) {
        throw new StaleImportRunError(`import ${id} moved past seq ${expectedSeq}`, { cause: error });
      }
      throw error;
    }
  };

  return {
    async create(imp: CsvImport): Promise<void> {
      await store.put(
        csvImports,
        { ...imp, seq: 0, offset: 0, nextRow: 1, layout: null },
        { expression: 'attribute_not_exists(pk)' },
      );
    },

    get: (id: string): Promise<ImportState | null> => store.get(csvImports, csvImports.key(id), { consistent: true }),

    /** waiting_upload → queued, once: a second start (or a racing one) is a 409. */
    async markQueued(id: string, now: Date): Promise<void> {
      try {
        await store.update(csvImports.key(id), {
          expression: 'SET #status = :queued, updatedAt = :now',
          condition: '#status = :waiting',
          names: { '#status': 'status' },
          values: { ':queued': 'queued', ':waiting': 'waiting_upload', ':now': now.toISOString() },
        });
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) {
          throw conflict('import-already-started', `import ${id} was started already`);
        }
        throw error;
      }
    },

    /** Undoes markQueued when the start message could not be sent, so the client can start again. */
    async unmarkQueued(id: string, now: Date): Promise<void> {
      await store
        .update(csvImports.key(id), {
          expression: 'SET #status = :waiting, updatedAt = :now',
          condition: '#status = :queued AND seq = :zero',
          names: { '#status': 'status' },
          values: { ':queued': 'queued', ':waiting': 'waiting_upload', ':zero': 0, ':now': now.toISOString() },
        })
        .catch(unlessMovedOn);
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
      await store
        .update(csvImports.key(id), {
          expression: 'SET #status = :failed, failure = :failure, updatedAt = :now, seq = seq + :one',
          condition: '#status IN (:queued, :running)',
          names: { '#status': 'status' },
          values: {
            ':failed': 'failed',
            ':failure': failure,
            ':now': now.toISOString(),
            ':one': 1,
            ':queued': 'queued',
            ':running': 'running',
          },
        })
        .catch(unlessMovedOn);
    },

    /** One item per failed row; a re-run after a crash writes the same items again, which changes nothing. */
    async putErrors(importId: string, errors: readonly RowError[]): Promise<void> {
      const byRow = new Map<number, RowError[]>();
      for (const error of errors) byRow.set(error.row, [...(byRow.get(error.row) ?? []), error]);
      await store.writeAll(
        [...byRow].map(([row, rowErrors]) => ({ put: importErrorItem(importId, { row, errors: rowErrors }) })),
      );
    },

    /** The first errors in row order (API.md reports at most 1,000). */
    async listErrors(importId: string, limit = reportedErrorLimit): Promise<RowError[]> {
      const errors: RowError[] = [];
      let cursor: string | undefined;
      do {
        const page = await store.query(importErrors, importErrors.patterns.ofImport(importId), {
          limit: limit - errors.length,
          cursor,
        });
        for (const item of page.items) errors.push(...item.errors);
        cursor = page.nextCursor ?? undefined;
      } while (cursor && errors.length < limit);
      return errors.slice(0, limit);
    },
  };
};

export type ImportRepository = ReturnType<typeof createImportRepository>;

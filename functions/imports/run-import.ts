/**
 * The import worker: streams the uploaded file from its last checkpoint, reads it in chunks of
 * rows, stores the valid rows of each chunk in parallel batches (guarded by the row's hash),
 * reports the failed ones, checkpoints after every chunk, and hands over to a fresh invocation
 * (a `csv-import-requested` message) before its time runs out. A run that crashes is retried from
 * the last checkpoint; the rows it had written already are no-ops the second time.
 */
import { fileField, type ImportCounters, type RowError } from '../../domain/imports/csv-import.ts';
import { detectDelimiter, detectEncoding, notTextReason, sniffBytes } from '../../domain/imports/file-format.ts';
import { type ExplicitMapping, headerProblem, mapColumns, rawRow } from '../../domain/imports/header-mapping.ts';
import type { CsvImportRequestedV1 } from '../../events/csv-import-requested.v1.ts';
import type { IntakeDeps } from '../inbox/intake.ts';
import { countMetric, metricNames } from '../shared/metrics.ts';
import type { QueuePublisher } from '../shared/queue-publisher.ts';
import { UnknownRecordError } from '../shared/sqs.ts';
import { type CsvLayoutInput, type CsvRecord, CsvSyntaxError, decodeText, readRecords } from './csv-records.ts';
import type { ImportLayout, ImportPosition, ImportRepository, ImportState } from './import.repository.ts';
import { StaleImportRunError } from './import.repository.ts';
import { type ImportedRow, storeImportedRows } from './import-batch.ts';
import type { ImportFileStore } from './import-file-store.ts';
import { readRow } from './import-row.ts';

export type RunImportDeps = {
  imports: ImportRepository;
  files: ImportFileStore;
  /** where rows become inbox entries (and their duplicate checks are requested) */
  intake: IntakeDeps;
  publisher: QueuePublisher<CsvImportRequestedV1>;
  csvImportsQueueUrl: string;
  now: () => Date;
  /** rows per chunk: one checkpoint per chunk */
  chunkSize: number;
  /** batch requests of a chunk in flight at the same time */
  concurrency: number;
  /** a run hands over when less than this, plus its slowest chunk so far, is left */
  reserveMs: number;
};

/**
 * The worker's settings in AWS (and for the benchmark): 500 rows between checkpoints, 8 batch
 * requests at once, and half a minute kept back, since one chunk takes seconds.
 */
export const workerSettings = { chunkSize: 500, concurrency: 8, reserveMs: 30_000 } as const;

export type RunBudget = { remainingMs: () => number };

/**
 * What a run did: finished the import, failed it, handed over to the next run, found that another
 * run had overtaken it, or found nothing to do (not started, or finished already).
 */
export type RunOutcome = 'done' | 'failed' | 'continued' | 'overtaken' | 'nothing-to-do';

const countersOf = (state: ImportState): ImportCounters => ({
  rowsTotal: state.rowsTotal,
  rowsImported: state.rowsImported,
  rowsSkipped: state.rowsSkipped,
  rowsFailed: state.rowsFailed,
});

/** How a run reads the file: decided on the first run, kept in the layout for the others. */
type Reading = CsvLayoutInput & { fileSize: number; etag: string };

/** How the header row maps, or why it cannot drive the import. */
const decideColumns = (
  headers: string[],
  mapping: ExplicitMapping | null,
): { columns: ImportLayout['columns'] } | { problem: string } => {
  const mapped = mapColumns(headers, mapping);
  const problem = headerProblem(headers, mapped);
  return problem === null ? { columns: mapped.columns } : { problem };
};

class ImportRun {
  private seq: number;
  private counters: ImportCounters;
  private position: ImportPosition;
  private layout: ImportLayout | null;
  private slowestChunkMs = 0;
  private readonly deps: RunImportDeps;
  private readonly state: ImportState;

  constructor(deps: RunImportDeps, state: ImportState) {
    this.deps = deps;
    this.state = state;
    this.seq = state.seq;
    this.counters = countersOf(state);
    this.position = { offset: state.offset, nextRow: state.nextRow };
    this.layout = state.layout;
  }

  async run(budget: RunBudget): Promise<RunOutcome> {
    let reading: Reading;
    if (this.layout) {
      reading = this.layout;
    } else {
      const sniffed = await this.sniff();
      if ('problem' in sniffed) return this.fail({ row: 1, field: fileField, message: sniffed.problem });
      reading = sniffed;
      this.position = { offset: sniffed.bomLength, nextRow: 1 };
    }
    if (this.position.offset >= reading.fileSize) return this.end();
    const source = await this.deps.files.open(this.state.id, this.position.offset, reading.etag);
    if (source === 'missing') return this.fail({ row: this.position.nextRow, field: fileField, message: gone });
    if (source === 'changed') return this.fail({ row: this.position.nextRow, field: fileField, message: changed });

    let chunk: CsvRecord[] = [];
    // the chunk being stored while the next one is read and parsed: one at a time, so the
    // checkpoints stay in order; a run stores at least one chunk before it may hand over
    let storing: Promise<void> | null = null;
    let storedChunks = 0;
    const timeIsShort = (): boolean =>
      storedChunks > 0 && budget.remainingMs() < this.deps.reserveMs + this.slowestChunkMs;
    const settle = async (): Promise<void> => {
      const pending = storing;
      storing = null;
      if (pending) await pending;
    };
    try {
      for await (const record of readRecords(source, reading, {
        offset: this.position.offset,
        row: this.position.nextRow,
      })) {
        if (!this.layout) {
          const outcome = await this.prepare(reading, record);
          if (outcome) return outcome;
          continue;
        }
        chunk.push(record);
        if (chunk.length < this.deps.chunkSize) continue;
        await settle();
        // time is short: the next run reads this chunk again from the checkpoint just written
        if (storedChunks > 0 && budget.remainingMs() < this.deps.reserveMs + this.slowestChunkMs)
          return this.handOver();
        const full = chunk;
        chunk = [];
        const started = Date.now();
        storing = this.store(full, { checkpoint: true }).then(() => {
          storedChunks += 1;
          this.slowestChunkMs = Math.max(this.slowestChunkMs, Date.now() - started);
        });
        // awaited by settle(); until then a failure must not count as unhandled
        storing.catch(() => undefined);
      }
    } catch (error) {
      await settle();
      if (!(error instanceof CsvSyntaxError)) throw error;
      // Broken quoting: the rows before it are imported, then the import fails naming the row.
      if (chunk.length > 0) await this.store(chunk, { checkpoint: false });
      return this.fail({ row: error.row, field: fileField, message: error.message });
    }
    await settle();
    if (chunk.length > 0) {
      if (timeIsShort()) return this.handOver();
      await this.store(chunk, { checkpoint: false });
    }
    return this.end();
  }

  /** First run: what the file is, from its first bytes. */
  private async sniff(): Promise<(Reading & { bomLength: number }) | { problem: string }> {
    const sample = await this.deps.files.sample(this.state.id, sniffBytes);
    if (!sample) return { problem: gone };
    const notText = notTextReason(sample.bytes);
    if (notText) return { problem: notText };
    const { encoding, bomLength } = detectEncoding(sample.bytes, sample.bytes.length >= sample.size);
    const text = decodeText(sample.bytes.subarray(bomLength), encoding);
    return { encoding, delimiter: detectDelimiter(text), fileSize: sample.size, etag: sample.etag, bomLength };
  }

  /** The header row: decide the columns and keep them with the position after it, before any row is stored. */
  private async prepare(reading: Reading, header: CsvRecord): Promise<RunOutcome | null> {
    const headers = header.values.map((value) => value.trim());
    const decided = decideColumns(headers, this.state.mapping);
    if ('problem' in decided) return this.fail({ row: header.row, field: fileField, message: decided.problem });
    const layout: ImportLayout = {
      encoding: reading.encoding,
      delimiter: reading.delimiter,
      fileSize: reading.fileSize,
      etag: reading.etag,
      headers,
      columns: decided.columns,
    };
    const position = { offset: header.nextOffset, nextRow: header.row + 1 };
    await this.deps.imports.prepare(this.state.id, this.seq, layout, position, this.deps.now());
    this.seq += 1;
    this.layout = layout;
    this.position = position;
    return null;
  }

  /**
   * Stores a chunk's valid rows, reports its failed ones, and (unless the import ends right
   * after) checkpoints the position after its last record with the counters up to there.
   *
   * The rows are written in parallel batches (import-batch.ts: ids from the import's time and
   * the row's hash; checks and the rows' guards left to the duplicate-check worker), so a crash
   * between two writes leaves nothing a retry of the chunk cannot find by id and complete.
   */
  private async store(records: CsvRecord[], options: { checkpoint: boolean }): Promise<void> {
    const layout = this.layout;
    const last = records.at(-1);
    if (!layout || !last) return;
    const rows = records.map((record) => ({ record, outcome: readRow(layout, record.row, record.values) }));
    const errors: RowError[] = [];
    const valid: ImportedRow[] = [];
    let failed = 0;
    let blank = 0;
    for (const { record, outcome } of rows) {
      if (outcome.kind === 'blank') blank += 1;
      else if (outcome.kind === 'invalid') {
        failed += 1;
        errors.push(...outcome.errors);
      } else
        valid.push({
          row: record.row,
          hash: outcome.hash,
          contact: outcome.contact,
          ...(outcome.message === undefined ? {} : { message: outcome.message }),
          // the row's hash too: the duplicate-check worker writes the row's guard under it when it indexes the entry
          raw: {
            importId: this.state.id,
            row: record.row,
            rowHash: outcome.hash,
            fields: rawRow(layout.headers, record.values),
          },
        });
    }

    const stored = await storeImportedRows(
      { ...this.deps.intake, concurrency: this.deps.concurrency },
      this.state,
      valid,
    );
    const imported = stored.created.length + stored.rescued.length;
    const skipped = stored.taken.length;
    if (errors.length > 0) await this.deps.imports.putErrors(this.state.id, errors);
    // the rows stored now: a row rescued from a crashed run was counted when it was stored
    countMetric(metricNames.leadsAccepted, stored.created.length, { channel: 'csv' });

    this.counters = {
      rowsTotal: this.counters.rowsTotal + records.length - blank,
      rowsImported: this.counters.rowsImported + imported,
      rowsSkipped: this.counters.rowsSkipped + skipped,
      rowsFailed: this.counters.rowsFailed + failed,
    };
    this.position = { offset: last.nextOffset, nextRow: last.row + 1 };
    if (options.checkpoint) {
      await this.deps.imports.checkpoint(this.state.id, this.seq, this.position, this.counters, this.deps.now());
      this.seq += 1;
    }
  }

  /** The time is nearly up: the next invocation continues from the checkpoint just written. */
  private async handOver(): Promise<RunOutcome> {
    await this.deps.publisher.publish(this.deps.csvImportsQueueUrl, {
      type: 'csv-import-requested',
      version: 1,
      importId: this.state.id,
      requestedAt: this.deps.now().toISOString(),
    });
    return 'continued';
  }

  private async end(): Promise<RunOutcome> {
    if (!this.layout) {
      return this.fail({ row: 1, field: fileField, message: 'the file has no header row (it holds only empty lines)' });
    }
    await this.deps.imports.finish(
      this.state.id,
      this.seq,
      { status: 'done' },
      this.position,
      this.counters,
      this.deps.now(),
    );
    return 'done';
  }

  private async fail(failure: RowError): Promise<RunOutcome> {
    await this.deps.imports.finish(
      this.state.id,
      this.seq,
      { status: 'failed', failure },
      this.position,
      this.counters,
      this.deps.now(),
    );
    return 'failed';
  }
}

const gone = 'the uploaded file is no longer there (uploaded files are kept 30 days); upload it again as a new import';
const changed =
  'the file was uploaded again while it was being imported; the rows before this one were imported from the first upload';

/** Runs (or continues) one import within the invocation's time budget. */
export const runImport =
  (deps: RunImportDeps) =>
  async (importId: string, budget: RunBudget): Promise<RunOutcome> => {
    const state = await deps.imports.get(importId);
    // started imports exist: a message about an unknown one is dead-lettered, not dropped
    if (!state) throw new UnknownRecordError(`no import ${importId}`);
    if (state.status !== 'queued' && state.status !== 'running') return 'nothing-to-do';
    try {
      return await new ImportRun(deps, state).run(budget);
    } catch (error) {
      // Another run of the same import checkpointed after this one read it: it carries on, this one stops.
      if (error instanceof StaleImportRunError) return 'overtaken';
      throw error;
    }
  };

/**
 * The worker failed on this import through every receive of its message: the import is marked
 * failed at the row it could not get past, so no one waits for it; the message goes on to the DLQ.
 */
export const giveUpImport =
  (deps: Pick<RunImportDeps, 'imports' | 'now'>) =>
  async (importId: string, attempts: number): Promise<void> => {
    const state = await deps.imports.get(importId);
    if (!state) return;
    await deps.imports.abandon(
      importId,
      {
        row: state.nextRow,
        field: fileField,
        message: `the import stopped here after ${attempts} failed attempts; the rows before it were imported`,
      },
      deps.now(),
    );
  };

/**
 * One receive of a csv-import-requested message: runs the import; when the run fails on the
 * message's last receive, the import is given up before the message goes on to the DLQ, so it
 * never stays `running` with no run left to move it.
 */
export const importWorker = (deps: RunImportDeps, maxReceives: number) => {
  const run = runImport(deps);
  const giveUp = giveUpImport(deps);
  return async (importId: string, receiveCount: number, budget: RunBudget): Promise<RunOutcome> => {
    try {
      return await run(importId, budget);
    } catch (error) {
      if (receiveCount >= maxReceives) await giveUp(importId, receiveCount);
      throw error;
    }
  };
};

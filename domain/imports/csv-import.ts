/** A CSV import: its status flow, counters, the failed rows it reports and how far its worker got. */
import type { ExplicitMapping } from './header-mapping.ts';

export const importStatuses = ['waiting_upload', 'queued', 'running', 'done', 'failed'] as const;
export type ImportStatus = (typeof importStatuses)[number];

/** `row` counts records with the header as row 1; `field` is the column as the file names it. */
export type RowError = { row: number; field: string; message: string };

/** At most this many errors are reported; the rest are counted in rowsFailed. */
export const reportedErrorLimit = 1000;

/** Errors about the file rather than one column of a row (not CSV, broken quoting, no header). */
export const fileField = 'file';
/** Errors about a whole row (it names no way to reach anyone). */
export const rowField = 'row';

export type ImportCounters = {
  /** data rows read so far; when done, all of them */
  rowsTotal: number;
  rowsImported: number;
  /** rows imported before, by this import or another one (same normalised row) */
  rowsSkipped: number;
  rowsFailed: number;
};

export type CsvImport = ImportCounters & {
  id: string;
  filename: string;
  status: ImportStatus;
  mapping: ExplicitMapping | null;
  createdBy: string | null;
  createdAt: string;
  updatedAt: string;
  /** why the whole import stopped, when it failed */
  failure: RowError | null;
};

export const newImport = (input: {
  id: string;
  filename: string;
  mapping: ExplicitMapping | null;
  createdBy: string | null;
  now: Date;
}): CsvImport => ({
  id: input.id,
  filename: input.filename,
  status: 'waiting_upload',
  mapping: input.mapping,
  createdBy: input.createdBy,
  createdAt: input.now.toISOString(),
  updatedAt: input.now.toISOString(),
  rowsTotal: 0,
  rowsImported: 0,
  rowsSkipped: 0,
  rowsFailed: 0,
  failure: null,
});

export type ImportReport = ImportCounters & {
  id: string;
  status: ImportStatus;
  errors: RowError[];
};

/**
 * The report API.md describes: the first reported row errors in row order, then, when the import
 * failed as a whole, why (its row is never before the rows already processed).
 */
export const importReport = (imp: CsvImport, rowErrors: readonly RowError[]): ImportReport => ({
  id: imp.id,
  status: imp.status,
  rowsTotal: imp.rowsTotal,
  rowsImported: imp.rowsImported,
  rowsSkipped: imp.rowsSkipped,
  rowsFailed: imp.rowsFailed,
  errors: [...rowErrors.slice(0, reportedErrorLimit), ...(imp.failure ? [imp.failure] : [])],
});

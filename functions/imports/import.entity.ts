/**
 * CSV imports in the table: the import item (report counters plus the worker's checkpoint), one
 * error item per failed row in the import's partition, sorted by row, and the guard that imports a
 * normalised row once, whichever import carries it.
 */
import * as z from 'zod/mini';
import { importStatuses } from '../../domain/imports/csv-import.ts';
import { importTargets } from '../../domain/imports/header-mapping.ts';
import { defineLeadGuard } from '../inbox/lead-guard.entity.ts';
import { defineEntity, onTable } from '../shared/entity.ts';

const importPartition = (id: string): string => `IMPORT#${id}`;
const errorPrefix = 'ERROR#';

const RowErrorSchema = z.object({ row: z.number(), field: z.string(), message: z.string() });

const ImportLayoutSchema = z.object({
  encoding: z.enum(['utf-8', 'windows-1252']),
  delimiter: z.enum([';', ',', '\t']),
  fileSize: z.number(),
  /** the uploaded object's ETag: every later read asks for exactly this file */
  etag: z.string(),
  headers: z.array(z.string()),
  columns: z.array(z.nullable(z.enum(importTargets))),
});

export const csvImports = defineEntity({
  name: 'csv-import',
  version: 1,
  schema: z.lazy(() =>
    z.object({
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
      /** bumped by every checkpoint; a run whose seq is behind was overtaken and stops */
      seq: z.number(),
      /** the byte offset of the next record in the original file */
      offset: z.number(),
      nextRow: z.number(),
      layout: z.nullable(ImportLayoutSchema),
    }),
  ),
  key: (id: string) => ({ pk: importPartition(id), sk: 'IMPORT' }),
  keyOf: (imp) => [imp.id],
});
export type StoredImport = z.infer<typeof csvImports.schema>;

/**
 * A failed row's errors, in the import's partition, sorted by row. The import's id is its key
 * only, not an attribute, so its item is built with the key given apart: `importErrorItem`, never
 * `item()`.
 */
export const importErrors = defineEntity({
  name: 'csv-import-error',
  version: 1,
  schema: z.lazy(() => z.object({ row: z.number(), errors: z.array(RowErrorSchema) })),
  key: (importId: string, row: number) => ({
    pk: importPartition(importId),
    sk: `${errorPrefix}${String(row).padStart(10, '0')}`,
  }),
  keyOf: (): [string, number] => {
    throw new Error('a csv-import-error is keyed by the import it does not store: use importErrorItem');
  },
  patterns: {
    /** an import's failed rows, in row order */
    ofImport: (importId: string) => onTable(importPartition(importId), { beginsWith: errorPrefix }),
  },
});
export type StoredImportErrors = z.infer<typeof importErrors.schema>;

export const importErrorItem = (importId: string, rowErrors: StoredImportErrors): Record<string, unknown> =>
  importErrors.itemAt(importErrors.key(importId, rowErrors.row), { ...rowErrors });

/** The guard that imports a normalised row once, whichever import or re-run carries it: `(rowHash)`. */
export const importedRows = defineLeadGuard('imported-row', 'IMPORTROW#', 'IMPORTROW');

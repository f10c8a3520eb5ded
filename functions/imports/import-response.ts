/**
 * What the import routes answer: the report (status, row counters, the first errors in row order;
 * the domain's `importReport` picks it from the import), never the worker's checkpoint or layout.
 */
import * as z from 'zod/mini';
import { importStatuses } from '../../domain/imports/csv-import.ts';

const RowErrorOut = z.object({ row: z.number(), field: z.string(), message: z.string() });

export const ImportReportSchema = z.lazy(() =>
  z.object({
    id: z.string(),
    status: z.enum(importStatuses),
    rowsTotal: z.number(),
    rowsImported: z.number(),
    rowsSkipped: z.number(),
    rowsFailed: z.number(),
    errors: z.array(RowErrorOut),
  }),
);

export const CreatedImportSchema = z.lazy(() => z.object({ id: z.string(), uploadUrl: z.string() }));

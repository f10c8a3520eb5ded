// The import entities write exactly the items the code before them wrote (keys, tags, attributes),
// so stored imports, their row errors and the row guards keep working without a migration.
import { describe, expect, it } from 'vitest';
import { newImport } from '../../../domain/imports/csv-import.ts';
import { csvImports, importErrorItem, importErrors, importedRows } from '../../../functions/imports/import.entity.ts';

const imp = newImport({
  id: '01JIMPORT00000000000000000',
  filename: 'messe-2031.csv',
  mapping: { 'E-Mail': 'email', Notiz: null },
  createdBy: 'user-1',
  now: new Date('2031-03-03T10:00:00.000Z'),
});

describe('stored imports', () => {
  it('keeps the item of a new import as it was written before', () => {
    const record = { ...imp, seq: 0, offset: 0, nextRow: 1, layout: null };
    expect(csvImports.item(record)).toStrictEqual({
      pk: 'IMPORT#01JIMPORT00000000000000000',
      sk: 'IMPORT',
      _et: 'csv-import',
      _v: 1,
      ...imp,
      seq: 0,
      offset: 0,
      nextRow: 1,
      layout: null,
    });
    expect(csvImports.parse(csvImports.item(record))).toEqual(record);
  });

  it('keeps a failed row’s item as it was written before: in the import’s partition, sorted by row', () => {
    const errors = [{ row: 42, field: 'E-Mail', message: 'not a valid email address' }];
    expect(importErrorItem(imp.id, { row: 42, errors })).toStrictEqual({
      pk: 'IMPORT#01JIMPORT00000000000000000',
      sk: 'ERROR#0000000042',
      _et: 'csv-import-error',
      _v: 1,
      row: 42,
      errors,
    });
    expect(importErrors.parse(importErrorItem(imp.id, { row: 42, errors }))).toEqual({ row: 42, errors });
    expect(importErrors.patterns.ofImport(imp.id)).toEqual({
      index: null,
      partition: 'IMPORT#01JIMPORT00000000000000000',
      sort: { beginsWith: 'ERROR#' },
    });
  });

  it('guards a normalised row under the key and entity tag it was guarded by before', () => {
    expect(importedRows.key('q1w2e3')).toEqual({ pk: 'IMPORTROW#q1w2e3', sk: 'IMPORTROW' });
    expect(importedRows.name).toBe('imported-row');
    expect(importedRows.version).toBe(1);
  });
});

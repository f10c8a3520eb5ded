import { describe, expect, it } from 'vitest';
import { importReport, newImport } from '../../../domain/imports/csv-import.ts';
import { mapColumns } from '../../../domain/imports/header-mapping.ts';
import { readRow } from '../../../functions/imports/import-row.ts';

const headers = ['Vorname', 'Nachname', 'E-Mail-Adresse', 'Telefon geschäftlich', 'Notizen'];
const layout = { headers, columns: mapColumns(headers).columns };

describe('reading one import row', () => {
  it('maps and trims a valid row into contact data, a message and its hash', () => {
    const outcome = readRow(layout, 2, [' Max ', 'Muster', 'max@example.com', '+49 30 1234', 'Rückruf erbeten']);

    expect(outcome).toEqual({
      kind: 'valid',
      contact: { firstName: 'Max', lastName: 'Muster', email: 'max@example.com', phone: '+49 30 1234' },
      message: 'Rückruf erbeten',
      hash: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
  });

  it('names each bad value by the file’s own column header and the row', () => {
    const outcome = readRow(layout, 7, ['Max', 'Muster', 'max(at)example', 'call me', '']);

    expect(outcome).toEqual({
      kind: 'invalid',
      errors: [
        { row: 7, field: 'E-Mail-Adresse', message: 'not a valid email address' },
        { row: 7, field: 'Telefon geschäftlich', message: 'not a phone number' },
      ],
    });
  });

  it('refuses a row that gives no way to reach anyone, naming the columns that would', () => {
    const outcome = readRow(layout, 3, ['Max', '', '', '', 'nur ein Vorname']);

    expect(outcome).toEqual({
      kind: 'invalid',
      errors: [
        {
          row: 3,
          field: 'row',
          message: 'gives no way to reach anyone: fill at least one of Nachname, E-Mail-Adresse, Telefon geschäftlich',
        },
      ],
    });
  });

  it('cleans what a file carries that no field may hold: controls and bidi overrides gone, line breaks kept only in the message', () => {
    const outcome = readRow(layout, 2, [
      'Ma\u0000x',
      'Mus\u202eter',
      'max@example.com',
      '030\t1234',
      'Zeile 1\r\nZeile\u0007 2',
    ]);

    expect(outcome).toMatchObject({
      kind: 'valid',
      contact: { firstName: 'Max', lastName: 'Muster', phone: '030 1234' },
      message: 'Zeile 1\r\nZeile 2',
    });
  });

  it('reads a street written on two lines (as Outlook exports it) as one line', () => {
    const withStreet = ['Nachname', 'Straße geschäftlich'];
    const outcome = readRow({ headers: withStreet, columns: mapColumns(withStreet).columns }, 2, [
      'Muster',
      'Hauptstr. 1\r\nHinterhaus',
    ]);

    expect(outcome).toMatchObject({ kind: 'valid', contact: { street: 'Hauptstr. 1 Hinterhaus' } });
  });

  it('passes over rows whose cells are all empty', () => {
    expect(readRow(layout, 4, ['', ' ', '', '', ''])).toEqual({ kind: 'blank' });
  });
});

describe('the import report', () => {
  it('lists at most 1,000 row errors in order, then why the import failed', () => {
    const imp = {
      ...newImport({ id: 'imp1', filename: 'a.csv', mapping: null, createdBy: 'u1', now: new Date(0) }),
      status: 'failed' as const,
      rowsFailed: 1200,
      failure: { row: 1300, field: 'file', message: 'a quoted field … never closed' },
    };
    const rowErrors = Array.from({ length: 1200 }, (_, i) => ({ row: i + 2, field: 'E-Mail', message: 'bad' }));

    const report = importReport(imp, rowErrors);

    expect(report.errors).toHaveLength(1001);
    expect(report.errors[999]).toEqual({ row: 1001, field: 'E-Mail', message: 'bad' });
    expect(report.errors[1000]).toEqual(imp.failure);
    expect(report).toMatchObject({ id: 'imp1', status: 'failed', rowsFailed: 1200 });
  });
});

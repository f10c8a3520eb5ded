import { Readable } from 'node:stream';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import {
  type CsvLayoutInput,
  type CsvRecord,
  CsvSyntaxError,
  maxRecordBytes,
  readRecords,
} from '../../../functions/imports/csv-records.ts';

/** The bytes as a stream of small pieces, so records and characters straddle chunk boundaries. */
const streamOf = (bytes: Buffer, pieceSize = 7): Readable => {
  const pieces: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += pieceSize) pieces.push(bytes.subarray(i, i + pieceSize));
  return Readable.from(pieces);
};

const readAll = async (
  bytes: Buffer,
  layout: CsvLayoutInput,
  start = { offset: 0, row: 1 },
  pieceSize = 7,
): Promise<CsvRecord[]> => {
  const records: CsvRecord[] = [];
  for await (const record of readRecords(streamOf(bytes.subarray(start.offset), pieceSize), layout, start)) {
    records.push(record);
  }
  return records;
};

const utf8Layout: CsvLayoutInput = { encoding: 'utf-8', delimiter: ';' };
const cp1252Layout: CsvLayoutInput = { encoding: 'windows-1252', delimiter: ';' };

const utf8File = Buffer.from(
  [
    'Vorname;Nachname;Notizen\r\n',
    'Jürgen;Groß;"Preis: 5 €; ""dringend""\r\nbitte anrufen"\r\n',
    '\r\n',
    'Zoë;Ñúñez;😀 Emoji\r\n',
    'Åsa;Öberg;ohne Zeilenende',
  ].join(''),
  'utf8',
);

describe('reading CSV records with byte offsets', () => {
  it('reads quoted fields with delimiters, doubled quotes and line breaks, counting records as rows', async () => {
    const records = await readAll(utf8File, utf8Layout);

    expect(records.map((r) => [r.row, r.values])).toEqual([
      [1, ['Vorname', 'Nachname', 'Notizen']],
      [2, ['Jürgen', 'Groß', 'Preis: 5 €; "dringend"\r\nbitte anrufen']],
      [3, ['Zoë', 'Ñúñez', '😀 Emoji']],
      [4, ['Åsa', 'Öberg', 'ohne Zeilenende']],
    ]);
  });

  it('gives each record the byte offset in the original UTF-8 file where the next record starts', async () => {
    const records = await readAll(utf8File, utf8Layout);
    const text = utf8File.toString('utf8');
    const startOf = (prefix: string) => Buffer.byteLength(text.slice(0, text.indexOf(prefix)), 'utf8');

    expect(records.map((r) => r.nextOffset)).toEqual([
      startOf('Jürgen'),
      // the empty line after row 2 is not a record: row 2 ends at its own line break
      startOf('\r\nZoë'),
      startOf('Åsa'),
      utf8File.length,
    ]);
  });

  it('resumed at any record’s offset, reads exactly the records after it, whatever the chunking', async () => {
    const all = await readAll(utf8File, utf8Layout);

    for (const [index, record] of all.entries()) {
      const rest = await readAll(utf8File, utf8Layout, { offset: record.nextOffset, row: record.row + 1 }, 3);
      expect(rest).toEqual(all.slice(index + 1));
    }
  });

  it('counts Windows-1252 bytes one per character and decodes €, „ and umlauts', async () => {
    const file = iconv.encode('Name;Firma\r\n„Müller“;Bäckerei 5 €\r\nStraße;Öl AG\r\n', 'windows-1252');
    const all = await readAll(file, cp1252Layout);

    expect(all.map((r) => r.values)).toEqual([
      ['Name', 'Firma'],
      ['„Müller“', 'Bäckerei 5 €'],
      ['Straße', 'Öl AG'],
    ]);
    expect(all.map((r) => r.nextOffset)).toEqual([12, 12 + '„Müller“;Bäckerei 5 €\r\n'.length, file.length]);
    const resumed = await readAll(file, cp1252Layout, { offset: 12, row: 2 }, 1);
    expect(resumed).toEqual(all.slice(1));
  });

  it('keeps offsets exact past bytes that are not valid UTF-8 (no re-encoding drift)', async () => {
    const file = Buffer.concat([
      Buffer.from('Name;Ort\n', 'utf8'),
      Buffer.from([0x4d, 0xfc, 0x6c, 0x6c, 0x65, 0x72]), // "Müller" in Windows-1252 inside a UTF-8 file
      Buffer.from(';Köln\nSchmidt;Bonn\n', 'utf8'),
    ]);
    const all = await readAll(file, utf8Layout);
    const resumed = await readAll(file, utf8Layout, { offset: all[1]?.nextOffset ?? 0, row: 3 });

    expect(all[1]?.nextOffset).toBe(file.indexOf('Schmidt'));
    expect(resumed.map((r) => r.values)).toEqual([['Schmidt', 'Bonn']]);
  });

  it('yields the records before an unclosed quote, then fails naming the row it could not read', async () => {
    const file = Buffer.from('Name;Ort\nA;Berlin\nB;"Hamburg\nC;Bonn\n', 'utf8');
    const records: CsvRecord[] = [];

    const reading = (async () => {
      for await (const record of readRecords(streamOf(file), utf8Layout, { offset: 0, row: 1 })) records.push(record);
    })();

    await expect(reading).rejects.toThrow(CsvSyntaxError);
    await expect(reading).rejects.toMatchObject({ row: 3, message: expect.stringContaining('never closed') });
    expect(records.map((r) => r.values)).toEqual([
      ['Name', 'Ort'],
      ['A', 'Berlin'],
    ]);
  });

  it('refuses a record longer than the limit (a quote never closed) instead of holding the rest of the file', async () => {
    const file = Buffer.from(`Name;Notiz\nA;ok\nB;"${'x'.repeat(maxRecordBytes + 10)}\nC;ok\n`, 'utf8');
    const rows: number[] = [];

    const reading = (async () => {
      for await (const record of readRecords(streamOf(file, 64 * 1024), utf8Layout, { offset: 0, row: 1 })) {
        rows.push(record.row);
      }
    })();

    await expect(reading).rejects.toMatchObject({
      name: 'CsvSyntaxError',
      row: 3,
      message: expect.stringContaining('1 MB'),
    });
    expect(rows).toEqual([1, 2]);
  });

  it('releases the stream when the reader stops early', async () => {
    const source = streamOf(utf8File);

    for await (const record of readRecords(source, utf8Layout, { offset: 0, row: 1 })) {
      if (record.row === 2) break;
    }

    expect(source.destroyed).toBe(true);
  });
});

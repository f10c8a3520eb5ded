import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { detectDelimiter, detectEncoding, notTextReason } from '../../../domain/imports/file-format.ts';

const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');

describe('telling what an uploaded file is', () => {
  it('reads UTF-8 with a BOM as UTF-8 and skips the BOM', () => {
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('Straße;Ort\n', 'utf8')]);

    expect(detectEncoding(bytes, true)).toEqual({ encoding: 'utf-8', bomLength: 3 });
  });

  it('reads valid UTF-8 without a BOM, and plain ASCII, as UTF-8', () => {
    expect(detectEncoding(Buffer.from('Straße;Köln\n', 'utf8'), true)).toEqual({ encoding: 'utf-8', bomLength: 0 });
    expect(detectEncoding(Buffer.from('Name;City\n', 'ascii'), true)).toEqual({ encoding: 'utf-8', bomLength: 0 });
  });

  it('reads what is not valid UTF-8 as Windows-1252', () => {
    const bytes = iconv.encode('Straße;Köln;5 €\n', 'windows-1252');

    expect(detectEncoding(bytes, true)).toEqual({ encoding: 'windows-1252', bomLength: 0 });
  });

  it('does not hold a character cut off at the end of the sample against UTF-8', () => {
    const bytes = Buffer.from('Name;Ort\nJürgen;Köln', 'utf8');
    const cut = bytes.subarray(0, bytes.indexOf('ö') + 1); // only the first byte of "ö"

    expect(detectEncoding(cut, false).encoding).toBe('utf-8');
    expect(detectEncoding(cut, true).encoding).toBe('windows-1252');
  });

  it('finds the delimiter of the header line, ignoring delimiters inside quotes', () => {
    expect(detectDelimiter('Vorname;Nachname;"Firma, GmbH"\nMax;Muster;"A, B, C"')).toBe(';');
    expect(detectDelimiter('First Name,Last Name,"Notes; more"\n')).toBe(',');
    expect(detectDelimiter('Vorname\tNachname\tE-Mail\n')).toBe('\t');
    expect(detectDelimiter('E-Mail\nmax@example.com;x;y')).toBe(',');
  });

  it('names files that are not CSV text', () => {
    expect(notTextReason(png)).toMatch(/PNG image/);
    expect(notTextReason(Buffer.from('504b0304140000000800', 'hex'))).toMatch(/ZIP archive.*xlsx/);
    expect(notTextReason(Buffer.from('%PDF-1.7\n'))).toMatch(/PDF/);
    expect(notTextReason(Buffer.from([0xff, 0xfe, 0x4e, 0x00]))).toMatch(/UTF-16.*CSV UTF-8/);
    expect(notTextReason(Buffer.from([0x4e, 0x61, 0x00, 0x6d]))).toMatch(/binary/);
    expect(notTextReason(Buffer.alloc(0))).toMatch(/empty/);
    expect(notTextReason(Buffer.from('Name;Ort\r\nA;B\r\n'))).toBeNull();
  });
});

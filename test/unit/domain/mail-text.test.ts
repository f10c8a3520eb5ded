import { describe, expect, it } from 'vitest';
import {
  boundedLine,
  oneLine,
  safeContentType,
  safeFilename,
  sliceChars,
  sliceUtf8,
  stripControls,
} from '../../../domain/emails/mail-text.ts';

const utf8Bytes = (text: string): number => new TextEncoder().encode(text).length;

describe('text taken from a mail', () => {
  it('drops control characters, NUL and bidi overrides but keeps tabs and line breaks in a body', () => {
    const hostile = 'Guten\u0000 Tag\u0007,\r\n\tanbei\u007f\u0085 das \u202eFDP.exe\u202c und \u2066x\u2069.';

    expect(stripControls(hostile)).toBe('Guten Tag,\r\n\tanbei das FDP.exe und x.');
  });

  it('turns tabs and line breaks into spaces in a one-line value', () => {
    expect(oneLine('Angebot\r\n\tOPP-7\u0000')).toBe('Angebot OPP-7');
  });

  it('cuts a one-line value to its length and says so, not counting stripped characters as a cut', () => {
    expect(boundedLine(`  ${'x'.repeat(1200)}  `, 998)).toEqual({ value: 'x'.repeat(998), cut: true });
    expect(boundedLine('Offer\u0000', 998)).toEqual({ value: 'Offer', cut: false });
    expect(boundedLine('\u0000\u202e', 998)).toEqual({ value: null, cut: false });
    expect(boundedLine(null, 998)).toEqual({ value: null, cut: false });
  });

  it('never splits a character when cutting', () => {
    expect(sliceChars('ab😀', 3)).toBe('ab');
    expect(sliceUtf8('aä😀', 4)).toBe('aä');
    expect(sliceUtf8('aä😀', 7)).toBe('aä😀');
  });
});

describe('attachment names', () => {
  it.each([
    ['../../etc/passwd', 'passwd'],
    ['..\\..\\Windows\\system32\\evil.dll', 'evil.dll'],
    ['C:\\Users\\anna\\Angebot Müller.pdf', 'Angebot Müller.pdf'],
    ['/absolute/path/report.xlsx', 'report.xlsx'],
    ['..', null],
    ['.', null],
    ['', null],
    ['   ', null],
    ['.htaccess', 'htaccess'],
    ['invoice.pdf.', 'invoice.pdf'],
    ['a\u0000b\u0007c.txt', 'abc.txt'],
    ['doc\u202egnp.exe', 'docgnp.exe'],
    ['rm -rf $(x);`y`|z<>.sh', 'rm -rf $(x)__y__z__.sh'],
    ['CON.txt', '_CON.txt'],
    ['見積書.pdf', '見積書.pdf'],
    ['"quoted"*?.txt', '_quoted___.txt'],
  ])('reduces %j to %j', (declared, safe) => {
    expect(safeFilename(declared)).toBe(safe);
  });

  it('keeps a missing name missing', () => {
    expect(safeFilename(null)).toBeNull();
  });

  it('cuts a very long name to 255 UTF-8 bytes and keeps its extension', () => {
    const name = safeFilename(`${'ä'.repeat(400)}.pdf`);

    expect(name?.endsWith('.pdf')).toBe(true);
    expect(utf8Bytes(name ?? '')).toBeLessThanOrEqual(255);
    expect(utf8Bytes(name ?? '')).toBeGreaterThan(250);
  });

  it('keeps only well-formed content types', () => {
    expect(safeContentType('Application/PDF')).toBe('application/pdf');
    expect(safeContentType('text/plain; charset=utf-8')).toBe('application/octet-stream');
    expect(safeContentType(`application/${'x'.repeat(300)}`)).toBe('application/octet-stream');
    expect(safeContentType('image/svg+xml')).toBe('image/svg+xml');
  });
});

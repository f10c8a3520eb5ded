/** Raw MIME messages that have broken mail parsers: each one SES would accept, each one Kontakt must list. */
import { Readable } from 'node:stream';

const crlf = (lines: string[]): string => lines.join('\r\n');

const head = (subject: string, extra: string[] = []): string[] => [
  'From: Anna Schmidt <anna@example.com>',
  'To: Kunde <kunde@example.org>',
  `Subject: ${subject}`,
  'Date: Tue, 24 Nov 2026 10:00:00 +0100',
  'MIME-Version: 1.0',
  ...extra,
];

/** A header line folded the way mail clients fold a long subject (RFC 5322 §2.2.3). */
const folded = (value: string): string => (value.match(/.{1,76}/g) ?? []).join('\r\n ');

export const hostileMails = {
  hugeSubject: (tag: string): string =>
    crlf([...head(`${tag} ${folded('x'.repeat(1024 * 1024))}`), '', 'Text nach dem Betreff.']),

  manyRecipients: (tag: string): string =>
    crlf([
      'From: anna@example.com',
      `To: ${Array.from({ length: 20_000 }, (_, i) => `Empfänger ${i} <r${i}@example.org>`).join(',\r\n ')}`,
      `Subject: ${tag}`,
      '',
      'An alle.',
    ]),

  manyAttachments: (tag: string): string =>
    crlf([
      ...head(tag, ['Content-Type: multipart/mixed; boundary="b"']),
      '',
      '--b',
      'Content-Type: text/plain; charset=utf-8',
      '',
      'Anbei 5000 Dateien.',
      ...Array.from({ length: 5000 }, (_, i) =>
        crlf([
          '--b',
          `Content-Type: application/octet-stream; name="f${i}.bin"`,
          'Content-Disposition: attachment',
          '',
          `data ${i}`,
        ]),
      ),
      '--b--',
      '',
    ]),

  deepNesting: (tag: string, depth = 2000): string => {
    const open: string[] = [];
    const close: string[] = [];
    for (let i = 0; i < depth; i += 1) {
      open.push(`Content-Type: multipart/mixed; boundary="n${i}"`, '', `--n${i}`);
      close.unshift(`--n${i}--`);
    }
    return crlf([...head(tag), ...open, 'Content-Type: text/plain', '', 'ganz tief', ...close, '']);
  },

  hugeHeaderLine: (tag: string): string =>
    crlf([...head(tag, [`X-Junk: ${'y'.repeat(5 * 1024 * 1024)}`]), '', 'Nach der Kopfzeile.']),

  noHeaders: (): string => crlf(['', 'Nur ein Text, keine Kopfzeilen.']),

  badCharsets: (tag: string): string =>
    crlf([
      'From: =?x-unknown?B?w6TDtg==?= <anna@example.com>',
      `Subject: ${tag} =?bogus-charset?Q?caf=E9?= =?utf-8?B?!!!?=`,
      'Content-Type: text/plain; charset=utf-7',
      '',
      '+ADw-script+AD4- caf\xe9',
    ]),

  hostileNames: (tag: string, names: string[]): string =>
    crlf([
      ...head(`${tag}\u0000 \u202eRechnung\u202c`, ['Content-Type: multipart/mixed; boundary="b"']),
      '',
      '--b',
      'Content-Type: text/plain; charset=utf-8',
      '',
      'Guten\u0007 Tag\u0000,\r\n\tanbei\u0085 die Dateien.',
      ...names.map((name) =>
        crlf([
          '--b',
          'Content-Type: application/pdf',
          // RFC 2231 percent-encoding carries any byte, NUL and line breaks included, into the name
          `Content-Disposition: attachment; filename*=utf-8''${encodeURIComponent(name)}`,
          '',
          'pdf',
        ]),
      ),
      '--b--',
      '',
    ]),

  /** found by the SMTP fuzz suite: mailparser gives such a part no content type at all */
  emptyContentType: (tag: string): string =>
    crlf([
      ...head(tag, ['Content-Type: multipart/mixed; boundary="b"']),
      '',
      '--b',
      'Content-Type: ; charset=utf-16',
      'Content-Disposition: attachment; filename="leer.bin"',
      '',
      'x',
      '--b--',
      '',
    ]),

  /** found by the SMTP fuzz suite: parts whose header never ends count against mailparser's part limit unseen */
  headlessParts: (tag: string): string =>
    crlf([
      ...head(tag, ['Content-Type: multipart/mixed; boundary="b"']),
      '',
      '--b',
      'Content-Type: text/plain',
      '',
      'Vor den kopflosen Teilen.',
      ...Array.from({ length: 1500 }, () => '--b\r\nX-Part: ohne Leerzeile'),
      '--b--',
      '',
    ]),

  badDate: (tag: string, date: string | null): string =>
    crlf(['From: anna@example.com', `Subject: ${tag}`, ...(date === null ? [] : [`Date: ${date}`]), '', 'Datum?']),
};

/**
 * A message with one base64 attachment of `size` bytes, generated as it is read so that the test
 * itself never holds it.
 */
export const largeAttachmentMail = (tag: string, size: number): { stream: () => Readable; length: number } => {
  const before = Buffer.from(
    `${crlf([
      ...head(tag, ['Content-Type: multipart/mixed; boundary="b"']),
      '',
      '--b',
      'Content-Type: text/plain',
      '',
      'Großer Anhang.',
      '--b',
      'Content-Type: application/pdf',
      'Content-Disposition: attachment; filename="gross.pdf"',
      'Content-Transfer-Encoding: base64',
      '',
    ])}\r\n`,
  );
  const after = Buffer.from('\r\n--b--\r\n');
  // 57 raw bytes make one 76-character base64 line
  const line = Buffer.from(`${Buffer.alloc(57, 7).toString('base64')}\r\n`);
  const lines = Math.ceil(size / 57);
  const last = size - (lines - 1) * 57;
  const lastLine = Buffer.from(`${Buffer.alloc(last, 7).toString('base64')}\r\n`);
  const length = before.length + (lines - 1) * line.length + lastLine.length + after.length;
  const stream = (): Readable =>
    Readable.from(
      (function* () {
        yield before;
        const batch = Buffer.concat(Array.from({ length: 1000 }, () => line));
        let left = lines - 1;
        while (left >= 1000) {
          yield batch;
          left -= 1000;
        }
        if (left > 0) yield Buffer.concat(Array.from({ length: left }, () => line));
        yield lastLine;
        yield after;
      })(),
    );
  return { stream, length };
};

/**
 * fast-check arbitraries of hostile MIME messages, all within SES's 40 MB: huge, folded and
 * encoded headers in charsets that exist and some that do not, control characters and bidi
 * overrides, thousands of recipients or header lines, trees too wide or too deep, broken and
 * lying boundaries, unknown transfer encodings, binary junk, mixed line endings, dangerous names.
 */
import fc from 'fast-check';

/** A message as pieces: strings are written as UTF-8, buffers as they are (invalid UTF-8 included). */
export type Piece = string | Buffer;

const controls = fc.constantFrom(
  '\u0000',
  '\u0007',
  '\u001b',
  '\u007f',
  '\u0085',
  '\u202e',
  '\u2066',
  '\t',
  '\r',
  '\n',
);
const messy = fc
  .array(
    fc.oneof(
      { weight: 4, arbitrary: fc.string({ unit: 'grapheme', maxLength: 30 }) },
      { weight: 1, arbitrary: controls },
    ),
    {
      maxLength: 12,
    },
  )
  .map((parts) => parts.join(''));

const charset = fc.constantFrom(
  'utf-8',
  'iso-8859-1',
  'windows-1252',
  'utf-7',
  'utf-16',
  'shift_jis',
  'koi8-r',
  'x-unknown',
  'base64',
  '',
  '"utf-8"',
  'utf-8\u0000',
);

const encodedWord = fc
  .tuple(charset, fc.constantFrom('B', 'Q', 'b', 'q', 'X', ''), fc.uint8Array({ maxLength: 60 }))
  .map(([cs, enc, bytes]) => {
    const payload =
      enc.toUpperCase() === 'B'
        ? Buffer.from(bytes).toString('base64')
        : Array.from(bytes, (b) => `=${b.toString(16).padStart(2, '0').toUpperCase()}`).join('');
    return `=?${cs}?${enc}?${payload}?=`;
  });

/** Folded the way mail clients fold long header values, or left as one line of any length. */
const fold = (value: string, folded: boolean): string =>
  folded ? (value.match(/[\s\S]{1,76}/g) ?? []).join('\r\n ') : value;

const huge = fc
  .tuple(
    fc.constantFrom('x', 'ä', '=?utf-8?B?w6Q=?= ', 'a@b.example, ', '\u0000', '\u202e'),
    fc.integer({ min: 1000, max: 1_500_000 }),
    fc.boolean(),
  )
  .map(([unit, chars, folded]) => fold(unit.repeat(Math.ceil(chars / unit.length)), folded));

const headerValue = fc.oneof(
  { weight: 6, arbitrary: messy },
  { weight: 3, arbitrary: fc.array(encodedWord, { maxLength: 6 }).map((w) => w.join(' ')) },
  { weight: 1, arbitrary: huge },
);

const mailbox = fc.tuple(messy, fc.emailAddress()).map(([name, address]) => `"${name}" <${address}>`);
const addressList = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.array(fc.oneof(mailbox, fc.emailAddress(), messy), { maxLength: 5 }).map((a) => a.join(', ')),
  },
  {
    weight: 1,
    arbitrary: fc
      .integer({ min: 100, max: 25_000 })
      .map((n) => Array.from({ length: n }, (_, i) => `Empfänger ${i} <r${i}@example.org>`).join(',\r\n ')),
  },
);

const dateValue = fc.oneof(
  fc.date({ noInvalidDate: true, min: new Date(0), max: new Date(4_102_444_800_000) }).map((d) => d.toUTCString()),
  messy,
  fc.constantFrom('Tue, 31 Feb 2026 10:00:00 +0100', '', '1', 'Mon, 24 Nov 2026 10:00:00 +0100'),
);

const headerName = fc.oneof(
  fc.constantFrom(
    'X-Mailer',
    'Received',
    'Content-ID',
    'List-Unsubscribe',
    '__proto__',
    'constructor',
    'Subject',
    'To',
  ),
  fc.string({ unit: 'binary-ascii', minLength: 1, maxLength: 30 }),
);

const filename = fc.oneof(
  fc.constantFrom('../../etc/passwd', '..', '', 'CON.txt', 'a\\b\\c.exe', '.hidden', 'x\u202egnp.exe', 'n\u0000ul.pdf'),
  messy,
  fc.string({ unit: 'binary', maxLength: 300 }),
);

const junk = fc.uint8Array({ maxLength: 5000 }).map((bytes) => Buffer.from(bytes));

const leafBody = (boundaryHint: string) =>
  fc.oneof(
    { weight: 4, arbitrary: messy },
    { weight: 2, arbitrary: junk },
    { weight: 2, arbitrary: junk.map((b) => (b.toString('base64').match(/.{1,76}/g) ?? []).join('\r\n')) },
    { weight: 1, arbitrary: fc.integer({ min: 1, max: 300_000 }).map((n) => 'z'.repeat(n)) },
    // lines that look like delimiters of an enclosing multipart
    {
      weight: 1,
      arbitrary: fc.constantFrom(`--${boundaryHint}`, `--${boundaryHint}--`, '--', '-- ', `--${boundaryHint}x`),
    },
  );

export type MimeNode =
  | {
      kind: 'leaf';
      contentType: string;
      charset: string;
      encoding: string;
      disposition: string | null;
      filename: string | null;
      body: Piece;
    }
  | {
      kind: 'multipart';
      subtype: string;
      boundary: string;
      /** how the delimiters lie: none, never closed, or the wrong boundary in every delimiter line */
      broken: 'none' | 'unclosed' | 'wrong-delimiter';
      children: MimeNode[];
    }
  | {
      /** `depth` multiparts each holding the next, around `inner` (written in a loop: far deeper than a recursion could go) */
      kind: 'chain';
      depth: number;
      inner: MimeNode;
    };

const boundary = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.string({ unit: 'binary-ascii', minLength: 1, maxLength: 40 }).map((s) => s.replace(/[\r\n"]/g, '_')),
  },
  { weight: 1, arbitrary: fc.constantFrom('', ' ', '--', 'b'.repeat(2000)) },
);

const leaf = (hint: string): fc.Arbitrary<MimeNode> =>
  fc.record({
    kind: fc.constant('leaf' as const),
    contentType: fc.constantFrom(
      'text/plain',
      'text/html',
      'application/pdf',
      'message/rfc822',
      'image/png',
      'bogus',
      '',
    ),
    charset,
    encoding: fc.constantFrom('base64', 'quoted-printable', '7bit', '8bit', 'binary', 'x-uuencode', 'bogus', ''),
    disposition: fc.option(fc.constantFrom<string>('attachment', 'inline', 'bogus'), { nil: null }),
    filename: fc.option(filename, { nil: null }),
    body: leafBody(hint),
  });

const tree: fc.Arbitrary<MimeNode> = fc.letrec<{ node: MimeNode }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf('b'),
    fc.record({
      kind: fc.constant('multipart' as const),
      subtype: fc.constantFrom('mixed', 'alternative', 'related', 'digest', 'bogus'),
      boundary,
      broken: fc.constantFrom('none', 'none', 'none', 'unclosed', 'wrong-delimiter'),
      children: fc.array(tie('node'), { maxLength: 5 }),
    }),
  ),
})).node;

/** A chain of multiparts, each holding the next: past the depth limit, or near it. */
const deep = fc
  .tuple(fc.integer({ min: 20, max: 2500 }), leaf('d0'))
  .map(([depth, inner]): MimeNode => ({ kind: 'chain', depth, inner }));

/** One multipart of very many small parts: past the part limit, or near it. */
const wide = fc.tuple(fc.integer({ min: 90, max: 5000 }), leaf('w')).map(
  ([count, first]): MimeNode => ({
    kind: 'multipart',
    subtype: 'mixed',
    boundary: 'w',
    broken: 'none',
    children: [
      first,
      ...Array.from(
        { length: count },
        (_, i): MimeNode => ({
          kind: 'leaf',
          contentType: 'application/octet-stream',
          charset: '',
          encoding: '',
          disposition: 'attachment',
          filename: `f${i}.bin`,
          body: `data ${i}`,
        }),
      ),
    ],
  }),
);

const nodeHeaders = (node: MimeNode, eol: string): string[] => {
  if (node.kind === 'chain') return [`Content-Type: multipart/mixed; boundary="d1"${eol}`];
  if (node.kind === 'multipart') return [`Content-Type: multipart/${node.subtype}; boundary="${node.boundary}"${eol}`];
  return [
    `Content-Type: ${node.contentType}${node.charset ? `; charset=${node.charset}` : ''}${eol}`,
    ...(node.disposition || node.filename !== null
      ? [
          `Content-Disposition: ${node.disposition ?? 'attachment'}${
            node.filename === null ? '' : `; filename*=utf-8''${encodeURIComponent(node.filename)}`
          }${eol}`,
        ]
      : []),
    ...(node.encoding ? [`Content-Transfer-Encoding: ${node.encoding}${eol}`] : []),
  ];
};

const nodeBody = (node: MimeNode, eol: string): Piece[] => {
  if (node.kind === 'leaf') return [node.body, eol];
  if (node.kind === 'chain') {
    const opening: string[] = [];
    const closing: string[] = [];
    for (let i = 1; i <= node.depth; i += 1) {
      opening.push(
        `--d${i}${eol}`,
        ...(i < node.depth ? [`Content-Type: multipart/mixed; boundary="d${i + 1}"${eol}`, eol] : []),
      );
      closing.unshift(`--d${i}--${eol}`);
    }
    return [...opening, ...nodeHeaders(node.inner, eol), eol, ...nodeBody(node.inner, eol), ...closing];
  }
  const delimiter = node.broken === 'wrong-delimiter' ? `${node.boundary}x` : node.boundary;
  return [
    `preamble${eol}`,
    ...node.children.flatMap((child) => [
      `--${delimiter}${eol}`,
      ...nodeHeaders(child, eol),
      eol,
      ...nodeBody(child, eol),
    ]),
    ...(node.broken === 'unclosed' ? [] : [`--${delimiter}--${eol}`]),
    `epilogue${eol}`,
  ];
};

export type HostileMessage = { pieces: Piece[]; shape: string };

/** A whole message: the top-level header fields, then the body tree's own header and its content. */
export const hostileMessage: fc.Arbitrary<HostileMessage> = fc
  .record({
    noHeaders: fc.oneof({ weight: 9, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
    subject: fc.option(headerValue),
    from: fc.option(addressList),
    to: fc.option(addressList),
    cc: fc.option(addressList),
    date: fc.option(dateValue),
    messageId: fc.option(headerValue),
    extra: fc.array(fc.tuple(headerName, headerValue), { maxLength: 8 }),
    tinyHeaderLines: fc.oneof(
      { weight: 9, arbitrary: fc.constant(0) },
      { weight: 1, arbitrary: fc.integer({ min: 1000, max: 30_000 }) },
    ),
    body: fc.oneof({ weight: 6, arbitrary: tree }, { weight: 1, arbitrary: deep }, { weight: 1, arbitrary: wide }),
    eol: fc.constantFrom('\r\n', '\r\n', '\n', '\r'),
  })
  .map((m) => {
    const eol = m.eol;
    const field = (name: string, value: string | null): string[] => (value === null ? [] : [`${name}: ${value}${eol}`]);
    const top = m.noHeaders
      ? []
      : [
          ...field('From', m.from),
          ...field('To', m.to),
          ...field('Cc', m.cc),
          ...field('Subject', m.subject),
          ...field('Date', m.date),
          ...field('Message-ID', m.messageId),
          ...m.extra.flatMap(([name, value]) => field(name, value)),
          ...Array.from({ length: m.tinyHeaderLines }, (_, i) => `X-${i}: y${eol}`),
          `MIME-Version: 1.0${eol}`,
          ...nodeHeaders(m.body, eol),
        ];
    const shape = `${m.body.kind}${m.noHeaders ? ' no-headers' : ''}${m.tinyHeaderLines ? ` ${m.tinyHeaderLines} header lines` : ''} eol=${JSON.stringify(eol)}`;
    return { pieces: [...top, eol, ...nodeBody(m.body, eol)], shape };
  });

export const toBuffer = (message: HostileMessage): Buffer =>
  Buffer.concat(message.pieces.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : p)));

// The deployed email worker parses mail with shims in place of iconv-lite, encoding-japanese, he and
// dom-serializer (infra/bundling.ts). The parser is bundled exactly so and must read every message
// as the unbundled parser (with the real packages) does: legacy charsets in bodies and encoded
// words, Japanese, Chinese and Korean mail, UTF-16, refused UTF-7, unknown charsets and HTML-only mail.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseMail } from '../../functions/emails/parse-mail.ts';
import { esbuildOptions } from '../../infra/bundling.ts';

let outDir: string;
let bundledParse: typeof parseMail;

beforeAll(async () => {
  outDir = await mkdtemp(join(tmpdir(), 'kontakt-mail-bundle-'));
  const entry = join(outDir, 'entry.ts');
  await writeFile(entry, `export { parseMail } from ${JSON.stringify(resolve('functions/emails/parse-mail.ts'))};\n`);
  const outfile = join(outDir, 'parse-mail.mjs');
  await build({ ...esbuildOptions, entryPoints: [entry], outfile, absWorkingDir: resolve('.'), logLevel: 'silent' });
  bundledParse = (await import(pathToFileURL(outfile).href)).parseMail;
}, 60_000);

afterAll(async () => {
  await rm(outDir, { recursive: true, force: true });
});

const mail = (headers: string[], body: Buffer | string): Buffer =>
  Buffer.concat([
    Buffer.from(`${headers.join('\r\n')}\r\n\r\n`, 'latin1'),
    Buffer.isBuffer(body) ? body : Buffer.from(body),
  ]);

const textPart = (charset: string, body: Buffer, encoding = 'base64', subject = 'Test'): Buffer =>
  mail(
    [
      'From: a@example.com',
      'To: b@example.com',
      `Subject: ${subject}`,
      'MIME-Version: 1.0',
      `Content-Type: text/plain; charset=${charset}`,
      `Content-Transfer-Encoding: ${encoding}`,
    ],
    encoding === 'base64' ? body.toString('base64') : body,
  );

const samples: [string, Buffer, string][] = [
  [
    'windows-1252 quoted-printable',
    textPart('windows-1252', Buffer.from('Gr=FC=DFe aus K=F6ln =80 5', 'latin1'), 'quoted-printable'),
    'Grüße aus Köln € 5',
  ],
  ['iso-8859-1 8bit', textPart('iso-8859-1', Buffer.from('Grüße', 'latin1'), '8bit'), 'Grüße'],
  ['iso-8859-2', textPart('iso-8859-2', Buffer.from([0x50, 0xf8, 0xed, 0x6c, 0x69, 0xb9]), 'base64'), 'Příliš'],
  ['koi8-r', textPart('koi8-r', Buffer.from([0xf0, 0xd2, 0xc9, 0xd7, 0xc5, 0xd4]), 'base64'), 'Привет'],
  [
    'shift_jis',
    textPart('shift_jis', Buffer.from([0x82, 0xb1, 0x82, 0xf1, 0x82, 0xc9, 0x82, 0xbf, 0x82, 0xcd])),
    'こんにちは',
  ],
  ['iso-2022-jp', textPart('iso-2022-jp', Buffer.from('\x1b$B$3$s$K$A$O\x1b(B', 'latin1'), '7bit'), 'こんにちは'],
  [
    'euc-jp',
    textPart('euc-jp', Buffer.from([0xa4, 0xb3, 0xa4, 0xf3, 0xa4, 0xcb, 0xa4, 0xc1, 0xa4, 0xcf])),
    'こんにちは',
  ],
  ['gb2312', textPart('gb2312', Buffer.from([0xc4, 0xe3, 0xba, 0xc3])), '你好'],
  ['big5', textPart('big5', Buffer.from([0xa7, 0x41, 0xa6, 0x6e])), '你好'],
  ['euc-kr', textPart('euc-kr', Buffer.from([0xbe, 0xc8, 0xb3, 0xe7])), '안녕'],
  ['utf-16 with BOM', textPart('utf-16', Buffer.from([0xff, 0xfe, 0x48, 0x00, 0xe4, 0x00])), 'Hä'],
  ['unknown charset', textPart('x-unknown-42', Buffer.from('plain ascii')), 'plain ascii'],
  ['refused UTF-7', textPart('utf-7', Buffer.from('+ADw-script+AD4-'), '7bit'), '+ADw-script+AD4-'],
  [
    'encoded-word subjects',
    textPart(
      'utf-8',
      Buffer.from('x'),
      'base64',
      '=?ISO-8859-1?Q?Gr=FC=DFe?= =?windows-1252?B?gA==?= =?ISO-2022-JP?B?GyRCJDMkcyRLJEEkTxsoQg==?=',
    ),
    'x',
  ],
  [
    'HTML only',
    mail(
      ['From: a@example.com', 'Subject: HTML', 'MIME-Version: 1.0', 'Content-Type: multipart/related; boundary="r"'],
      '--r\r\nContent-Type: text/html; charset=windows-1252\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n<p>Gr=FC=DFe <b>aus</b> K&ouml;ln</p><table><tr><td>a</td><td>b</td></tr></table>\r\n--r--\r\n',
    ),
    'Grüße aus Köln',
  ],
];

const parse = async (parser: typeof parseMail, raw: Buffer) => {
  const parsed = await parser(Readable.from([raw]), async (_i, content) => {
    content.resume();
  });
  return { subject: parsed.subject, text: parsed.text?.trim() ?? null, html: parsed.html };
};

describe('the deployed mail parser', () => {
  it.each(samples)('reads %s as the unbundled parser does', async (_name, raw, expected) => {
    const bundled = await parse(bundledParse, raw);
    const unbundled = await parse(parseMail, raw);
    expect(bundled.text).toContain(expected);
    expect(bundled).toEqual(unbundled);
  });

  it('decodes encoded-word subjects in legacy charsets', async () => {
    const raw = samples.find(([name]) => name === 'encoded-word subjects')?.[1] ?? Buffer.alloc(0);
    expect((await parse(bundledParse, raw)).subject).toBe('Grüße€こんにちは'); // RFC 2047: space between encoded words is dropped;
  });
});

import { GetObjectCommand, HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import type { EmailReceivedV1 } from '../../events/email-received.v1.ts';
import { createEmailRepository } from '../../functions/emails/email.repository.ts';
import { judgeEmail } from '../../functions/emails/judge-email.ts';
import { createMailDirectory } from '../../functions/emails/mail-directory.ts';
import { createMailStore } from '../../functions/emails/mail-store.ts';
import { attachmentKey, processEmail } from '../../functions/emails/process-email.ts';
import { documentClient, mailBucket, s3Client, tableName } from '../support/aws.ts';
import { rawMail } from '../support/fixtures.ts';
import { hostileMails, largeAttachmentMail } from '../support/hostile-mail.ts';

const s3 = s3Client();
const emails = createEmailRepository(documentClient(), tableName);
const judge = judgeEmail({
  directory: createMailDirectory(documentClient(), tableName),
  recordAddressKey: async () => 'a-test-key-of-at-least-thirty-two-characters',
  mailDomain: 'kontakt.localhost',
});
const worker = processEmail({
  emails,
  mail: createMailStore(s3),
  judge,
  ticketMail: { publish: async () => undefined },
  now: () => new Date(),
});

const received = (sesMessageId: string): EmailReceivedV1 => ({
  type: 'email-received',
  version: 1,
  sesMessageId,
  bucket: mailBucket,
  key: `inbound/${sesMessageId}`,
  recipients: ['bcc@kontakt.localhost'],
  envelopeFrom: 'anna@example.com',
  receivedAt: new Date().toISOString(),
  verdicts: { spam: 'PASS', virus: 'PASS', spf: 'PASS', dkim: 'PASS', dmarc: 'GRAY' },
});

const storeRaw = async (sesMessageId: string, raw: string | Buffer) =>
  s3.send(new PutObjectCommand({ Bucket: mailBucket, Key: `inbound/${sesMessageId}`, Body: raw }));

const allEmails = async () => (await emails.list(100)).items;

const stored = async (sesMessageId: string) => {
  const found = (await allEmails()).filter((e) => e.sesMessageId === sesMessageId);
  expect(found).toHaveLength(1);
  return found[0];
};

let sequence = 0;
/** Stores the raw message as SES would and runs the worker on it; resolves with the stored email. */
const receive = async (raw: (tag: string) => string) => {
  sequence += 1;
  const id = `ses-${Date.now()}-h${sequence}`;
  await storeRaw(id, raw(id));
  await worker(received(id));
  return { id, email: await stored(id) };
};

describe('the inbound-email worker (emulator S3 + DynamoDB Local)', () => {
  it('stores the email with its headers and text, and keeps each attachment in S3', async () => {
    const id = `ses-${Date.now()}-a`;
    const pdf = `%PDF-1.4 ${'x'.repeat(300_000)}`;
    await storeRaw(id, rawMail({ messageId: id, subject: 'Angebot OPP-7', attachment: pdf }));

    await worker(received(id));
    const email = (await allEmails()).find((e) => e.sesMessageId === id);
    const stored = await s3.send(new GetObjectCommand({ Bucket: mailBucket, Key: attachmentKey(id, 0) }));

    expect(email).toMatchObject({
      subject: 'Angebot OPP-7',
      messageId: `<${id}@example.com>`,
      from: { name: 'Anna Schmidt', address: 'anna@example.com' },
      to: [{ name: 'Kunde', address: 'kunde@example.org' }],
      cc: [{ name: null, address: 'chef@example.org' }],
      date: '2026-11-24T09:00:00.000Z',
      envelopeRecipients: ['bcc@kontakt.localhost'],
      text: expect.stringContaining('anbei das Angebot'),
      attachments: [
        { filename: 'angebot.pdf', contentType: 'application/pdf', size: pdf.length, key: attachmentKey(id, 0) },
      ],
      raw: { bucket: mailBucket, key: `inbound/${id}` },
    });
    expect(await stored.Body?.transformToString()).toBe(pdf);
  });

  it('stores a redelivered message once', async () => {
    const id = `ses-${Date.now()}-b`;
    await storeRaw(id, rawMail({ messageId: id, subject: 'Twice' }));

    await worker(received(id));
    await worker(received(id));

    expect((await allEmails()).filter((e) => e.sesMessageId === id)).toHaveLength(1);
  });

  it('fails (and so retries) when the raw message is missing, storing nothing', async () => {
    const id = `ses-${Date.now()}-missing`;

    await expect(worker(received(id))).rejects.toThrow();

    expect((await allEmails()).filter((e) => e.sesMessageId === id)).toHaveLength(0);
  });
});

describe('hostile mail: every accepted message is stored, cut to the limits, the raw message kept', () => {
  it('stores a mail with a 1 MB subject with the subject cut to 998 characters', async () => {
    const { id, email } = await receive(hostileMails.hugeSubject);

    expect(email?.subject).toMatch(new RegExp(`^${id} [x ]+$`));
    expect(email?.subject).toHaveLength(998);
    expect(email?.text).toContain('Text nach dem Betreff.');
    expect(email).toMatchObject({ truncated: true, truncatedFields: ['headers', 'subject'] });
  });

  it('stores a mail to 20,000 recipients with the first 100 of them', async () => {
    const { email } = await receive(hostileMails.manyRecipients);

    expect(email?.to).toHaveLength(100);
    expect(email?.to[0]).toEqual({ name: 'Empfänger 0', address: 'r0@example.org' });
    expect(email).toMatchObject({ truncated: true, truncatedFields: ['headers', 'to'] });
  });

  it('stores a mail with 5,000 attachments with its text and the first 100 attachments', async () => {
    const { id, email } = await receive(hostileMails.manyAttachments);
    const last = await s3.send(new GetObjectCommand({ Bucket: mailBucket, Key: attachmentKey(id, 99) }));
    const beyond = s3.send(new HeadObjectCommand({ Bucket: mailBucket, Key: attachmentKey(id, 100) }));

    expect(email?.text).toContain('Anbei 5000 Dateien.');
    expect(email?.attachments).toHaveLength(100);
    expect(email?.attachments[99]).toMatchObject({ filename: 'f99.bin', size: 'data 99'.length });
    expect(await last.Body?.transformToString()).toBe('data 99');
    await expect(beyond).rejects.toThrow();
    expect(email).toMatchObject({ truncated: true, truncatedFields: ['attachments', 'parts'] });
  });

  it('stores a mail of 2,000 nested MIME parts with its headers', async () => {
    const { id, email } = await receive(hostileMails.deepNesting);

    expect(email).toMatchObject({
      subject: id,
      from: { address: 'anna@example.com' },
      date: '2026-11-24T09:00:00.000Z',
      truncated: true,
      truncatedFields: ['parts'],
    });
  });

  it('stores a mail with a 5 MB header line, dropping what is past the header limit', async () => {
    const { id, email } = await receive(hostileMails.hugeHeaderLine);

    expect(email).toMatchObject({ subject: id, text: expect.stringContaining('Nach der Kopfzeile.') });
    expect(email).toMatchObject({ truncated: true, truncatedFields: ['headers'] });
  });

  it('stores a message without any header', async () => {
    const { email } = await receive(hostileMails.noHeaders);

    expect(email).toMatchObject({
      subject: null,
      from: null,
      to: [],
      date: null,
      messageId: null,
      text: expect.stringContaining('Nur ein Text'),
      truncated: false,
    });
  });

  it('reads raw Latin-1 header bytes of an old mailer as Windows-1252, not as replacement characters', async () => {
    const id = `ses-${Date.now()}-latin1`;
    const raw = Buffer.from(
      `From: J\xfcrgen M\xfcller <juergen@example.de>\r\nTo: bcc@kontakt.localhost\r\nSubject: Gr\xfc\xdfe aus K\xf6ln\r\nMessage-ID: <${id}@example.de>\r\n\r\nHallo\r\n`,
      'latin1',
    );
    await storeRaw(id, raw);

    await worker(received(id));
    const email = await stored(id);

    expect(email?.from).toMatchObject({ name: 'Jürgen Müller', address: 'juergen@example.de' });
    expect(email?.subject).toBe('Grüße aus Köln');
  });

  it('stores a mail in charsets that do not exist', async () => {
    const { id, email } = await receive(hostileMails.badCharsets);

    expect(email?.subject).toContain(id);
    expect(email?.from?.address).toBe('anna@example.com');
    expect(email?.text).toContain('script');
  });

  it('reduces attachment names to safe base names and strips control characters from what people read', async () => {
    const names = [
      '../../etc/passwd',
      '..',
      '',
      `${'n'.repeat(600)}.pdf`,
      'a\u0000b\u0007\nc/d\\e.txt',
      'x\u202egnp.exe',
    ];
    const { id, email } = await receive((tag) => hostileMails.hostileNames(tag, names));

    expect(email?.attachments.map((a) => a.filename)).toEqual([
      'passwd',
      null,
      null,
      `${'n'.repeat(251)}.pdf`,
      'e.txt',
      'xgnp.exe',
    ]);
    expect(email?.subject).toBe(`${id} Rechnung`);
    expect(email?.text).toBe('Guten Tag,\n\tanbei die Dateien.');
  });

  it('gives a date only when the mail’s own Date is an RFC 5322 date', async () => {
    const unreadable = await receive((tag) => hostileMails.badDate(tag, 'gestern Abend'));
    const impossible = await receive((tag) => hostileMails.badDate(tag, 'Tue, 31 Feb 2026 10:00:00 +0100'));
    const missing = await receive((tag) => hostileMails.badDate(tag, null));
    const readable = await receive((tag) => hostileMails.badDate(tag, 'Tue, 24 Nov 2026 10:00:00 +0100'));

    expect(unreadable.email?.date).toBeNull();
    expect(impossible.email?.date).toBeNull();
    expect(missing.email?.date).toBeNull();
    expect(readable.email?.date).toBe('2026-11-24T09:00:00.000Z');
  });

  it('stores an attachment that declares an empty content type as octet-stream', async () => {
    const { email } = await receive(hostileMails.emptyContentType);

    expect(email?.attachments).toMatchObject([
      { filename: 'leer.bin', contentType: 'application/octet-stream', size: 1 },
    ]);
  });

  it('stores a mail of 1,500 parts whose headers never end, cut where the parser stops', async () => {
    const { email } = await receive(hostileMails.headlessParts);

    expect(email?.text).toContain('Vor den kopflosen Teilen.');
    expect(email).toMatchObject({ truncated: true, truncatedFields: ['parts'] });
  });

  it('streams a 20 MB attachment to S3', { timeout: 120_000 }, async () => {
    const id = `ses-${Date.now()}-large`;
    const mail = largeAttachmentMail(id, 20_000_000);
    await createMailStore(s3).put(mailBucket, `inbound/${id}`, mail.stream(), 'message/rfc822');

    await worker(received(id));
    const email = await stored(id);
    const head = await s3.send(new HeadObjectCommand({ Bucket: mailBucket, Key: attachmentKey(id, 0) }));

    expect(email?.attachments).toEqual([
      { filename: 'gross.pdf', size: 20_000_000, contentType: 'application/pdf', key: attachmentKey(id, 0) },
    ]);
    expect(head.ContentLength).toBe(20_000_000);
    expect(email?.truncated).toBe(false);
  });

  it('changes nothing when a hostile message is delivered again', async () => {
    const { id, email } = await receive(hostileMails.manyRecipients);

    await worker(received(id));

    expect(await stored(id)).toEqual(email);
  });
});

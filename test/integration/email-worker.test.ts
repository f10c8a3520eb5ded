import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import type { EmailReceivedV1 } from '../../events/index.ts';
import { createEmailRepository } from '../../functions/adapters/email.repository.ts';
import { createMailStore } from '../../functions/adapters/mail-store.ts';
import { attachmentKey, processEmail } from '../../functions/emails/process-email.ts';
import { documentClient, mailBucket, s3Client, tableName } from '../support/aws.ts';
import { rawMail } from '../support/fixtures.ts';

const s3 = s3Client();
const emails = createEmailRepository(documentClient(), tableName);
const worker = processEmail({ emails, mail: createMailStore(s3), now: () => new Date() });

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

const storeRaw = async (sesMessageId: string, raw: string) =>
  s3.send(new PutObjectCommand({ Bucket: mailBucket, Key: `inbound/${sesMessageId}`, Body: raw }));

const allEmails = async () => (await emails.list(100)).items;

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

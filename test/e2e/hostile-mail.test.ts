// Hostile mail through real SMTP into the running local stack: what SES would accept is answered
// 250 and then listed (cut to the limits, `truncated: true`), what SES would refuse is refused in
// the SMTP conversation, and nothing ends in a dead-letter queue.
import type { Readable } from 'node:stream';
import { GetQueueAttributesCommand, GetQueueUrlCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import { mailLimits } from '../../domain/emails/mail-limits.ts';
import { localNames } from '../../infra/local/provision.ts';
import { localAwsEnv } from '../../infra/local/services.ts';
import { hostileMails, largeAttachmentMail } from '../support/hostile-mail.ts';
import { eventually, type RunningStack, startStackProcess } from '../support/local-stack-process.ts';

let stack: RunningStack;

beforeAll(async () => {
  // a failed record comes back after 1 s, so a mail the worker cannot store reaches the DLQ within the test
  stack = await startStackProcess({ env: { KONTAKT_RETRY_SECONDS: '1' } });
});

afterAll(async () => {
  await stack?.stop();
});

const ListedEmail = z.object({
  subject: z.nullable(z.string()),
  from: z.nullable(z.object({ address: z.string() })),
  to: z.array(z.unknown()),
  date: z.nullable(z.string()),
  attachments: z.array(z.object({ filename: z.nullable(z.string()), size: z.number(), contentType: z.string() })),
  truncated: z.boolean(),
  truncatedFields: z.array(z.string()),
});
type ListedEmail = z.infer<typeof ListedEmail>;

const listed = async (): Promise<ListedEmail[]> => {
  const res = await fetch(`${stack.baseUrl}/v1/emails?limit=100`, {
    headers: { authorization: `Bearer ${stack.salesToken}` },
  });
  return z.object({ items: z.array(ListedEmail) }).parse(await res.json()).items;
};

/** Waits (generously: the machine may be busy) until a listed email matches. */
const listedWhere = (match: (email: ListedEmail) => boolean): Promise<ListedEmail> =>
  eventually(async () => (await listed()).find(match), 120_000);

const send = (raw: string | Readable) =>
  nodemailer
    .createTransport({ host: '127.0.0.1', port: stack.ports.smtp, secure: false, ignoreTLS: true })
    .sendMail({ envelope: { from: 'anna@example.com', to: ['bcc@kontakt.localhost'] }, raw });

const sqsClient = () =>
  new SQSClient({
    endpoint: `http://127.0.0.1:${stack.ports.emulator}`,
    useQueueUrlAsEndpoint: false,
    region: localAwsEnv.AWS_REGION,
    credentials: { accessKeyId: localAwsEnv.AWS_ACCESS_KEY_ID, secretAccessKey: localAwsEnv.AWS_SECRET_ACCESS_KEY },
  });

const queueUrl = async (name: string): Promise<string> =>
  (await sqsClient().send(new GetQueueUrlCommand({ QueueName: name }))).QueueUrl ?? '';

const queueDepth = async (name: string): Promise<number> => {
  const sqs = sqsClient();
  const url = await queueUrl(name);
  const attributes = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: url,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return (
    Number(attributes.Attributes?.ApproximateNumberOfMessages ?? '0') +
    Number(attributes.Attributes?.ApproximateNumberOfMessagesNotVisible ?? '0')
  );
};

const tag = (name: string): string => `hostile-${name}-${Date.now()}`;

describe('hostile mail through SMTP', () => {
  it('answers 250 to each hostile mail SES would accept, then lists it cut to the limits', {
    timeout: 300_000,
  }, async () => {
    const tags = {
      subject: tag('subject'),
      recipients: tag('recipients'),
      attachments: tag('attachments'),
      nesting: tag('nesting'),
      headerLine: tag('header-line'),
      charsets: tag('charsets'),
      names: tag('names'),
      neighbour: tag('neighbour'),
    };

    const answers = [
      await send(hostileMails.hugeSubject(tags.subject)),
      await send(hostileMails.manyRecipients(tags.recipients)),
      await send(hostileMails.manyAttachments(tags.attachments)),
      await send(hostileMails.deepNesting(tags.nesting)),
      await send(hostileMails.hugeHeaderLine(tags.headerLine)),
      await send(hostileMails.noHeaders()),
      await send(hostileMails.badCharsets(tags.charsets)),
      await send(hostileMails.hostileNames(tags.names, ['../../etc/passwd', '..', 'a\u0000b\u202e.pdf'])),
      await send(hostileMails.badDate(tags.neighbour, 'gestern')),
    ];

    expect(answers.map((a) => a.response.slice(0, 3))).toEqual(Array(answers.length).fill('250'));
    const subject = await listedWhere((e) => e.subject?.startsWith(tags.subject) ?? false);
    const recipients = await listedWhere((e) => e.subject === tags.recipients);
    const attachments = await listedWhere((e) => e.subject === tags.attachments);
    const nesting = await listedWhere((e) => e.subject === tags.nesting);
    const headerLine = await listedWhere((e) => e.subject === tags.headerLine);
    const headerless = await listedWhere((e) => e.subject === null && e.from === null);
    const charsets = await listedWhere((e) => e.subject?.startsWith(tags.charsets) ?? false);
    const names = await listedWhere((e) => e.subject === `${tags.names} Rechnung`);
    const neighbour = await listedWhere((e) => e.subject === tags.neighbour);

    expect(subject).toMatchObject({ truncated: true, truncatedFields: ['headers', 'subject'] });
    expect(subject.subject).toHaveLength(mailLimits.maxSubjectChars);
    expect(recipients).toMatchObject({ truncated: true, truncatedFields: ['headers', 'to'] });
    expect(recipients.to).toHaveLength(mailLimits.maxRecipientsPerField);
    expect(attachments).toMatchObject({ truncated: true, truncatedFields: ['attachments', 'parts'] });
    expect(attachments.attachments).toHaveLength(mailLimits.maxAttachments);
    expect(nesting).toMatchObject({ truncated: true, truncatedFields: ['parts'] });
    expect(headerLine).toMatchObject({ truncated: true, truncatedFields: ['headers'] });
    expect(headerless).toMatchObject({ to: [], date: null, truncated: false });
    expect(charsets.from?.address).toBe('anna@example.com');
    expect(names.attachments.map((a) => a.filename)).toEqual(['passwd', null, 'ab.pdf']);
    expect(neighbour).toMatchObject({ date: null, truncated: false });
    expect(await queueDepth('inbound-email-dlq')).toBe(0);
    expect(await queueDepth('ses-receipt-failures')).toBe(0);
  });

  it('accepts a 30 MB mail and lists it with its attachment', { timeout: 300_000 }, async () => {
    const subject = tag('large');
    const mail = largeAttachmentMail(subject, 22_000_000);

    const answer = await send(mail.stream());
    const email = await listedWhere((e) => e.subject === subject);

    expect(mail.length).toBeGreaterThan(29_000_000);
    expect(answer.response).toMatch(/^250 /);
    expect(email.attachments).toEqual([{ filename: 'gross.pdf', size: 22_000_000, contentType: 'application/pdf' }]);
  });

  it('refuses a mail over SES’s 40 MB with 552 5.3.4, as SES does, and stores nothing of it', {
    timeout: 300_000,
  }, async () => {
    const subject = tag('too-large');
    const mail = largeAttachmentMail(subject, 31 * 1024 * 1024);
    const before = (await listed()).length;

    const refused = send(mail.stream());

    expect(mail.length).toBeGreaterThan(mailLimits.maxMessageBytes);
    await expect(refused).rejects.toMatchObject({
      responseCode: 552,
      response: expect.stringMatching(/^552 5\.3\.4 /),
    });
    const neighbour = tag('after-too-large');
    await send(hostileMails.badDate(neighbour, null));
    await listedWhere((e) => e.subject === neighbour);
    expect((await listed()).length).toBe(before + 1);
    expect((await listed()).some((e) => e.subject === subject)).toBe(false);
  });

  it('sends a message the worker cannot process to the DLQ with its reason logged, and stores its neighbour', {
    timeout: 300_000,
  }, async () => {
    const sqs = sqsClient();
    const before = await queueDepth('inbound-email-dlq');
    const missingRaw = await sqs.send(
      new SendMessageCommand({
        QueueUrl: await queueUrl('inbound-email'),
        MessageBody: JSON.stringify({
          type: 'email-received',
          version: 1,
          sesMessageId: `missing${Date.now()}`,
          bucket: localNames.mailBucket,
          key: `inbound/missing${Date.now()}`,
          recipients: ['bcc@kontakt.localhost'],
          envelopeFrom: 'anna@example.com',
          receivedAt: new Date().toISOString(),
          verdicts: { spam: 'PASS', virus: 'PASS', spf: 'PASS', dkim: 'PASS', dmarc: 'PASS' },
        }),
      }),
    );
    const neighbour = tag('poison-neighbour');

    await send(hostileMails.badDate(neighbour, null));
    await listedWhere((e) => e.subject === neighbour);
    await eventually(async () => ((await queueDepth('inbound-email-dlq')) === before + 1 ? true : undefined), 120_000);

    expect(
      stack
        .output()
        .split('\n')
        .some((line) => line.includes('message failed') && line.includes(missingRaw.MessageId ?? '?')),
    ).toBe(true);
  });
});

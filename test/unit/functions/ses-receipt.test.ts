import type { SESEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import type { EmailReceivedV1 } from '../../../events/email-received.v1.ts';
import { handleSesReceipt } from '../../../functions/emails/ses-receipt.ts';

const sesEvent = (recipients: string[], verdicts: { spam?: string; dmarc?: string } = {}): SESEvent =>
  ({
    Records: [
      {
        eventSource: 'aws:ses',
        eventVersion: '1.0',
        ses: {
          mail: {
            timestamp: '2026-11-24T09:00:00.000Z',
            source: 'anna@example.com',
            messageId: 'abc123',
            destination: recipients,
            headersTruncated: false,
            headers: [],
            commonHeaders: { returnPath: 'anna@example.com', date: 'x', messageId: '<m@x>', to: ['kunde@example.org'] },
          },
          receipt: {
            timestamp: '2026-11-24T09:00:01.000Z',
            processingTimeMillis: 10,
            recipients,
            spamVerdict: { status: verdicts.spam ?? 'PASS' },
            virusVerdict: { status: 'PASS' },
            spfVerdict: { status: 'PASS' },
            dkimVerdict: { status: 'GRAY' },
            ...(verdicts.dmarc ? { dmarcVerdict: { status: verdicts.dmarc } } : {}),
            action: { type: 'Lambda', functionArn: 'arn', invocationType: 'Event' },
          },
        },
      },
    ],
  }) as SESEvent;

const run = async (event: SESEvent) => {
  const published: EmailReceivedV1[] = [];
  await handleSesReceipt({
    publisher: { publish: async (_url, message) => void published.push(message) },
    inboundEmailQueueUrl: 'q',
    mailBucket: 'mail',
    prefix: 'inbound/',
    mailDomain: 'crm.example.com',
  })(event);
  return published;
};

describe('the SES receipt function', () => {
  it('enqueues the envelope recipients of our domain with the verdicts and the S3 location', async () => {
    const published = await run(sesEvent(['BCC@crm.example.com', 'other@example.org'], { spam: 'FAIL' }));

    expect(published).toEqual([
      {
        type: 'email-received',
        version: 1,
        sesMessageId: 'abc123',
        bucket: 'mail',
        key: 'inbound/abc123',
        recipients: ['bcc@crm.example.com'],
        envelopeFrom: 'anna@example.com',
        receivedAt: '2026-11-24T09:00:01.000Z',
        verdicts: { spam: 'FAIL', virus: 'PASS', spf: 'PASS', dkim: 'GRAY', dmarc: 'GRAY' },
      },
    ]);
  });

  it('ignores mail that reached none of our addresses', async () => {
    expect(await run(sesEvent(['someone@example.org']))).toEqual([]);
  });

  it('enqueues each Kontakt recipient once and at most 100 of them, so the message always fits the queue', async () => {
    const many = Array.from({ length: 5000 }, (_, i) => `bcc+${i}@crm.example.com`);

    const published = await run(sesEvent(['BCC@crm.example.com', 'bcc@crm.example.com', ...many]));

    expect(published[0]).toMatchObject({ recipients: expect.arrayContaining(['bcc@crm.example.com']) });
    expect(published[0]?.type === 'email-received' && published[0].recipients).toHaveLength(100);
  });
});

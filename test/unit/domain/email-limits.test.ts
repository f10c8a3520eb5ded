import { describe, expect, it } from 'vitest';
import { boundEmail, type ReceivedEmail } from '../../../domain/emails/email.ts';
import { mailLimits } from '../../../domain/emails/mail-limits.ts';

const received = (fields: Partial<ReceivedEmail> = {}): ReceivedEmail => ({
  id: '01JTEST',
  sesMessageId: 'ses-1',
  messageId: '<m@example.com>',
  subject: 'Angebot OPP-7',
  from: { name: 'Anna Schmidt', address: 'anna@example.com' },
  to: [{ name: 'Kunde', address: 'kunde@example.org' }],
  cc: [],
  date: '2026-11-24T09:00:00.000Z',
  receivedAt: '2026-11-24T09:00:01.000Z',
  envelopeRecipients: ['bcc@kontakt.localhost'],
  text: 'Guten Tag',
  attachments: [],
  raw: { bucket: 'mail', key: 'inbound/ses-1' },
  verdicts: { spam: 'PASS' },
  envelopeFrom: 'anna@example.com',
  status: 'unlinked',
  quarantine: null,
  links: {},
  unmatchedAddresses: [],
  unlinkedNumbers: [],
  automated: false,
  forwardedFrom: null,
  invalidAddresses: [],
  snippet: null,
  html: null,
  identities: [],
  released: null,
  inReplyTo: null,
  references: [],
  bounce: null,
  ticketMail: false,
  senderVerified: false,
  cut: [],
  ...fields,
});

const storedBytes = (value: unknown): number => new TextEncoder().encode(JSON.stringify(value)).length;
const mailboxes = (n: number, name = 'Name') =>
  Array.from({ length: n }, (_, i) => ({ name, address: `r${i}@example.org` }));

describe('a received email within the limits', () => {
  it('stores an ordinary mail unchanged and not truncated', () => {
    const email = boundEmail(received());

    expect(email).toMatchObject({
      subject: 'Angebot OPP-7',
      truncated: false,
      truncatedFields: [],
      textTruncated: false,
    });
  });

  it('cuts the subject, the recipient lists and the attachments, and says what it cut', () => {
    const email = boundEmail(
      received({
        subject: 's'.repeat(1_000_000),
        to: mailboxes(20_000),
        cc: mailboxes(150),
        attachments: Array.from({ length: 100 }, (_, i) => ({
          filename: `f${i}.bin`,
          size: 1,
          contentType: 'application/octet-stream',
          key: `attachments/ses-1/${i}`,
        })),
        cut: ['attachments'],
      }),
    );

    expect(email.subject).toHaveLength(mailLimits.maxSubjectChars);
    expect(email.to).toHaveLength(mailLimits.maxRecipientsPerField);
    expect(email.cc).toHaveLength(mailLimits.maxRecipientsPerField);
    expect(email.attachments).toHaveLength(100);
    expect(email.truncated).toBe(true);
    expect(email.truncatedFields).toEqual(['subject', 'to', 'cc', 'attachments']);
  });

  it('strips control characters and bidi overrides from subject, names and text, and makes names safe', () => {
    const email = boundEmail(
      received({
        subject: 'Re\u0000: Angebot\u202e',
        from: { name: 'Anna\u0007 \u202eSchmidt', address: 'ANNA@example.com' },
        text: 'Zeile 1\r\nZeile\u0000 2\u0085',
        attachments: [
          { filename: '../../etc/passwd', size: 3, contentType: 'application/pdf', key: 'attachments/ses-1/0' },
        ],
      }),
    );

    expect(email).toMatchObject({
      subject: 'Re: Angebot',
      from: { name: 'Anna Schmidt', address: 'anna@example.com' },
      text: 'Zeile 1\r\nZeile 2',
      attachments: [{ filename: 'passwd', contentType: 'application/pdf' }],
      truncated: false,
    });
  });

  it('drops an address too long to be one', () => {
    const email = boundEmail(received({ to: [{ name: null, address: `${'a'.repeat(300)}@example.org` }] }));

    expect(email.to).toEqual([]);
    expect(email.truncatedFields).toEqual(['to']);
  });

  it('keeps the item under DynamoDB’s limit whatever the text is made of', () => {
    // 100,000 characters of three UTF-8 bytes each are 300 KB on their own
    const wide = '見'.repeat(mailLimits.maxTextChars);
    const longNames = mailboxes(100, 'Ä'.repeat(mailLimits.maxDisplayNameChars));

    const email = boundEmail(received({ text: wide, to: longNames, cc: longNames }));

    expect(storedBytes(email)).toBeLessThanOrEqual(mailLimits.maxStoredBytes);
    expect(email.text?.length).toBeLessThan(mailLimits.maxTextChars);
    expect(email.text?.length).toBeGreaterThan(50_000);
    expect(email.textTruncated).toBe(true);
    expect(email.truncatedFields).toEqual(['text']);
    expect(email.to).toHaveLength(100);
  });

  it('cuts the text to its character limit', () => {
    const email = boundEmail(received({ text: 'x'.repeat(mailLimits.maxTextChars + 5) }));

    expect(email.text).toHaveLength(mailLimits.maxTextChars);
    expect(email.textTruncated).toBe(true);
  });
});

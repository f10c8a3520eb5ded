import { ulid } from 'ulid';
import { type Company, type CompanyFields, createCompany } from '../../domain/companies/company.ts';
import type { Email } from '../../domain/emails/email.ts';
import { createPerson, type Person, type PersonFields } from '../../domain/persons/person.ts';
import { KontaktError } from '../../domain/shared/errors.ts';
import { demoWebform } from '../../domain/webforms/webform.ts';
import type { WebformRepository } from '../../functions/webforms/webform.repository.ts';

/** Fixtures: a raw MIME message, contact data and the demo form, ready to store. */
export const rawMail = (options: { messageId: string; subject: string; attachment?: string }): string =>
  [
    'From: Anna Schmidt <anna@example.com>',
    'To: Kunde <kunde@example.org>',
    'Cc: chef@example.org',
    `Subject: ${options.subject}`,
    `Message-ID: <${options.messageId}@example.com>`,
    'Date: Tue, 24 Nov 2026 10:00:00 +0100',
    'MIME-Version: 1.0',
    'Content-Type: multipart/mixed; boundary="b1"',
    '',
    '--b1',
    'Content-Type: text/plain; charset=utf-8',
    '',
    'Guten Tag, anbei das Angebot.',
    '--b1',
    'Content-Type: application/pdf; name="angebot.pdf"',
    'Content-Disposition: attachment; filename="angebot.pdf"',
    'Content-Transfer-Encoding: base64',
    '',
    Buffer.from(options.attachment ?? '%PDF-1.4 test').toString('base64'),
    '--b1--',
    '',
  ].join('\r\n');

/** The demo form, created once whichever test file gets there first. */
export const ensureDemoForm = async (forms: WebformRepository): Promise<void> => {
  if (await forms.get('demo')) return;
  await forms.create(demoWebform(new Date())).catch((error: unknown) => {
    if (!(error instanceof KontaktError && error.code === 'webform-exists')) throw error;
  });
};

/** A complete person with a fresh id, for repositories that store whole records. */
export const aPerson = (fields: Partial<PersonFields> & { firstName: string; lastName: string }): Person =>
  createPerson(ulid(), { emails: [], phones: [], isMainContact: false, ...fields }, new Date());

/** A complete company with a fresh id. */
export const aCompany = (fields: Partial<CompanyFields> & { name: string }): Company =>
  createCompany(ulid(), { type: 'company', relationship: 'prospect', emails: [], phones: [], ...fields }, new Date());

/** A stored email with every field set, for entity and answer tests. */
export const anEmail = (): Email => ({
  id: '01JEMAIL0000000000000000AA',
  sesMessageId: 'o3vq1f0s2mbc8lqg9b0example',
  messageId: '<m1@example.com>',
  subject: 'Angebot OPP-7',
  from: { name: 'Anna Schmidt', address: 'anna@example.com' },
  to: [{ name: null, address: 'vertrieb@kontakt.example' }],
  cc: [],
  date: '2031-03-03T10:00:00.000Z',
  receivedAt: '2031-03-03T10:00:05.000Z',
  envelopeRecipients: ['bcc@kontakt.example'],
  text: 'Guten Tag',
  textTruncated: false,
  attachments: [{ filename: 'angebot.pdf', size: 300, contentType: 'application/pdf', key: 'attachments/o3v/0' }],
  raw: { bucket: 'mail', key: 'inbound/o3v' },
  verdicts: { spam: 'PASS', virus: 'PASS' },
  truncated: false,
  truncatedFields: [],
  envelopeFrom: 'anna@example.com',
  status: 'linked',
  quarantine: null,
  links: { 'user:u-anna': 'sender', 'person:01JPERSON00000000000000AA': 'to' },
  unmatchedAddresses: ['chef@example.org'],
  unlinkedNumbers: [{ number: 'TIC-9', reason: 'no-shared-contact' }],
  automated: false,
  forwardedFrom: null,
  invalidAddresses: [],
  snippet: 'Guten Tag',
  html: null,
  identities: ['abc'],
  released: null,
  inReplyTo: null,
  references: [],
  bounce: null,
  ticketMail: false,
  senderVerified: true,
});

import { ulid } from 'ulid';
import { type Company, type CompanyFields, createCompany } from '../../domain/companies/company.ts';
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

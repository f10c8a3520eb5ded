import { describe, expect, it } from 'vitest';
import {
  type AddressMatch,
  checkAuthenticity,
  classifyRecipient,
  decideLinks,
  isAutomated,
  type LinkInput,
  type NumberedRecord,
  recordAddress,
  subjectNumbers,
  type Verdicts,
} from '../../../domain/emails/smart-bcc.ts';

const pass: Verdicts = { spam: 'PASS', virus: 'PASS', spf: 'PASS', dkim: 'PASS', dmarc: 'PASS' };
const key = 'k'.repeat(40);

describe('who may file mail: authenticity judged on the From domain', () => {
  it('accepts DMARC PASS', () => {
    expect(checkAuthenticity(pass, 'bounce@mailer.example', 'anna@firma.de')).toBeNull();
  });

  it('accepts no DMARC policy only with SPF PASS for an envelope sender in the From domain', () => {
    const gray = { ...pass, dmarc: 'GRAY' as const };
    expect(checkAuthenticity(gray, 'anna@firma.de', 'anna@firma.de')).toBeNull();
    expect(checkAuthenticity(gray, 'anna@FIRMA.de', 'Anna@firma.DE')).toBeNull();
    // an attacker's own domain passes SPF and DKIM: that says nothing of the From address
    expect(checkAuthenticity(gray, 'x@attacker.example', 'anna@firma.de')).toMatchObject({
      reason: 'not-authentic',
      detail: expect.stringContaining('attacker.example'),
    });
    expect(checkAuthenticity({ ...gray, spf: 'FAIL' }, 'anna@firma.de', 'anna@firma.de')).toMatchObject({
      reason: 'not-authentic',
      detail: 'no DMARC policy and SPF FAIL',
    });
    expect(checkAuthenticity(gray, null, 'anna@firma.de')?.reason).toBe('not-authentic');
  });

  it('quarantines DMARC FAIL, PROCESSING_FAILED and DISABLED, and spam or virus FAIL even with DMARC PASS', () => {
    for (const dmarc of ['FAIL', 'PROCESSING_FAILED', 'DISABLED'] as const)
      expect(checkAuthenticity({ ...pass, dmarc }, 'anna@firma.de', 'anna@firma.de')).toEqual({
        reason: 'not-authentic',
        detail: `DMARC ${dmarc}`,
      });
    expect(checkAuthenticity({ ...pass, spam: 'FAIL' }, 'a@firma.de', 'a@firma.de')?.reason).toBe('spam');
    expect(checkAuthenticity({ ...pass, virus: 'FAIL' }, 'a@firma.de', 'a@firma.de')?.reason).toBe('virus');
  });
});

describe('record numbers in a subject', () => {
  it('finds OPP and TIC numbers in any case, in brackets or after #, after reply and forward prefixes', () => {
    expect(subjectNumbers('AW: WG: Angebot [OPP-12] und #tic-7, Fwd: Opp-12')).toEqual([
      { kind: 'opportunity', number: 12, text: 'OPP-12' },
      { kind: 'ticket', number: 7, text: 'TIC-7' },
    ]);
    expect(subjectNumbers('Antw: FW: Re: (TIC-3)').map((n) => n.text)).toEqual(['TIC-3']);
  });

  it('finds nothing inside words or longer numbers, and nothing in a missing subject', () => {
    expect(subjectNumbers('XOPP-12 TOPIC-7 OPP-0 OPP-12a OPP-1-2 opp_3')).toEqual([]);
    expect(subjectNumbers(null)).toEqual([]);
  });

  it('reads at most ten numbers', () => {
    const many = Array.from({ length: 30 }, (_, i) => `OPP-${i + 1}`).join(' ');
    expect(subjectNumbers(many)).toHaveLength(10);
  });
});

describe('per-record addresses', () => {
  it('are recognised with Kontakt’s signature and refused without it', () => {
    const address = recordAddress(key, 'opportunity', 12, 'Kontakt.Example');
    expect(address).toMatch(/^opp-12\.[a-z2-7]{10}@kontakt\.example$/);
    expect(classifyRecipient(key, address.toUpperCase())).toEqual({
      kind: 'record',
      address,
      record: { kind: 'opportunity', number: 12, text: 'OPP-12' },
      signed: true,
    });
    const token = address.slice(7, 17);
    // another record's token, a changed character, another key: none is Kontakt's signature
    expect(classifyRecipient(key, `opp-13.${token}@kontakt.example`)).toMatchObject({ signed: false });
    const flipped = `${token.slice(0, -1)}${token.endsWith('a') ? 'b' : 'a'}`;
    expect(classifyRecipient(key, `opp-12.${flipped}@kontakt.example`)).toMatchObject({ signed: false });
    expect(classifyRecipient('x'.repeat(40), address)).toMatchObject({ signed: false });
    expect(classifyRecipient(key, recordAddress(key, 'ticket', 7, 'kontakt.example'))).toMatchObject({
      record: { kind: 'ticket', number: 7 },
      signed: true,
    });
  });

  it('leaves every other address of the domain to Smart BCC', () => {
    expect(classifyRecipient(key, 'bcc@kontakt.example')).toEqual({
      kind: 'smart-bcc',
      address: 'bcc@kontakt.example',
    });
    expect(classifyRecipient(key, 'opp-12@kontakt.example').kind).toBe('smart-bcc');
  });
});

describe('automated mail', () => {
  const headers =
    (values: Record<string, string>) =>
    (name: string): string | null =>
      values[name] ?? null;
  it('is recognised by RFC 3834, Precedence, Exchange and list headers', () => {
    expect(isAutomated(headers({ 'auto-submitted': 'auto-replied' }))).toBe(true);
    expect(isAutomated(headers({ 'auto-submitted': 'No' }))).toBe(false);
    expect(isAutomated(headers({ precedence: 'Bulk' }))).toBe(true);
    expect(isAutomated(headers({ 'x-auto-response-suppress': 'All' }))).toBe(true);
    expect(isAutomated(headers({ 'list-unsubscribe': '<mailto:x@y>' }))).toBe(true);
    expect(isAutomated(headers({ 'x-loop': 'kontakt' }))).toBe(true);
    expect(isAutomated(headers({ subject: 'Hallo' }))).toBe(false);
  });
});

describe('what a mail links to', () => {
  const opp = (fields: Partial<NumberedRecord> = {}): NumberedRecord => ({
    kind: 'opportunity',
    id: 'opp-1',
    number: 'OPP-12',
    personId: null,
    companyId: null,
    responsibleUserId: null,
    subscriberIds: [],
    ...fields,
  });
  const max: AddressMatch = { persons: [{ id: 'p-max', companyId: 'c-acme' }], inboxEntries: ['e-1'] };
  const input = (fields: Partial<LinkInput> = {}): LinkInput => ({
    userId: 'u-anna',
    addresses: [
      { address: 'max@kunde.de', via: 'to' },
      { address: 'unknown@kunde.de', via: 'cc' },
      { address: 'bcc@kontakt.example', via: 'cc' },
    ],
    matches: new Map([
      ['max@kunde.de', max],
      ['unknown@kunde.de', { persons: [], inboxEntries: [] }],
    ]),
    numbered: [],
    recordsAddressed: [],
    ownAddresses: new Set(['bcc@kontakt.example']),
    ...fields,
  });

  it('links the user, the persons and open entries of the addresses and those persons’ companies, and lists the rest', () => {
    expect(decideLinks(input())).toEqual({
      links: [
        { kind: 'user', id: 'u-anna', via: 'sender' },
        { kind: 'person', id: 'p-max', via: 'to' },
        { kind: 'company', id: 'c-acme', via: 'to' },
        { kind: 'inboxEntry', id: 'e-1', via: 'to' },
      ],
      unmatchedAddresses: ['unknown@kunde.de'],
      unlinkedNumbers: [],
    });
  });

  it('links a numbered record only when it shares a person or company with the mail or the sender is its user', () => {
    const number = { kind: 'opportunity' as const, number: 12, text: 'OPP-12' };
    const sharesCompany = decideLinks(input({ numbered: [{ number, record: opp({ companyId: 'c-acme' }) }] }));
    expect(sharesCompany.links).toContainEqual({ kind: 'opportunity', id: 'opp-1', via: 'subject-number' });

    const stranger = decideLinks(input({ numbered: [{ number, record: opp({ companyId: 'c-other' }) }] }));
    expect(stranger.links.some((l) => l.kind === 'opportunity')).toBe(false);
    expect(stranger.unlinkedNumbers).toEqual([{ number: 'OPP-12', reason: 'no-shared-contact' }]);

    const responsible = decideLinks(
      input({ addresses: [], numbered: [{ number, record: opp({ responsibleUserId: 'u-anna' }) }] }),
    );
    expect(responsible.links).toContainEqual({ kind: 'opportunity', id: 'opp-1', via: 'subject-number' });
    const subscriber = decideLinks(
      input({ addresses: [], numbered: [{ number, record: opp({ subscriberIds: ['u-anna'] }) }] }),
    );
    expect(subscriber.links).toContainEqual({ kind: 'opportunity', id: 'opp-1', via: 'subject-number' });

    const missing = decideLinks(
      input({ numbered: [{ number: { ...number, number: 99, text: 'OPP-99' }, record: null }] }),
    );
    expect(missing.unlinkedNumbers).toEqual([{ number: 'OPP-99', reason: 'not-found' }]);
  });

  it('links several numbers, each once, and the record of a per-record address', () => {
    const outcome = decideLinks(
      input({
        numbered: [
          { number: { kind: 'opportunity', number: 12, text: 'OPP-12' }, record: opp({ personId: 'p-max' }) },
          {
            number: { kind: 'ticket', number: 7, text: 'TIC-7' },
            record: { ...opp({ companyId: 'c-acme' }), kind: 'ticket', id: 'tic-1', number: 'TIC-7' },
          },
        ],
        recordsAddressed: [opp({ id: 'opp-2', number: 'OPP-13' })],
      }),
    );
    expect(outcome.links.filter((l) => l.kind === 'opportunity' || l.kind === 'ticket')).toEqual([
      { kind: 'opportunity', id: 'opp-2', via: 'record-address' },
      { kind: 'opportunity', id: 'opp-1', via: 'subject-number' },
      { kind: 'ticket', id: 'tic-1', via: 'subject-number' },
    ]);
  });
});

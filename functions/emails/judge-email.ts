/**
 * Smart BCC's verdict on one mail: quarantined (with its reason), or linked to what it concerns.
 * The rules are domain/emails/smart-bcc.ts; this gathers what they need by key lookups.
 */
import type { Mailbox } from '../../domain/emails/email.ts';
import {
  type AddressMatch,
  checkAuthenticity,
  checkServiceMail,
  classifyRecipient,
  decideLinks,
  type EmailLink,
  type EmailStatus,
  type KontaktAddress,
  type LinkInput,
  type NumberedRecord,
  type Quarantine,
  statusOf,
  subjectNumbers,
  type UnlinkedNumber,
  type Verdicts,
} from '../../domain/emails/smart-bcc.ts';
import type { MailDirectory } from './mail-directory.ts';

/** What the verdict is taken on: the stored email's fields and SES's envelope and verdicts. */
export type MailFacts = {
  from: Mailbox | null;
  to: Mailbox[];
  cc: Mailbox[];
  subject: string | null;
  forwardedFrom: Mailbox | null;
  envelopeFrom: string | null;
  envelopeRecipients: string[];
  verdicts: Verdicts;
};

export type Verdict = {
  status: EmailStatus;
  quarantine: Quarantine | null;
  links: EmailLink[];
  unmatchedAddresses: string[];
  unlinkedNumbers: UnlinkedNumber[];
  /** email to ticket takes it: sent to the service address, or by a customer to a ticket's own address */
  ticketMail: boolean;
};

export type JudgeDeps = {
  directory: MailDirectory;
  recordAddressKey: () => Promise<string>;
  mailDomain: string;
  /** the service address's local part (`service` unless configured) */
  serviceLocalPart?: string;
};

const quarantined = (quarantine: Quarantine): Verdict => ({
  status: 'quarantined',
  quarantine,
  links: [],
  unmatchedAddresses: [],
  unlinkedNumbers: [],
  ticketMail: false,
});

/**
 * Judges a mail. `release` (an admin's release of a quarantined mail) links it as if it had
 * passed: no authenticity or sender check, and a forged record address is simply not followed.
 */
export const judgeEmail =
  (deps: JudgeDeps) =>
  async (mail: MailFacts, options: { release?: boolean } = {}): Promise<Verdict> => {
    const release = options.release === true;
    const domain = `@${deps.mailDomain.toLowerCase()}`;
    const key = await deps.recordAddressKey();
    const kontakt: KontaktAddress[] = mail.envelopeRecipients
      .map((r) => r.toLowerCase())
      .filter((r) => r.endsWith(domain))
      .map((r) => classifyRecipient(key, r, deps.serviceLocalPart));
    const fromAddress = mail.from?.address ?? null;
    const userId = fromAddress ? await deps.directory.userOf(fromAddress) : null;
    const serviceAddressed = kontakt.some((k) => k.kind === 'service');
    const ticketAddressed = kontakt.some((k) => k.kind === 'record' && k.record.kind === 'ticket');
    // anyone may write to the service address; a customer's mail to a ticket's own address is a reply for email to ticket
    const ticketMail = serviceAddressed || (ticketAddressed && userId === null);

    if (!release) {
      const refused = ticketMail
        ? checkServiceMail(mail.verdicts)
        : checkAuthenticity(mail.verdicts, mail.envelopeFrom, fromAddress);
      if (refused) return quarantined(refused);
    }

    // a per-record address must carry Kontakt's signature and name a record that exists
    let recordAddressed: NumberedRecord | null = null;
    for (const address of kontakt) {
      if (address.kind !== 'record') continue;
      if (!address.signed) {
        if (release) continue;
        return quarantined({
          reason: 'forged-record-address',
          detail: `${address.address} does not carry Kontakt's signature`,
        });
      }
      const record = await deps.directory.byNumber(address.record.kind, address.record.number);
      if (!record) {
        if (release) continue;
        return quarantined({ reason: 'unknown-record', detail: `${address.record.text} does not exist` });
      }
      recordAddressed ??= record;
    }

    const matches = new Map<string, AddressMatch>();
    const lookUp = async (address: string): Promise<AddressMatch> => {
      const known = matches.get(address);
      if (known) return known;
      const found = address.endsWith(domain) ? { persons: [], inboxEntries: [] } : await deps.directory.match(address);
      matches.set(address, found);
      return found;
    };

    if (ticketMail) {
      // the ticket worker decides the ticket; the mail is linked to its sender now
      const sender = fromAddress ? await lookUp(fromAddress) : { persons: [], inboxEntries: [] };
      const addresses: LinkInput['addresses'] = fromAddress ? [{ address: fromAddress, via: 'sender' }] : [];
      const decided = decideLinks({
        userId,
        addresses,
        matches: new Map(fromAddress ? [[fromAddress, sender]] : []),
        numbered: [],
        recordAddressed: null,
        ownAddresses: new Set(kontakt.map((k) => k.address)),
      });
      return { status: statusOf(decided.links), quarantine: null, ...decided, ticketMail: true };
    }

    const addresses: LinkInput['addresses'] = [];
    if (userId === null) {
      // not a user: only a customer's reply to a record's own address is taken, from a person of that record
      if (!release) {
        if (!recordAddressed)
          return quarantined({
            reason: 'sender-not-a-user',
            detail: `${fromAddress ?? 'a mail without From'} is no Kontakt user's address`,
          });
        const sender = fromAddress ? await lookUp(fromAddress) : { persons: [], inboxEntries: [] };
        const participant = sender.persons.some(
          (p) =>
            p.id === recordAddressed?.personId || (p.companyId !== null && p.companyId === recordAddressed?.companyId),
        );
        if (!participant)
          return quarantined({
            reason: 'sender-not-a-participant',
            detail: `${fromAddress ?? 'a mail without From'} is no person of ${recordAddressed.number}`,
          });
      }
      if (fromAddress) addresses.push({ address: fromAddress, via: 'sender' });
    }
    for (const m of mail.to) addresses.push({ address: m.address, via: 'to' });
    for (const m of mail.cc) addresses.push({ address: m.address, via: 'cc' });
    // trusted only because an authenticated user forwarded it
    if (mail.forwardedFrom && (userId !== null || release))
      addresses.push({ address: mail.forwardedFrom.address, via: 'forwarded-from' });
    for (const { address } of addresses) await lookUp(address);

    const numbered = [];
    for (const number of subjectNumbers(mail.subject))
      numbered.push({ number, record: await deps.directory.byNumber(number.kind, number.number) });

    const ownAddresses = new Set<string>(kontakt.map((k) => k.address));
    if (fromAddress && userId !== null) ownAddresses.add(fromAddress);
    const decided = decideLinks({ userId, addresses, matches, numbered, recordAddressed, ownAddresses });
    return { status: statusOf(decided.links), quarantine: null, ...decided, ticketMail: false };
  };

export type JudgeEmail = ReturnType<typeof judgeEmail>;

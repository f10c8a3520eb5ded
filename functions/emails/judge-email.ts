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

/** The facts of a stored email, with the verdicts it is judged on. */
export const mailFactsOf = (
  email: Pick<MailFacts, 'from' | 'to' | 'cc' | 'subject' | 'forwardedFrom' | 'envelopeFrom' | 'envelopeRecipients'>,
  verdicts: Verdicts,
): MailFacts => ({
  from: email.from,
  to: email.to,
  cc: email.cc,
  subject: email.subject,
  forwardedFrom: email.forwardedFrom,
  envelopeFrom: email.envelopeFrom,
  envelopeRecipients: email.envelopeRecipients,
  verdicts,
});

export type Verdict = {
  status: EmailStatus;
  quarantine: Quarantine | null;
  links: EmailLink[];
  unmatchedAddresses: string[];
  unlinkedNumbers: UnlinkedNumber[];
  /** email to ticket takes it: sent to the service address, or by a customer to a ticket's own address */
  ticketMail: boolean;
  /** the From address is vouched for (DMARC PASS, or no policy and SPF aligned with it) */
  senderVerified: boolean;
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
  senderVerified: false,
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

    const authenticity = checkAuthenticity(mail.verdicts, mail.envelopeFrom, fromAddress);
    if (!release) {
      const refused = ticketMail ? checkServiceMail(mail.verdicts) : authenticity;
      if (refused) return quarantined(refused);
    }

    // a per-record address must carry Kontakt's signature and name a record that exists
    const recordsAddressed: NumberedRecord[] = [];
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
      if (!recordsAddressed.some((r) => r.id === record.id)) recordsAddressed.push(record);
    }

    const matches = new Map<string, AddressMatch>();
    const lookUp = async (address: string): Promise<AddressMatch> => {
      const known = matches.get(address);
      if (known) return known;
      const found = address.endsWith(domain) ? { persons: [], inboxEntries: [] } : await deps.directory.match(address);
      matches.set(address, found);
      return found;
    };
    const ownAddresses = new Set<string>(kontakt.map((k) => k.address));
    // whether the From address is vouched for (DMARC, or SPF aligned with it): email to ticket adds a reply to a ticket only then
    const senderVerified = authenticity === null;

    if (ticketMail) {
      // the ticket worker decides the ticket; the mail is linked to its sender now
      const addresses: LinkInput['addresses'] = fromAddress ? [{ address: fromAddress, via: 'sender' }] : [];
      if (fromAddress) await lookUp(fromAddress);
      const decided = decideLinks({ userId, addresses, matches, numbered: [], recordsAddressed: [], ownAddresses });
      return { status: statusOf(decided.links), quarantine: null, ...decided, ticketMail: true, senderVerified };
    }

    if (userId === null) {
      // not a user: only a customer's reply to a record's own address is taken, from a person of that record,
      // and it links that record and the sender alone (a customer's Cc list or subject decides nothing)
      const sender = fromAddress ? await lookUp(fromAddress) : { persons: [], inboxEntries: [] };
      const participantOf = (record: NumberedRecord): boolean =>
        sender.persons.some(
          (p) => p.id === record.personId || (p.companyId !== null && p.companyId === record.companyId),
        );
      const taken = release ? recordsAddressed : recordsAddressed.filter(participantOf);
      if (!release) {
        if (recordsAddressed.length === 0)
          return quarantined({
            reason: 'sender-not-a-user',
            detail: `${fromAddress ?? 'a mail without From'} is no Kontakt user's address`,
          });
        if (taken.length === 0)
          return quarantined({
            reason: 'sender-not-a-participant',
            detail: `${fromAddress ?? 'a mail without From'} is no person of ${recordsAddressed.map((r) => r.number).join(', ')}`,
          });
      }
      const addresses: LinkInput['addresses'] = fromAddress ? [{ address: fromAddress, via: 'sender' }] : [];
      if (release) {
        for (const m of [...mail.to, ...mail.cc])
          addresses.push({ address: m.address, via: mail.to.includes(m) ? 'to' : 'cc' });
        for (const { address } of addresses) await lookUp(address);
      }
      const numbered = [];
      if (release)
        for (const number of subjectNumbers(mail.subject))
          numbered.push({ number, record: await deps.directory.byNumber(number.kind, number.number) });
      const decided = decideLinks({ userId, addresses, matches, numbered, recordsAddressed: taken, ownAddresses });
      return { status: statusOf(decided.links), quarantine: null, ...decided, ticketMail: false, senderVerified };
    }

    const addresses: LinkInput['addresses'] = [];
    for (const m of mail.to) addresses.push({ address: m.address, via: 'to' });
    for (const m of mail.cc) addresses.push({ address: m.address, via: 'cc' });
    // trusted only because an authenticated user forwarded it
    if (mail.forwardedFrom) addresses.push({ address: mail.forwardedFrom.address, via: 'forwarded-from' });
    for (const { address } of addresses) await lookUp(address);

    const numbered = [];
    for (const number of subjectNumbers(mail.subject))
      numbered.push({ number, record: await deps.directory.byNumber(number.kind, number.number) });

    if (fromAddress) ownAddresses.add(fromAddress);
    const decided = decideLinks({ userId, addresses, matches, numbered, recordsAddressed, ownAddresses });
    return { status: statusOf(decided.links), quarantine: null, ...decided, ticketMail: false, senderVerified };
  };

export type JudgeEmail = ReturnType<typeof judgeEmail>;

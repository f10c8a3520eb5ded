/**
 * Smart BCC's verdict on one mail: quarantined (with its reason), or linked to what it concerns.
 * The rules are domain/emails/smart-bcc.ts; this gathers what they need by key lookups.
 */
import type { Mailbox } from '../../domain/emails/email.ts';
import {
  type AddressMatch,
  checkAuthenticity,
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
};

export type JudgeDeps = { directory: MailDirectory; recordAddressKey: () => Promise<string>; mailDomain: string };

const quarantined = (quarantine: Quarantine): Verdict => ({
  status: 'quarantined',
  quarantine,
  links: [],
  unmatchedAddresses: [],
  unlinkedNumbers: [],
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
      .map((r) => classifyRecipient(key, r));
    const fromAddress = mail.from?.address ?? null;

    if (!release) {
      const inauthentic = checkAuthenticity(mail.verdicts, mail.envelopeFrom, fromAddress);
      if (inauthentic) return quarantined(inauthentic);
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

    const userId = fromAddress ? await deps.directory.userOf(fromAddress) : null;
    const matches = new Map<string, AddressMatch>();
    const lookUp = async (address: string): Promise<AddressMatch> => {
      const known = matches.get(address);
      if (known) return known;
      const found = address.endsWith(domain) ? { persons: [], inboxEntries: [] } : await deps.directory.match(address);
      matches.set(address, found);
      return found;
    };

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
    return { status: statusOf(decided.links), quarantine: null, ...decided };
  };

export type JudgeEmail = ReturnType<typeof judgeEmail>;

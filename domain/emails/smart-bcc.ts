/**
 * Smart BCC's rules, pure: who may file mail (a Kontakt user whose mail is authentic), which of
 * Kontakt's addresses a mail was sent to (the envelope decides, never a header), the record
 * numbers a subject names, the signed per-record addresses, and what a mail links to and why.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export type VerdictStatus = 'PASS' | 'FAIL' | 'GRAY' | 'PROCESSING_FAILED' | 'DISABLED';
export type Verdicts = Record<'spam' | 'virus' | 'spf' | 'dkim' | 'dmarc', VerdictStatus>;

export const quarantineReasons = [
  /** SES's spam or virus verdict is FAIL */
  'spam',
  'virus',
  /** neither DMARC PASS nor (no DMARC policy, SPF PASS and the envelope sender's domain = the From domain) */
  'not-authentic',
  /** the From address is no user's address nor a confirmed alternative one */
  'sender-not-a-user',
  /** a per-record address whose token is not Kontakt's signature */
  'forged-record-address',
  /** a per-record address of a record that does not exist (deleted, merged away, never was) */
  'unknown-record',
  /** a reply to a per-record address from someone who is neither a user nor a person of that record */
  'sender-not-a-participant',
] as const;
export type QuarantineReason = (typeof quarantineReasons)[number];
export type Quarantine = { reason: QuarantineReason; detail: string };

const domainOf = (address: string | null | undefined): string | null => {
  const at = address?.lastIndexOf('@') ?? -1;
  return address && at > 0 ? address.slice(at + 1).toLowerCase() : null;
};

/**
 * Whether the mail is authentic, judged on the From domain: DMARC PASS; or DMARC GRAY (the
 * domain publishes no policy) with SPF PASS for an envelope sender in the From domain. SES's SPF
 * and DKIM verdicts alone say nothing of the From address: an attacker's own domain passes them.
 */
export const checkAuthenticity = (
  verdicts: Verdicts,
  envelopeFrom: string | null,
  fromAddress: string | null,
): Quarantine | null => {
  if (verdicts.virus === 'FAIL') return { reason: 'virus', detail: 'SES found a virus' };
  if (verdicts.spam === 'FAIL') return { reason: 'spam', detail: 'SES judged the mail spam' };
  if (verdicts.dmarc === 'PASS') return null;
  if (verdicts.dmarc === 'GRAY') {
    const fromDomain = domainOf(fromAddress);
    const envelopeDomain = domainOf(envelopeFrom);
    if (verdicts.spf === 'PASS' && fromDomain !== null && envelopeDomain === fromDomain) return null;
    return {
      reason: 'not-authentic',
      detail:
        verdicts.spf !== 'PASS'
          ? `no DMARC policy and SPF ${verdicts.spf}`
          : `no DMARC policy and the envelope sender's domain (${envelopeDomain ?? 'none'}) is not the From domain (${fromDomain ?? 'none'})`,
    };
  }
  return { reason: 'not-authentic', detail: `DMARC ${verdicts.dmarc}` };
};

/**
 * Whether a mail to the service address is refused: anyone may write to it, so only SES's spam and
 * virus verdicts and a DMARC FAIL (the From domain's owner says it is not theirs) quarantine it.
 */
export const checkServiceMail = (verdicts: Verdicts): Quarantine | null => {
  if (verdicts.virus === 'FAIL') return { reason: 'virus', detail: 'SES found a virus' };
  if (verdicts.spam === 'FAIL') return { reason: 'spam', detail: 'SES judged the mail spam' };
  if (verdicts.dmarc === 'FAIL') return { reason: 'not-authentic', detail: 'DMARC FAIL' };
  return null;
};

export type NumberedKind = 'opportunity' | 'ticket';
const prefixes: Record<NumberedKind, string> = { opportunity: 'OPP', ticket: 'TIC' };
const kindOfPrefix = (prefix: string): NumberedKind => (prefix.toUpperCase() === 'OPP' ? 'opportunity' : 'ticket');

export type RecordNumber = { kind: NumberedKind; number: number; text: string };

/** at most this many numbers of one subject are looked up (a subject listing 500 is no one's reply) */
export const maxSubjectNumbers = 10;
// not inside a word or a longer number: `[TIC-7]`, `#TIC-7`, `AW: opp-12` yes; `XOPP-12`, `OPP-12345-3` no
const numberPattern = /(?<![\p{L}\p{N}_-])(opp|tic)-([1-9]\d{0,14})(?![\p{N}\p{L}_]|-\p{N})/giu;

/** The opportunity and ticket numbers a subject names (any case, after any Re:/AW:/WG:/Fwd:), each once, in order. */
export const subjectNumbers = (subject: string | null): RecordNumber[] => {
  const found = new Map<string, RecordNumber>();
  for (const match of (subject ?? '').matchAll(numberPattern)) {
    const kind = kindOfPrefix(match[1] ?? '');
    const number = Number(match[2]);
    const text = `${prefixes[kind]}-${number}`;
    if (!found.has(text)) found.set(text, { kind, number, text });
    if (found.size >= maxSubjectNumbers) break;
  }
  return [...found.values()];
};

// 10 base-32 characters: 50 bits of HMAC-SHA256, beyond guessing by mail
const tokenChars = 10;
const base32 = 'abcdefghijklmnopqrstuvwxyz234567';
const toBase32 = (bytes: Buffer, chars: number): string => {
  let out = '';
  let bits = 0;
  let value = 0;
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5 && out.length < chars) {
      out += base32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    value &= (1 << bits) - 1;
    if (out.length >= chars) break;
  }
  return out;
};

const recordLocalPart = (kind: NumberedKind, number: number): string => `${prefixes[kind].toLowerCase()}-${number}`;
const recordToken = (key: string, kind: NumberedKind, number: number): string =>
  toBase32(createHmac('sha256', key).update(recordLocalPart(kind, number)).digest(), tokenChars);

/** A record's own address, `opp-12.k7f3qa2m9x@<domain>`: its number and a signature only Kontakt can make. */
export const recordAddress = (key: string, kind: NumberedKind, number: number, domain: string): string =>
  `${recordLocalPart(kind, number)}.${recordToken(key, kind, number)}@${domain.toLowerCase()}`;

/** The Smart BCC address's local part; the service address's (`service@`) belongs to email-to-ticket. */
export const smartBccLocalPart = 'bcc';

export type KontaktAddress =
  | { kind: 'smart-bcc'; address: string }
  | { kind: 'service'; address: string }
  | { kind: 'record'; address: string; record: RecordNumber; signed: boolean };

const recordAddressPattern = /^(opp|tic)-([1-9]\d{0,14})\.([a-z2-7]+)$/i;

/**
 * Which of Kontakt's addresses an envelope recipient is. A per-record address is recognised by
 * its shape and `signed` says whether its token is Kontakt's; the service address (`service@` unless
 * configured) is email to ticket's; every other address of the domain files mail as the Smart BCC
 * address does (the same rules hold, so a typo loses nothing).
 */
export const classifyRecipient = (key: string, recipient: string, serviceLocalPart = 'service'): KontaktAddress => {
  const address = recipient.trim().toLowerCase();
  const local = address.slice(0, address.lastIndexOf('@'));
  if (local === serviceLocalPart.toLowerCase()) return { kind: 'service', address };
  const match = recordAddressPattern.exec(local);
  if (!match) return { kind: 'smart-bcc', address };
  const kind = kindOfPrefix(match[1] ?? '');
  const number = Number(match[2]);
  const expected = Buffer.from(recordToken(key, kind, number));
  const given = Buffer.from((match[3] ?? '').toLowerCase());
  const signed = given.length === expected.length && timingSafeEqual(given, expected);
  return { kind: 'record', address, record: { kind, number, text: `${prefixes[kind]}-${number}` }, signed };
};

/**
 * Auto-replies and bulk mail (RFC 3834 `Auto-Submitted`, `Precedence`, Microsoft's
 * `X-Auto-Response-Suppress`, list headers, `X-Loop`): flagged, and never answered.
 */
export const isAutomated = (header: (name: string) => string | null): boolean => {
  const autoSubmitted = header('auto-submitted')?.trim().toLowerCase();
  if (autoSubmitted && autoSubmitted !== 'no') return true;
  const precedence = header('precedence')?.trim().toLowerCase();
  if (precedence && ['bulk', 'list', 'junk', 'auto_reply'].includes(precedence)) return true;
  return ['x-auto-response-suppress', 'list-unsubscribe', 'list-id', 'x-loop', 'x-autoreply', 'x-autorespond'].some(
    (name) => header(name) !== null,
  );
};

export const linkKinds = ['user', 'person', 'company', 'opportunity', 'ticket', 'inboxEntry'] as const;
export type LinkKind = (typeof linkKinds)[number];
export const linkReasons = [
  'sender',
  'to',
  'cc',
  'forwarded-from',
  'subject-number',
  'record-address',
  'reply-to-ticket',
  'opened-ticket',
  'bounced-recipient',
] as const;
export type LinkReason = (typeof linkReasons)[number];
export type EmailLink = { kind: LinkKind; id: string; via: LinkReason };

export const unlinkedReasons = ['not-found', 'no-shared-contact'] as const;
export type UnlinkedNumber = { number: string; reason: (typeof unlinkedReasons)[number] };

/** A person or open inbox entry found by one address. */
export type AddressMatch = {
  persons: { id: string; companyId: string | null }[];
  inboxEntries: string[];
};

/** An opportunity or ticket as the linking needs it. */
export type NumberedRecord = {
  kind: NumberedKind;
  id: string;
  number: string;
  personId: string | null;
  companyId: string | null;
  responsibleUserId: string | null;
  subscriberIds: readonly string[];
};

export type LinkInput = {
  /** the Kontakt user who filed it (Smart BCC), or null (a customer's reply to a record address) */
  userId: string | null;
  /** the mail's addresses and how each came: From (for a customer), To, Cc, a forward's original sender */
  addresses: { address: string; via: Extract<LinkReason, 'sender' | 'to' | 'cc' | 'forwarded-from'> }[];
  /** what each address (normalised) matched */
  matches: ReadonlyMap<string, AddressMatch>;
  /** the subject's numbers and the record each names (null: none with that number) */
  numbered: { number: RecordNumber; record: NumberedRecord | null }[];
  /** the records whose own addresses the mail was sent to, already judged */
  recordsAddressed: readonly NumberedRecord[];
  /** Kontakt's own addresses and the users' addresses: never "unmatched" */
  ownAddresses: ReadonlySet<string>;
};

export type LinkOutcome = { links: EmailLink[]; unmatchedAddresses: string[]; unlinkedNumbers: UnlinkedNumber[] };

/** at most this many links per mail: each is an item in the mail's transaction (DynamoDB takes 100) */
export const maxLinks = 60;

/**
 * What a mail links to, and why: the sending user; every person and open inbox entry whose address
 * is among the mail's; those persons' companies; the records of per-record addresses; and each
 * numbered record of the subject that shares a person or company with the mail, or whose
 * responsible user or subscriber sent it. Anything else is listed, never guessed. Past `maxLinks`
 * the records come first (the user, the addressed and numbered records, then persons, companies
 * and entries), so a mail to many people keeps the opportunity or ticket it concerns.
 */
export const decideLinks = (input: LinkInput): LinkOutcome => {
  const unmatched: string[] = [];
  const persons: EmailLink[] = [];
  const companies: EmailLink[] = [];
  const entries: EmailLink[] = [];
  for (const { address, via } of input.addresses) {
    const match = input.matches.get(address);
    if (!match || (match.persons.length === 0 && match.inboxEntries.length === 0)) {
      if (!input.ownAddresses.has(address) && !unmatched.includes(address)) unmatched.push(address);
      continue;
    }
    for (const person of match.persons) {
      persons.push({ kind: 'person', id: person.id, via });
      if (person.companyId) companies.push({ kind: 'company', id: person.companyId, via });
    }
    for (const entry of match.inboxEntries) entries.push({ kind: 'inboxEntry', id: entry, via });
  }
  const personIds = new Set(persons.map((l) => l.id));
  const companyIds = new Set(companies.map((l) => l.id));

  const records: EmailLink[] = input.recordsAddressed.map((r) => ({ kind: r.kind, id: r.id, via: 'record-address' }));
  const unlinkedNumbers: UnlinkedNumber[] = [];
  for (const { number, record } of input.numbered) {
    if (record === null) {
      unlinkedNumbers.push({ number: number.text, reason: 'not-found' });
      continue;
    }
    const shares =
      (record.personId !== null && personIds.has(record.personId)) ||
      (record.companyId !== null && companyIds.has(record.companyId)) ||
      (input.userId !== null &&
        (record.responsibleUserId === input.userId || record.subscriberIds.includes(input.userId))) ||
      input.recordsAddressed.some((r) => r.id === record.id && r.kind === record.kind);
    if (shares) records.push({ kind: record.kind, id: record.id, via: 'subject-number' });
    else unlinkedNumbers.push({ number: record.number, reason: 'no-shared-contact' });
  }

  const links = new Map<string, EmailLink>();
  const ordered = [
    ...(input.userId ? [{ kind: 'user' as const, id: input.userId, via: 'sender' as const }] : []),
    ...records,
    ...persons,
    ...companies,
    ...entries,
  ];
  for (const link of ordered) {
    const key = `${link.kind}#${link.id}`;
    if (!links.has(key) && links.size < maxLinks) links.set(key, link);
  }
  return { links: [...links.values()], unmatchedAddresses: unmatched, unlinkedNumbers };
};

export const emailStatuses = ['linked', 'unlinked', 'quarantined'] as const;
export type EmailStatus = (typeof emailStatuses)[number];

/**
 * An email keeps its links as a map `<kind>:<id>` → why, so that one link is added, moved (a merge)
 * or removed by its key alone; the API lists them as `{ kind, id, via }`.
 */
export type LinkMap = Record<string, LinkReason>;
export const linkKey = (kind: LinkKind, id: string): string => `${kind}:${id}`;
const parseLinkKey = (key: string): { kind: LinkKind; id: string } | null => {
  const colon = key.indexOf(':');
  const kind = linkKinds.find((k) => k === key.slice(0, colon));
  return kind && colon > 0 ? { kind, id: key.slice(colon + 1) } : null;
};
export const linksOf = (links: LinkMap): EmailLink[] =>
  Object.entries(links).flatMap(([key, via]) => {
    const link = parseLinkKey(key);
    return link ? [{ ...link, via }] : [];
  });
export const linkMapOf = (links: readonly EmailLink[]): LinkMap =>
  Object.fromEntries(links.map((l) => [linkKey(l.kind, l.id), l.via]));
/** Linked when it links to anything beyond the user who filed it. */
export const statusOf = (links: readonly EmailLink[]): EmailStatus =>
  links.some((l) => l.kind !== 'user') ? 'linked' : 'unlinked';

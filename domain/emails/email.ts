/** A received email as Kontakt keeps it: headers that matter, a bounded text body, attachments in S3. */

import type { Bounce } from './bounce.ts';
import { mailLimits, type TruncationReason, truncationReasons } from './mail-limits.ts';
import { boundedLine, safeContentType, safeFilename, sliceChars, stripControls } from './mail-text.ts';
import type { EmailStatus, LinkReason, Quarantine, UnlinkedNumber } from './smart-bcc.ts';

export type Mailbox = { name: string | null; address: string };

export type Attachment = { filename: string | null; size: number; contentType: string; key: string };

export type Email = {
  id: string;
  /** the SES message id: the natural key that makes processing idempotent */
  sesMessageId: string;
  messageId: string | null;
  subject: string | null;
  from: Mailbox | null;
  to: Mailbox[];
  cc: Mailbox[];
  date: string | null;
  receivedAt: string;
  envelopeRecipients: string[];
  text: string | null;
  textTruncated: boolean;
  attachments: Attachment[];
  raw: { bucket: string; key: string };
  verdicts: Record<string, string>;
  /** something of the mail was cut to fit the limits (mail-limits.ts); the raw message in S3 is whole */
  truncated: boolean;
  /** what was cut, in the order of `truncationReasons` */
  truncatedFields: TruncationReason[];
  /** the envelope sender (SES `mail.source`): with SPF, it vouches for the From domain when there is no DMARC policy */
  envelopeFrom: string | null;
  status: EmailStatus;
  quarantine: Quarantine | null;
  /** `<kind>:<id>` → why (smart-bcc.ts `EmailLink`) */
  links: Record<string, LinkReason>;
  unmatchedAddresses: string[];
  unlinkedNumbers: UnlinkedNumber[];
  /** an auto-reply or bulk mail */
  automated: boolean;
  /** the original sender of a forwarded mail (inline forward or attached message) */
  forwardedFrom: Mailbox | null;
  /** addresses of From, To and Cc that are not valid addresses */
  invalidAddresses: string[];
  /** the mail's own words, without quoted replies and signature */
  snippet: string | null;
  /** the HTML body, in S3 */
  html: { bucket: string; key: string } | null;
  /** Message-ID with a content hash, the attached messages' included: a copy arriving again joins this record */
  identities: string[];
  /** who released it from quarantine, and when */
  released: { userId: string; at: string } | null;
  /** the message it answers and its thread (Message-IDs): a customer's reply finds its ticket by them */
  inReplyTo: string | null;
  references: string[];
  /** a delivery status notification: the recipients it reports */
  bounce: Bounce | null;
  /** sent to the service address (or a ticket's own address by a customer): email to ticket takes it */
  ticketMail: boolean;
  /** its From address is vouched for (DMARC PASS, or no policy and SPF aligned): only then may a reply change a ticket */
  senderVerified: boolean;
};

/** An email as read from the message, before the limits: what the parser found and what it already had to cut. */
export type ReceivedEmail = Omit<Email, 'textTruncated' | 'truncated' | 'truncatedFields'> & {
  cut: Iterable<TruncationReason>;
};

const mailbox = (m: Mailbox): { value: Mailbox | null; cut: boolean } => {
  const address = stripControls(m.address).trim().toLowerCase();
  if (address === '' || address.length > mailLimits.maxAddressChars) return { value: null, cut: address !== '' };
  const name = boundedLine(m.name, mailLimits.maxDisplayNameChars);
  return { value: { name: name.value, address }, cut: name.cut };
};

const mailboxes = (list: Mailbox[]): { value: Mailbox[]; cut: boolean } => {
  const bounded = list.slice(0, mailLimits.maxRecipientsPerField).map(mailbox);
  return {
    value: bounded.flatMap((m) => (m.value ? [m.value] : [])),
    cut: list.length > mailLimits.maxRecipientsPerField || bounded.some((m) => m.cut),
  };
};

const storedBytes = (email: Email): number => new TextEncoder().encode(JSON.stringify(email)).length;

/**
 * Applies every limit of mail-limits.ts: control characters and bidi overrides stripped from
 * what a person reads, one-line fields cut to their length, recipient lists and attachments cut
 * to their count, names reduced to safe base names, and the text cut until the whole item fits
 * DynamoDB (then cc, then to, should the text alone not be enough).
 */
export const boundEmail = (received: ReceivedEmail): Email => {
  const { cut: alreadyCut, ...fields } = received;
  const cut = new Set<TruncationReason>(alreadyCut);
  const note = (reason: TruncationReason, wasCut: boolean): void => {
    if (wasCut) cut.add(reason);
  };

  const subject = boundedLine(fields.subject, mailLimits.maxSubjectChars);
  note('subject', subject.cut);
  const messageId = boundedLine(fields.messageId, mailLimits.maxMessageIdChars);
  note('messageId', messageId.cut);
  const from = fields.from ? mailbox(fields.from) : { value: null, cut: false };
  note('from', from.cut);
  const to = mailboxes(fields.to);
  note('to', to.cut);
  const cc = mailboxes(fields.cc);
  note('cc', cc.cut);
  note('attachments', fields.attachments.length > mailLimits.maxAttachments);
  const text = fields.text === null ? null : stripControls(fields.text);
  const keptText = text === null ? null : sliceChars(text, mailLimits.maxTextChars);
  note('text', text !== null && keptText !== null && keptText.length < text.length);

  const email: Email = {
    ...fields,
    subject: subject.value,
    messageId: messageId.value,
    from: from.value,
    to: to.value,
    cc: cc.value,
    envelopeRecipients: fields.envelopeRecipients.slice(0, mailLimits.maxRecipientsPerField),
    text: keptText,
    textTruncated: false,
    forwardedFrom: fields.forwardedFrom ? mailbox(fields.forwardedFrom).value : null,
    snippet: fields.snippet === null ? null : sliceChars(stripControls(fields.snippet), 1_000),
    attachments: fields.attachments.slice(0, mailLimits.maxAttachments).map((a) => ({
      filename: safeFilename(a.filename),
      size: a.size,
      contentType: safeContentType(sliceChars(a.contentType, mailLimits.maxContentTypeChars + 1)),
      key: a.key,
    })),
    truncated: false,
    truncatedFields: [],
  };
  fitStoredSize(email, note);
  email.textTruncated = cut.has('text');
  email.truncatedFields = truncationReasons.filter((r) => cut.has(r));
  email.truncated = email.truncatedFields.length > 0;
  return email;
};

/** Cuts the text, then cc, then to, until the item is within `maxStoredBytes` (all other fields are bounded well below it). */
const fitStoredSize = (email: Email, note: (reason: TruncationReason, wasCut: boolean) => void): void => {
  // room for the flags and reasons that are set after this
  const budget = mailLimits.maxStoredBytes - 200;
  const over = storedBytes(email) - budget;
  if (over <= 0) return;
  if (email.text !== null) {
    // every UTF-16 unit takes at least one byte of JSON, so cutting `over` units is enough
    email.text = sliceChars(email.text, Math.max(0, email.text.length - over));
    note('text', true);
    if (storedBytes(email) <= budget) return;
  }
  for (const list of ['cc', 'to'] as const) {
    while (email[list].length > 0 && storedBytes(email) > budget) {
      email[list] = email[list].slice(0, Math.floor(email[list].length / 2));
      note(list, true);
    }
  }
};

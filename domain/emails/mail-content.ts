/**
 * What a person reads of a mail: the snippet without quoted replies and signatures, the original
 * sender of an inline forward, and which addresses are addresses at all. The forward and reply
 * blocks of real clients (Outlook in German and English, Gmail, Apple Mail, Thunderbird, …) are
 * read by crisp-oss's email-forward-parser and email-reply-parser (README, dependency notes).
 */
import EmailForwardParser from 'email-forward-parser';
import EmailReplyParser from 'email-reply-parser';
import type { Mailbox } from './email.ts';
import { sliceChars } from './mail-text.ts';

/** The parsers' regular expressions run on at most this much text: a quoted block is at its top, and time stays bounded. */
const maxParsedChars = 20_000;
export const maxSnippetChars = 300;

// RFC 5321/5322 addr-spec as real mail uses it: a dot-atom local part (or a quoted one) and a domain of
// labels with a dot; no spaces, no brackets, no second `@`, no address literal.
const localAtom = "[A-Za-z0-9!#$%&'*+/=?^_`{|}~\\u0080-\\uFFFF-]+";
const addressPattern = new RegExp(
  `^(?:${localAtom}(?:\\.${localAtom})*|"(?:[^"\\\\\\r\\n]|\\\\.)+")@(?:[A-Za-z0-9\\u0080-\\uFFFF](?:[A-Za-z0-9\\u0080-\\uFFFF-]{0,61}[A-Za-z0-9\\u0080-\\uFFFF])?\\.)+[A-Za-z\\u0080-\\uFFFF]{2,63}$`,
  'u',
);

/** Whether a string is a syntactically valid email address (length included: 254 at most, 64 before the `@`). */
export const isValidAddress = (address: string): boolean => {
  if (address.length > 254) return false;
  const at = address.lastIndexOf('@');
  return at > 0 && at <= 64 && addressPattern.test(address);
};

const forwardParser = new EmailForwardParser();
const replyParser = new EmailReplyParser();

/**
 * The original sender of an inline forward (the forward block's `From:`/`Von:`), or null when the
 * text is no forward or its sender is no valid address. Trusted only because the forwarder is an
 * authenticated user: the caller decides that.
 */
export const forwardedSender = (text: string | null, subject: string | null): Mailbox | null => {
  if (!text) return null;
  let result: ReturnType<EmailForwardParser['read']>;
  try {
    result = forwardParser.read(sliceChars(text, maxParsedChars), subject ?? '');
  } catch {
    return null;
  }
  const from = result.forwarded ? result.email.from : null;
  const address = from?.address?.trim().toLowerCase();
  if (!address || !isValidAddress(address)) return null;
  return { name: from?.name?.trim() || null, address };
};

/** An attribution line (German, English, French, Spanish) left at the end once its quote is gone. */
const attributionAtEnd = /\n[^\n]{0,300}\b(?:schrieb|wrote|a écrit|escribió)\b[^\n]{0,300}:[ \t]*\s*$/iu;

/**
 * A reply's own words in full (quoted replies, forwarded blocks and signatures cut, lines kept), for a
 * ticket's log: at most `max` characters.
 */
export const ownWords = (text: string | null, max = maxParsedChars): string | null => {
  if (!text) return null;
  let own: string;
  try {
    own = replyParser.parseReply(sliceChars(text, maxParsedChars).replace(/\r\n?/g, '\n'));
  } catch {
    own = text;
  }
  // Outlook's separator without a header block after it is not always seen by the parser, nor is every
  // attribution line whose quote it removed ("Am 01.12.2026 schrieb Max:", "Max wrote on …:")
  const cut = (
    own.split(/^\s*-{2,}\s*(?:Ursprüngliche Nachricht|Original Message|Weitergeleitete Nachricht)\s*-{2,}/im)[0] ?? own
  )
    .replace(attributionAtEnd, '')
    .trim();
  return cut === '' ? null : sliceChars(cut, max);
};

/** The mail's own words: quoted replies ("Am … schrieb", "-----Ursprüngliche Nachricht-----") and signatures cut, whitespace folded. */
export const snippetOf = (text: string | null): string | null => {
  const folded = (ownWords(text) ?? '').replace(/\s+/g, ' ').trim();
  if (folded === '') return null;
  const kept = sliceChars(folded, maxSnippetChars);
  return kept.length < folded.length ? `${kept.trimEnd()}…` : kept;
};

/**
 * Streams a MIME message through the limits (limit-mime.ts) and mailparser: headers and text
 * kept, the first attachments handed on as streams, later ones read past.
 */

import { PassThrough, Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { htmlToText } from 'html-to-text';
import {
  type AddressObject,
  type AttachmentStream,
  type HeaderLines,
  type Headers,
  type HeaderValue,
  MailParser,
  type MessageText,
} from 'mailparser';
import type { Mailbox } from '../../domain/emails/email.ts';
import { isValidAddress } from '../../domain/emails/mail-content.ts';
import { mailDate } from '../../domain/emails/mail-date.ts';
import { mailLimits, type TruncationReason } from '../../domain/emails/mail-limits.ts';
import { safeContentType } from '../../domain/emails/mail-text.ts';
import { isAutomated } from '../../domain/emails/smart-bcc.ts';
import { createCuts, limitHeaderBlock, limitMime } from './limit-mime.ts';

export type ParsedHeaders = {
  messageId: string | null;
  subject: string | null;
  from: Mailbox | null;
  to: Mailbox[];
  cc: Mailbox[];
  date: string | null;
  /** addresses of From, To and Cc that are no valid address: reported, never linked */
  invalidAddresses: string[];
  /** an auto-reply or bulk mail by its headers (smart-bcc.ts `isAutomated`) */
  automated: boolean;
  /** the message this one answers, and the thread it belongs to (Message-IDs, at most 20) */
  inReplyTo: string | null;
  references: string[];
  /** `report-type` of a `multipart/report` (a bounce is `delivery-status`) */
  reportType: string | null;
};

export type ParsedMail = ParsedHeaders & {
  text: string | null;
  /** the HTML body as sent (kept in S3, not in the table) */
  html: string | null;
  /** the headers of messages attached as message/rfc822 (a forward as attachment), at most `maxAttachedMessages` */
  attachedMessages: ParsedHeaders[];
  /** the attachments handed to the sink (at most `maxAttachments`) */
  attachments: { filename: string | null; size: number; contentType: string; index: number }[];
  /** every attachment seen, the ones read past included */
  attachmentCount: number;
  cut: Set<TruncationReason>;
  /** what was cut and why, for the log */
  cutDetails: string[];
};

export type AttachmentSink = (
  index: number,
  content: Readable,
  meta: { filename: string | null; contentType: string },
) => Promise<void>;

const isAddressObject = (value: unknown): value is AddressObject =>
  typeof value === 'object' && value !== null && 'value' in value && Array.isArray(value.value);

/** The header's mailboxes, valid addresses only; the others are added to `invalid`. */
const mailboxes = (value: HeaderValue | undefined, invalid: string[]): Mailbox[] => {
  const objects = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return objects.filter(isAddressObject).flatMap((o) =>
    o.value
      .flatMap((a) => [...(a.group ?? []), a])
      .flatMap((a) => {
        // a bare word where an address belongs ("Cc: not-an-address") comes as a name without address
        if (!a.address) {
          if (!a.group && a.name && invalid.length < 20) invalid.push(a.name.slice(0, mailLimits.maxAddressChars));
          return [];
        }
        const address = String(a.address).trim().toLowerCase();
        if (!isValidAddress(address)) {
          if (invalid.length < 20) invalid.push(address.slice(0, mailLimits.maxAddressChars));
          return [];
        }
        return [{ name: a.name || null, address }];
      }),
  );
};

const text = (value: HeaderValue | undefined): string | null => (typeof value === 'string' ? value : null);

/** The raw value of the first header line with this key, unfolded (mailparser's parsed Date is `now` when unreadable). */
const rawHeader = (lines: HeaderLines, key: string): string | null => {
  const line = lines.find((l) => l.key === key)?.line;
  if (line === undefined) return null;
  return line.slice(line.indexOf(':') + 1).replace(/\r?\n[ \t]/g, ' ');
};

export const readHeaders = (headers: Headers, lines: HeaderLines): ParsedHeaders => {
  const invalidAddresses: string[] = [];
  return {
    messageId: text(headers.get('message-id')),
    subject: text(headers.get('subject')),
    from: mailboxes(headers.get('from'), invalidAddresses)[0] ?? null,
    to: mailboxes(headers.get('to'), invalidAddresses),
    cc: mailboxes(headers.get('cc'), invalidAddresses),
    date: mailDate(rawHeader(lines, 'date')),
    invalidAddresses,
    automated: isAutomated((name) => rawHeader(lines, name)),
    inReplyTo: messageIds(rawHeader(lines, 'in-reply-to'))[0] ?? null,
    references: messageIds(rawHeader(lines, 'references')).slice(-20),
    reportType: reportTypeOf(headers.get('content-type')),
  };
};

/** The Message-IDs (`<…>`) a header lists, each at most 998 characters. */
const messageIds = (value: string | null): string[] =>
  [...(value ?? '').matchAll(/<[^<>\s]{1,996}>/g)].map((m) => m[0]);

const reportTypeOf = (value: HeaderValue | undefined): string | null => {
  if (typeof value !== 'object' || value === null || !('value' in value) || !('params' in value)) return null;
  const type = String(value.value).toLowerCase();
  const params = value.params as Record<string, string> | undefined;
  return type === 'multipart/report' ? (params?.['report-type']?.toLowerCase() ?? null) : null;
};

/** at most this many attached messages are read for their headers */
const maxAttachedMessages = 5;
/** an attached message's header block is read from at most this many of its first bytes */
const attachedHeaderBytes = 64 * 1024;

/** Keeps the first `max` bytes that pass through. */
const headTap = (max: number) => {
  const kept: Buffer[] = [];
  let size = 0;
  const stream = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      if (size < max) {
        const part = chunk.subarray(0, max - size);
        kept.push(Buffer.from(part));
        size += part.length;
      }
      callback(null, chunk);
    },
  });
  return { stream, head: () => Buffer.concat(kept, size) };
};

/** The header block of a message's first bytes (up to its empty line). */
const headerBlockOf = (head: Buffer): Buffer => {
  const crlf = head.indexOf('\r\n\r\n');
  const lf = head.indexOf('\n\n');
  const ends = [crlf, lf].filter((i) => i >= 0);
  return ends.length > 0 ? head.subarray(0, Math.min(...ends)) : head;
};

/** html-to-text's limit on nesting, as mailparser sets it (deeper HTML would overflow the stack) */
const maxHtmlDepth = 50;

/** The text of an HTML body, for a mail that has no text part; null when it cannot be read. */
const textOfHtml = (html: string): string | null => {
  if (html.length > mailLimits.maxTextPartBytes) return null;
  try {
    const converted = htmlToText(html, { limits: { maxDepth: maxHtmlDepth }, wordwrap: false });
    return converted.trim() === '' ? null : converted;
  } catch {
    return null;
  }
};

/** Counts bytes on their way through, so sizes are known without buffering. */
const byteCounter = (onDone: (size: number) => void): Transform => {
  let size = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      size += chunk.length;
      callback(null, chunk);
    },
    flush(callback) {
      onDone(size);
      callback();
    },
  });
};

const parserOptions = {
  // only `text` is stored: no HTML built from text, no links, no checksums
  skipTextToHtml: true,
  skipTextLinks: true,
  skipImageLinks: true,
  checksumAlgo: false,
  maxHtmlLengthToParse: mailLimits.maxTextPartBytes,
  // limit-mime.ts stops its own splitter at maxMimeParts + 1 nodes (counting nodes that never got a
  // complete header) and passes on a prefix of what that splitter read, so this one sees no more
  maxChildNodes: 2 * mailLimits.maxMimeParts,
} as const;

export const parseMail = async (source: Readable, sink: AttachmentSink): Promise<ParsedMail> => {
  const cuts = createCuts();
  const limits = limitMime(cuts);
  const parser = new MailParser(parserOptions);
  let headers: Headers = new Map();
  let headerLines: HeaderLines = [];
  const body: { text: string | null; html: string | null } = { text: null, html: null };
  const attachedHeads: (() => Buffer)[] = [];
  const attachments: ParsedMail['attachments'] = [];
  let attachmentCount = 0;
  const uploads: Promise<void>[] = [];

  parser.on('headers', (h: Headers) => {
    headers = h;
  });
  parser.on('headerLines', (lines: HeaderLines) => {
    headerLines = lines;
  });
  const inFlight = new Set<PassThrough>();

  const onData = (data: AttachmentStream | MessageText): void => {
    if (data.type === 'text') {
      body.text = typeof data.text === 'string' && data.text.trim() !== '' ? data.text : null;
      body.html = typeof data.html === 'string' && data.html.trim() !== '' ? data.html : null;
      return;
    }
    const attachment: AttachmentStream = data;
    const release = (): void => {
      attachment.release?.();
    };
    attachmentCount += 1;
    if (attachments.length >= mailLimits.maxAttachments) {
      // released unread: mailparser then drains it itself and reads on
      release();
      data.content.resume();
      return;
    }
    const index = attachments.length;
    // mailparser leaves the type unset for some malformed parts; S3 refuses a malformed Content-Type
    const declaredType = typeof data.contentType === 'string' ? data.contentType : '';
    const contentType = safeContentType(declaredType.slice(0, mailLimits.maxContentTypeChars + 1));
    const meta = { filename: typeof data.filename === 'string' ? data.filename : null, contentType, index, size: 0 };
    attachments.push(meta);
    const counted = new PassThrough();
    inFlight.add(counted);
    const counter = byteCounter((size) => {
      meta.size = size;
    });
    // an attached message (a forward), or the returned headers of a bounce (RFC 6522 text/rfc822-headers)
    const headed =
      (contentType === 'message/rfc822' || contentType === 'text/rfc822-headers') &&
      attachedHeads.length < maxAttachedMessages;
    const tap = headTap(headed ? attachedHeaderBytes : 0);
    if (headed) attachedHeads.push(tap.head);
    // mailparser waits for release() before it reads on, which keeps memory bounded by one part.
    const upload = Promise.all([
      pipeline(data.content, tap.stream, counter, counted),
      sink(index, counted, { filename: meta.filename, contentType: meta.contentType }),
    ]).then(
      () => {
        inFlight.delete(counted);
        release();
      },
      (error: unknown) => {
        inFlight.delete(counted);
        release();
        throw error;
      },
    );
    // awaited below; marked handled now so a failure while parsing goes on is not an unhandled rejection
    upload.catch(() => undefined);
    uploads.push(upload);
  };
  parser.on('data', (data: AttachmentStream | MessageText) => {
    // an exception in a stream's event handler would end the whole process; it fails this mail instead
    try {
      onData(data);
    } catch (error) {
      parser.destroy(error instanceof Error ? error : new Error(String(error)));
    }
  });

  try {
    await pipeline(source, limits.headerBlock, limits.splitter, limits.parts, parser);
  } catch (error) {
    // an upload still waiting for its attachment's bytes would wait forever
    for (const stream of inFlight) stream.destroy(new Error('the message could not be read to its end'));
    await Promise.allSettled(uploads);
    throw error;
  }
  await Promise.all(uploads);
  if (attachmentCount > mailLimits.maxAttachments) cuts.add('attachments', `${attachmentCount} attachments`);
  const attachedMessages: ParsedHeaders[] = [];
  for (const head of attachedHeads) {
    const read = await readHeaderBlock(headerBlockOf(head())).catch(() => null);
    if (read) attachedMessages.push(read.headers);
  }
  return {
    ...readHeaders(headers, headerLines),
    text: body.text ?? (body.html === null ? null : textOfHtml(body.html)),
    html: body.html,
    attachedMessages,
    attachments,
    attachmentCount,
    cut: cuts.reasons,
    cutDetails: cuts.details,
  };
};

/**
 * Reads a message's header block alone (the local SMTP server's view for SES's event), within
 * the same header limits as the worker; the raw lines come back for the event's header list.
 */
export const readHeaderBlock = async (
  block: Buffer,
): Promise<{ headers: ParsedHeaders; lines: HeaderLines; cut: boolean }> => {
  const cuts = createCuts();
  const parser = new MailParser(parserOptions);
  let headers: Headers = new Map();
  let lines: HeaderLines = [];
  parser.on('headers', (h: Headers) => {
    headers = h;
  });
  parser.on('headerLines', (l: HeaderLines) => {
    lines = l;
  });
  parser.on('data', (data: AttachmentStream | MessageText) => {
    if (data.type === 'attachment') {
      data.release?.();
      data.content.resume();
    }
  });
  await pipeline(Readable.from([block, Buffer.from('\r\n\r\n')]), limitHeaderBlock(cuts), parser);
  return { headers: readHeaders(headers, lines), lines, cut: cuts.reasons.size > 0 };
};

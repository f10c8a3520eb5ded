/**
 * Streams a MIME message through the limits (limit-mime.ts) and mailparser: headers and text
 * kept, the first attachments handed on as streams, later ones read past.
 */

import { PassThrough, Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
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
import { mailDate } from '../../domain/emails/mail-date.ts';
import { mailLimits, type TruncationReason } from '../../domain/emails/mail-limits.ts';
import { safeContentType } from '../../domain/emails/mail-text.ts';
import { createCuts, limitHeaderBlock, limitMime } from './limit-mime.ts';

export type ParsedHeaders = {
  messageId: string | null;
  subject: string | null;
  from: Mailbox | null;
  to: Mailbox[];
  cc: Mailbox[];
  date: string | null;
};

export type ParsedMail = ParsedHeaders & {
  text: string | null;
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

const mailboxes = (value: HeaderValue | undefined): Mailbox[] => {
  const objects = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return objects.filter(isAddressObject).flatMap((o) =>
    o.value
      .flatMap((a) => [...(a.group ?? []), a])
      .filter((a) => a.address)
      .map((a) => ({
        name: a.name || null,
        address: String(a.address).toLowerCase(),
      })),
  );
};

const text = (value: HeaderValue | undefined): string | null => (typeof value === 'string' ? value : null);

/** The raw value of the first header line with this key, unfolded (mailparser's parsed Date is `now` when unreadable). */
const rawHeader = (lines: HeaderLines, key: string): string | null => {
  const line = lines.find((l) => l.key === key)?.line;
  if (line === undefined) return null;
  return line.slice(line.indexOf(':') + 1).replace(/\r?\n[ \t]/g, ' ');
};

export const readHeaders = (headers: Headers, lines: HeaderLines): ParsedHeaders => ({
  messageId: text(headers.get('message-id')),
  subject: text(headers.get('subject')),
  from: mailboxes(headers.get('from'))[0] ?? null,
  to: mailboxes(headers.get('to')),
  cc: mailboxes(headers.get('cc')),
  date: mailDate(rawHeader(lines, 'date')),
});

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
  const body: { text: string | null } = { text: null };
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
      body.text = typeof data.text === 'string' ? data.text : null;
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
    // mailparser waits for release() before it reads on, which keeps memory bounded by one part.
    const upload = Promise.all([
      pipeline(data.content, counter, counted),
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
  return {
    ...readHeaders(headers, headerLines),
    text: body.text,
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

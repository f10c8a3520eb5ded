/** Streams a MIME message through mailparser: headers and text kept, each attachment handed on as a stream. */

import { PassThrough, type Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  type AddressObject,
  type AttachmentStream,
  type Headers,
  type HeaderValue,
  MailParser,
  type MessageText,
} from 'mailparser';
import type { Mailbox } from '../../domain/emails/email.ts';

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
  attachments: { filename: string | null; size: number; contentType: string; index: number }[];
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

export const readHeaders = (headers: Headers): ParsedHeaders => {
  const date = headers.get('date');
  return {
    messageId: text(headers.get('message-id')),
    subject: text(headers.get('subject')),
    from: mailboxes(headers.get('from'))[0] ?? null,
    to: mailboxes(headers.get('to')),
    cc: mailboxes(headers.get('cc')),
    date: date instanceof Date && !Number.isNaN(date.getTime()) ? date.toISOString() : null,
  };
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

export const parseMail = async (source: Readable, sink: AttachmentSink): Promise<ParsedMail> => {
  const parser = new MailParser();
  let headers: ParsedHeaders = { messageId: null, subject: null, from: null, to: [], cc: [], date: null };
  const body: { text: string | null } = { text: null };
  const attachments: ParsedMail['attachments'] = [];
  const uploads: Promise<void>[] = [];

  parser.on('headers', (h: Headers) => {
    headers = readHeaders(h);
  });
  parser.on('data', (data: AttachmentStream | MessageText) => {
    if (data.type === 'text') {
      body.text = data.text ?? null;
      return;
    }
    const attachment: AttachmentStream = data;
    const release = (): void => {
      attachment.release?.();
    };
    const index = attachments.length;
    const meta = { filename: data.filename ?? null, contentType: data.contentType, index, size: 0 };
    attachments.push(meta);
    const counted = new PassThrough();
    const counter = byteCounter((size) => {
      meta.size = size;
    });
    // mailparser waits for release() before it reads on, which keeps memory bounded by one part.
    uploads.push(
      Promise.all([
        pipeline(data.content, counter, counted),
        sink(index, counted, { filename: meta.filename, contentType: meta.contentType }),
      ]).then(release, (error: unknown) => {
        release();
        throw error;
      }),
    );
  });

  await pipeline(source, parser);
  await Promise.all(uploads);
  return { ...headers, text: body.text, attachments };
};

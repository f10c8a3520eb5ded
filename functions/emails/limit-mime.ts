/**
 * Cuts a raw MIME message down to what the parser can take, as it streams: the message's own
 * header block (field by field, never buffering more than one field's limit), then the part tree
 * (count and depth, text parts' size) read with mailparser's own splitter, so both see the same
 * structure. What is cut is reported; the raw message in S3 is never changed.
 */
import { Transform, type TransformCallback } from 'node:stream';
import mailsplit from '@zone-eu/mailsplit';
import { mailLimits, type TruncationReason } from '../../domain/emails/mail-limits.ts';

const { Splitter, MimeNode } = mailsplit;
type MimeNodeType = InstanceType<typeof MimeNode>;

export type Cuts = {
  add: (reason: TruncationReason, detail: string) => void;
  reasons: Set<TruncationReason>;
  details: string[];
};

export const createCuts = (): Cuts => {
  const reasons = new Set<TruncationReason>();
  const details: string[] = [];
  return {
    reasons,
    details,
    add(reason, detail) {
      reasons.add(reason);
      if (details.length < 20) details.push(detail);
    },
  };
};

/** mailsplit counts a header line as at least this many bytes against its limit. */
const headerLineMinCost = 64;
const lf = 0x0a;
const crlf = Buffer.from('\r\n');

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
const windows1252 = new TextDecoder('windows-1252');

/**
 * A header line as UTF-8. RFC 5322 headers are ASCII (8-bit text travels as RFC 2047 encoded words),
 * but old mailers and scripts write raw Latin-1 ("Jürgen Müller" as bytes FC): a line that is not
 * valid UTF-8 is read as Windows-1252 (a superset of Latin-1), so names do not turn into U+FFFD.
 */
export const asUtf8 = (line: Buffer): Buffer => {
  if (!line.some((byte) => byte >= 0x80)) return line;
  try {
    strictUtf8.decode(line);
    return line;
  } catch {
    return Buffer.from(windows1252.decode(line), 'utf8');
  }
};

/**
 * The message's header block, cut as it streams: a field longer than `maxHeaderFieldBytes` keeps
 * its first bytes, a field that would take the block past `maxHeaderBlockBytes` is dropped with
 * its continuation lines. Everything after the block's empty line passes untouched.
 */
export const limitHeaderBlock = (cuts: Cuts): Transform => {
  const fieldLimit = mailLimits.maxHeaderFieldBytes;
  let inHead = true;
  /** the start of the current physical line, at most `fieldLimit + 2` bytes of it */
  let kept: Buffer[] = [];
  let keptBytes = 0;
  let lineBytes = 0;
  let fieldBytes = 0;
  let fieldDropped = false;
  let fieldName = '';
  let blockCost = 0;

  const keep = (bytes: Buffer): void => {
    const room = fieldLimit + 2 - keptBytes;
    if (room <= 0) return;
    const part = bytes.length > room ? bytes.subarray(0, room) : bytes;
    kept.push(Buffer.from(part));
    keptBytes += part.length;
  };

  /** Decides what of one whole physical line goes out; returns it (possibly empty). */
  const endLine = (): Buffer => {
    const line = Buffer.concat(kept, keptBytes);
    const total = lineBytes;
    kept = [];
    keptBytes = 0;
    lineBytes = 0;
    const isBlank = total <= 2 && (line.equals(crlf) || (line.length === 1 && line[0] === lf));
    if (isBlank) {
      inHead = false;
      return line;
    }
    const continuation = line[0] === 0x20 || line[0] === 0x09;
    if (!continuation) {
      fieldBytes = 0;
      fieldName = line.subarray(0, 80).toString('latin1').split(':')[0] ?? '';
      fieldDropped =
        blockCost + Math.max(Math.min(total, fieldLimit), headerLineMinCost) > mailLimits.maxHeaderBlockBytes;
      if (fieldDropped)
        cuts.add(
          'headers',
          `header field ${JSON.stringify(fieldName)} dropped: block over ${mailLimits.maxHeaderBlockBytes} bytes`,
        );
    }
    if (fieldDropped) return Buffer.alloc(0);
    const room = fieldLimit - fieldBytes;
    if (total <= room) {
      fieldBytes += total;
      blockCost += Math.max(total, headerLineMinCost);
      return asUtf8(line);
    }
    cuts.add('headers', `header field ${JSON.stringify(fieldName)} over ${fieldLimit} bytes`);
    fieldDropped = true;
    if (continuation || room < headerLineMinCost) return Buffer.alloc(0);
    const head = Buffer.concat([line.subarray(0, room), crlf]);
    blockCost += Math.max(head.length, headerLineMinCost);
    return asUtf8(head);
  };

  return new Transform({
    transform(chunk: Buffer, _encoding, callback: TransformCallback) {
      if (!inHead) {
        callback(null, chunk);
        return;
      }
      const out: Buffer[] = [];
      let start = 0;
      while (inHead && start < chunk.length) {
        const end = chunk.indexOf(lf, start);
        const piece = chunk.subarray(start, end < 0 ? chunk.length : end + 1);
        keep(piece);
        lineBytes += piece.length;
        start += piece.length;
        if (end >= 0) out.push(endLine());
      }
      if (start < chunk.length) out.push(chunk.subarray(start));
      callback(null, Buffer.concat(out));
    },
    flush(callback: TransformCallback) {
      callback(null, inHead && lineBytes > 0 ? endLine() : undefined);
    },
  });
};

/**
 * mailparser's splitter that stops instead of failing: past a limit of its own (a part's header
 * over 1 MiB, too many parts) or when told to stop, the rest of the input is read and dropped,
 * and what was split so far goes on to the parser as a complete message.
 */
class StoppableSplitter extends Splitter {
  private stopped = false;
  private readonly cuts: Cuts;

  constructor(cuts: Cuts) {
    // one more than the parts this stage lets through, so the splitter's own limit never decides
    super({ maxChildNodes: mailLimits.maxMimeParts + 1 });
    this.cuts = cuts;
  }

  stop(): void {
    this.stopped = true;
  }

  override _transform(chunk: Buffer, encoding: BufferEncoding, callback: TransformCallback): void {
    if (this.stopped) {
      callback();
      return;
    }
    super._transform(chunk, encoding, (error?: Error | null) => {
      if (error) this.failed(error);
      callback();
    });
  }

  override _flush(callback: TransformCallback): void {
    if (this.stopped) {
      callback();
      return;
    }
    super._flush((error?: Error | null) => {
      if (error) this.failed(error);
      callback();
    });
  }

  private failed(error: Error): void {
    // an error from input read before a stop (the splitter finishes the chunk it is on) changes nothing
    if (this.stopped) return;
    this.stopped = true;
    this.cuts.add('parts', `the MIME structure ends where the splitter stopped: ${error.message}`);
  }
}

const textTypes = new Set(['text/plain', 'text/html', 'message/delivery-status']);

/** mailparser keeps a part as text (not as an attachment) when it is one of these types, inline. */
const isTextPart = (node: MimeNodeType): boolean =>
  !node.multipart &&
  typeof node.contentType === 'string' &&
  textTypes.has(node.contentType) &&
  (!node.disposition || node.disposition === 'inline');

const depthOf = (node: MimeNodeType): number => {
  let depth = 0;
  for (let parent = node.parentNode; parent; parent = parent.parentNode) depth += 1;
  return depth;
};

const isChunk = (value: unknown): value is { node: MimeNodeType; value: Buffer } =>
  typeof value === 'object' &&
  value !== null &&
  'node' in value &&
  value.node instanceof MimeNode &&
  'value' in value &&
  Buffer.isBuffer(value.value);

/** Joins the splitter's nodes and chunks back into bytes (as mailsplit's Joiner does), up to the limits. */
const limitParts = (splitter: StoppableSplitter, cuts: Cuts): Transform => {
  let parts = 0;
  let stopped = false;
  let textNode: MimeNodeType | null = null;
  let textBytes = 0;
  const stop = (detail: string): void => {
    stopped = true;
    splitter.stop();
    cuts.add('parts', detail);
  };
  return new Transform({
    writableObjectMode: true,
    transform(item: unknown, _encoding, callback: TransformCallback) {
      if (stopped) {
        callback();
        return;
      }
      if (item instanceof MimeNode) {
        parts += 1;
        if (parts > mailLimits.maxMimeParts) {
          stop(`more than ${mailLimits.maxMimeParts} MIME parts`);
        } else if (depthOf(item) > mailLimits.maxMimeDepth) {
          stop(`MIME parts nested deeper than ${mailLimits.maxMimeDepth}`);
        } else {
          textNode = isTextPart(item) ? item : null;
          textBytes = 0;
          callback(null, item.getHeaders());
          return;
        }
        callback();
        return;
      }
      if (!isChunk(item)) {
        callback();
        return;
      }
      if (textNode !== null && item.node === textNode) {
        const room = mailLimits.maxTextPartBytes - textBytes;
        textBytes += item.value.length;
        if (item.value.length > room) {
          if (room >= 0) cuts.add('text', `a text part over ${mailLimits.maxTextPartBytes} bytes`);
          // the splitter groups many lines into one chunk: keep its whole lines that fit (or, for
          // one overlong line, as much of it as fits)
          const lastLine = room > 0 ? item.value.lastIndexOf(lf, room - 1) + 1 : 0;
          const keep = lastLine > 0 ? lastLine : Math.max(room, 0);
          callback(null, keep > 0 ? item.value.subarray(0, keep) : undefined);
          return;
        }
      }
      callback(null, item.value);
    },
  });
};

/** The limiting stages, in order, to put between the raw message and mailparser. */
export const limitMime = (cuts: Cuts) => {
  const splitter = new StoppableSplitter(cuts);
  return { headerBlock: limitHeaderBlock(cuts), splitter, parts: limitParts(splitter, cuts) };
};

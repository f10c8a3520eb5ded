/**
 * CSV records read from the file's original bytes, each with the byte offset at which the next
 * record starts: the point a later run resumes from with an S3 Range read.
 *
 * csv-parse is given the bytes as they are (`encoding: null`) and hands back each field as bytes,
 * which are then decoded with the import's encoding. That is exact for both encodings Kontakt
 * reads: every byte csv-parse looks for (delimiter, quote, CR, LF) is ASCII, and neither UTF-8
 * (whose multi-byte sequences use only bytes ≥ 0x80) nor Windows-1252 (one byte per character)
 * puts an ASCII byte inside a character. So csv-parse's own byte count (`info.bytes`, which ends
 * after a record's line break) *is* the offset in the original file, with no re-encoding: decoding
 * first and measuring `Buffer.byteLength` of each decoded record would drift wherever the text
 * holds a byte sequence that is not valid UTF-8 (one bad byte decodes to U+FFFD, three bytes).
 */
import type { Readable } from 'node:stream';
import { CsvError, parse } from 'csv-parse';
import type { Delimiter, FileEncoding } from '../../domain/imports/file-format.ts';

export type CsvLayoutInput = { encoding: FileEncoding; delimiter: Delimiter };

/** `row` counts records, the header being row 1; `nextOffset` is where the record after it starts. */
export type CsvRecord = { row: number; values: string[]; nextOffset: number };

/**
 * A record larger than this is refused rather than held in memory: in practice it is a quote that
 * was opened and never closed, which would otherwise swallow the rest of the file into one field.
 */
export const maxRecordBytes = 1024 * 1024;

/** The file cannot be read as CSV from `row` on; the records before it were good. */
export class CsvSyntaxError extends Error {
  override readonly name = 'CsvSyntaxError';
  readonly row: number;
  constructor(row: number, message: string, options?: { cause: unknown }) {
    super(message, options);
    this.row = row;
  }
}

const isBufferArray = (value: unknown): value is Buffer[] =>
  Array.isArray(value) && value.every((field) => Buffer.isBuffer(field));

/**
 * The platform's own decoders: Node (with the full ICU that official builds and Lambda's runtime
 * carry) knows Windows-1252, so no encoding tables need to be bundled (iconv-lite's are ~490 KB).
 */
const decoderFor = (encoding: FileEncoding): ((bytes: Buffer) => string) => {
  if (encoding === 'utf-8') return (bytes) => bytes.toString('utf8');
  const windows1252 = new TextDecoder('windows-1252');
  return (bytes) => windows1252.decode(bytes);
};

/** Text in the import's encoding, for the header sniffing of the first run. */
export const decodeText = (bytes: Buffer, encoding: FileEncoding): string => decoderFor(encoding)(bytes);

const describe = (error: CsvError): string => {
  switch (error.code) {
    case 'CSV_QUOTE_NOT_CLOSED':
      return 'a quoted field starting in this row is never closed (a " is missing); nothing from here on could be read';
    case 'CSV_MAX_RECORD_SIZE':
      return `this row is longer than ${maxRecordBytes / 1024 / 1024} MB, most likely because a quoted field is never closed; nothing from here on could be read`;
    default:
      return `the file is not valid CSV from this row on (${error.message})`;
  }
};

/**
 * The records of `source`, which starts at byte `start.offset` of the file, at a record boundary.
 * Lines that are empty are not records. Stops reading (and releases the stream) when the caller
 * stops iterating; a syntax error surfaces as CsvSyntaxError naming the row it could not read,
 * after every record before it.
 *
 * The parser is fed one source chunk at a time and its records are collected as it parses
 * (`on_record`), instead of being read from its readable side: a stream that fails drops what it
 * still buffers, which would lose the good rows right before a broken one. Memory stays at one
 * chunk's records.
 */
export async function* readRecords(
  source: Readable,
  layout: CsvLayoutInput,
  start: { offset: number; row: number },
): AsyncGenerator<CsvRecord> {
  const decode = decoderFor(layout.encoding);
  const parsed: CsvRecord[] = [];
  let row = start.row;
  const parser = parse({
    encoding: null,
    delimiter: layout.delimiter,
    // rows with fewer or more fields than the header are read as they are, and checked by the import
    relax_column_count: true,
    // a quote inside an unquoted field (5" display) is a character, as Excel writes it
    relax_quotes: true,
    skip_empty_lines: true,
    max_record_size: maxRecordBytes,
    on_record: (record: unknown, info) => {
      if (!isBufferArray(record)) throw new Error('csv-parse gave a record of an unexpected shape');
      // info.bytes: the parser's byte count right after this record's line break
      parsed.push({ row, values: record.map(decode), nextOffset: start.offset + info.bytes });
      row += 1;
      return null;
    },
  });
  const feed = (chunk: Buffer | null): Promise<unknown> =>
    new Promise((resolve) => {
      if (chunk === null) parser.end(resolve);
      else parser.write(chunk, resolve);
    });
  // Failures reach `feed` through the write callbacks; without a listener the same error would
  // also be thrown as an unhandled 'error' event.
  parser.on('error', () => undefined);
  let failure: unknown = null;
  try {
    for await (const chunk of source) {
      failure = await feed(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
      yield* parsed.splice(0);
      if (failure) break;
    }
    if (!failure) {
      failure = await feed(null);
      yield* parsed.splice(0);
    }
  } finally {
    source.destroy();
    parser.destroy();
  }
  if (failure instanceof CsvError) throw new CsvSyntaxError(row, describe(failure), { cause: failure });
  if (failure) throw failure;
}

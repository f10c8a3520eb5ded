/**
 * What an uploaded file is, told from its first bytes: not text at all (an image, an archive, a
 * workbook), UTF-8 with or without BOM or Windows-1252, and which delimiter its header line uses.
 */

/** The sample the decisions are made from; a header line longer than this is refused. */
export const sniffBytes = 64 * 1024;

export type FileEncoding = 'utf-8' | 'windows-1252';
export type Delimiter = ';' | ',' | '\t';

const startsWith = (sample: Uint8Array, signature: readonly number[]): boolean =>
  sample.length >= signature.length && signature.every((byte, i) => sample[i] === byte);

const signatures: { bytes: number[]; what: string }[] = [
  { bytes: [0x89, 0x50, 0x4e, 0x47], what: 'a PNG image' },
  { bytes: [0xff, 0xd8, 0xff], what: 'a JPEG image' },
  { bytes: [0x47, 0x49, 0x46, 0x38], what: 'a GIF image' },
  { bytes: [0x25, 0x50, 0x44, 0x46], what: 'a PDF document' },
  { bytes: [0x50, 0x4b, 0x03, 0x04], what: 'a ZIP archive (an Excel .xlsx workbook is one)' },
  { bytes: [0xd0, 0xcf, 0x11, 0xe0], what: 'an old Office document (.xls)' },
  { bytes: [0x1f, 0x8b], what: 'a gzip archive' },
];

/**
 * Why the sample is not a CSV text file, or null when it may be one. UTF-16 (Excel's "Unicode
 * text") is named apart, because saving as "CSV UTF-8" fixes it.
 */
export const notTextReason = (sample: Uint8Array): string | null => {
  if (sample.length === 0) return 'the file is empty';
  const known = signatures.find((s) => startsWith(sample, s.bytes));
  if (known) return `the file is ${known.what}, not a CSV text file`;
  if (startsWith(sample, [0xff, 0xfe]) || startsWith(sample, [0xfe, 0xff])) {
    return 'the file is UTF-16 text; save it as "CSV UTF-8" or "CSV (semicolon separated)" and upload it again';
  }
  let control = 0;
  for (const byte of sample) {
    if (byte === 0) return 'the file holds binary data (NUL bytes), not CSV text';
    // tab, line feed, carriage return and form feed occur in text; other control bytes do not
    if (byte < 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0d && byte !== 0x0c) control += 1;
  }
  return control > sample.length / 100 ? 'the file holds binary data, not CSV text' : null;
};

const utf8Bom = [0xef, 0xbb, 0xbf];

/** Bytes of a UTF-8 sequence cut off at the end of a sample that is not the whole file. */
const cutSequenceLength = (sample: Uint8Array): number => {
  for (let back = 1; back <= Math.min(3, sample.length); back += 1) {
    const byte = sample[sample.length - back] ?? 0;
    if ((byte & 0xc0) === 0x80) continue; // a continuation byte: look further back
    const needed = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    return needed > back ? back : 0;
  }
  return 0;
};

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * UTF-8 when the file starts with its BOM or the sample is valid UTF-8 (plain ASCII is both), else
 * Windows-1252, which is what Excel on a German Windows writes. `complete` says the sample is the
 * whole file; otherwise a sequence cut at its end is no evidence against UTF-8.
 */
export const detectEncoding = (
  sample: Uint8Array,
  complete: boolean,
): { encoding: FileEncoding; bomLength: number } => {
  if (startsWith(sample, utf8Bom)) return { encoding: 'utf-8', bomLength: utf8Bom.length };
  const checked = complete ? sample : sample.subarray(0, sample.length - cutSequenceLength(sample));
  try {
    utf8.decode(checked);
    return { encoding: 'utf-8', bomLength: 0 };
  } catch {
    return { encoding: 'windows-1252', bomLength: 0 };
  }
};

const candidates: readonly Delimiter[] = [';', ',', '\t'];

/**
 * The delimiter the header line uses most often outside quotes; on a tie the semicolon (German
 * Excel's) wins, and a header of one column is read with commas.
 */
export const detectDelimiter = (text: string): Delimiter => {
  const counts = new Map<Delimiter, number>(candidates.map((d) => [d, 0]));
  let quoted = false;
  for (const char of text) {
    if (char === '"') quoted = !quoted;
    else if (!quoted && (char === '\n' || char === '\r')) break;
    else if (!quoted && (char === ';' || char === ',' || char === '\t')) counts.set(char, (counts.get(char) ?? 0) + 1);
  }
  let best: Delimiter = ',';
  let bestCount = 0;
  for (const d of candidates) {
    const count = counts.get(d) ?? 0;
    if (count > bestCount) {
      best = d;
      bestCount = count;
    }
  }
  return best;
};

/**
 * iconv-lite as the mail parser (libmime) uses it, on Node's own `TextDecoder` (WHATWG Encoding,
 * with Node's full ICU: the Windows code pages, ISO-8859-*, KOI8, GBK/GB18030, Big5, Shift_JIS,
 * EUC-JP, ISO-2022-JP, EUC-KR, UTF-16). The deployed bundles alias `iconv-lite` to this module
 * (infra/bundling.ts): iconv-lite's own tables are half a megabyte of a function's cold start.
 * A charset `TextDecoder` does not know (UTF-7, UTF-32) is one libmime then reads as UTF-8, as it
 * does for any charset iconv-lite would not know. Decoding only: Kontakt never encodes to a legacy
 * charset (libmime encodes UTF-8 with Buffer).
 */
type Codec = { encoding: string; decoder: object };

/**
 * Codecs iconv-lite has that `TextDecoder` lacks: transfer encodings and UTF-7, which libmime
 * refuses by identity, and UTF-32, which it names when it loads. A mail in one of them is read
 * as UTF-8, as libmime reads any charset it cannot decode.
 */
const refused = new Map<string, Codec>(
  ['utf7', 'utf7imap', 'base64', 'hex', 'utf32', 'utf32le', 'utf32be', 'ucs4'].map((name) => [
    name,
    { encoding: name, decoder: {} },
  ]),
);
const codecs = new Map<string, Codec>();

const labelOf = (charset: string): string => {
  const name = charset.trim().toLowerCase();
  // iconv-lite's names that the WHATWG labels spell otherwise
  if (/^(utf-?16|ucs-?2)$/.test(name)) return 'utf-16le';
  if (/^cp-?125\d$/.test(name)) return `windows-${name.replace(/\D/g, '')}`;
  if (/^(cp|ibm)-?866$/.test(name)) return 'ibm866';
  return name;
};

/** The codec of a charset, one object per encoding (libmime compares them); throws for an unknown one, as iconv-lite does. */
export const getCodec = (charset: string): Codec => {
  const key = charset
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');
  const refusedCodec = refused.get(key);
  if (refusedCodec) return refusedCodec;
  let encoding: string;
  try {
    encoding = new TextDecoder(labelOf(charset)).encoding;
  } catch {
    throw new Error(`Encoding not recognized: '${charset}'`);
  }
  let codec = codecs.get(encoding);
  if (!codec) {
    codec = { encoding, decoder: {} };
    codecs.set(encoding, codec);
  }
  return codec;
};

export const encodingExists = (charset: string): boolean => {
  try {
    return !refused.has(getCodec(charset).encoding);
  } catch {
    return false;
  }
};

/** A streaming decoder: a character split across chunks is completed by the next one. */
const decoderOf = (charset: string) => {
  const { encoding } = getCodec(charset);
  if (refused.has(encoding)) throw new Error(`Encoding not supported: '${charset}'`);
  return new TextDecoder(encoding);
};

export const getDecoder = (charset: string): { write: (chunk: Uint8Array) => string; end: () => string } => {
  const decoder = decoderOf(charset);
  return {
    write: (chunk) => decoder.decode(chunk, { stream: true }),
    end: () => decoder.decode(),
  };
};

export const decode = (bytes: Uint8Array | string, charset: string): string =>
  decoderOf(charset).decode(typeof bytes === 'string' ? Buffer.from(bytes, 'binary') : bytes);

export const encode = (text: string, charset: string): Buffer => {
  if (getCodec(charset).encoding !== 'utf-8') throw new Error(`encoding to ${charset} is not supported`);
  return Buffer.from(text, 'utf8');
};

export default { getCodec, encodingExists, getDecoder, decode, encode };

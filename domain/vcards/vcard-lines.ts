/**
 * The content-line layer of vCard files as clients write them: versions 2.1 (RFC-less, the vCard 2.1
 * specification Outlook and older phones still write), 3.0 (RFC 2426) and 4.0 (RFC 6350).
 *
 * What it takes care of, before any property is understood:
 * - the file's text encoding: a UTF-8 BOM, UTF-16 with its BOM (LE or BE), UTF-8 without a BOM, and
 *   Windows-1252 for a file that is not UTF-8 (Outlook writes its code page);
 * - every card of a multi-card file, in order, each with the line it begins on;
 * - line folding (CRLF, LF or CR followed by a space or tab) and 2.1 quoted-printable soft line
 *   breaks (a value line ending in `=` continues on the next line, unindented);
 * - `ENCODING=QUOTED-PRINTABLE` (or 2.1's bare `QUOTED-PRINTABLE`) decoded to bytes, then to text
 *   by the property's `CHARSET` (UTF-8 when none, Windows-1252 when the bytes are not UTF-8);
 *   `ENCODING=BASE64` / `b` decoded to bytes;
 * - groups (`item1.EMAIL`), parameters with quoted and comma-separated values, and 2.1's bare
 *   parameters (`TEL;HOME;VOICE:`) taken as `TYPE`.
 *
 * It never throws on a card: a line it cannot read is a problem of that card, naming the line.
 */

export type VCardProblem = { property: string; line: number; message: string };

export type VCardProperty = {
  /** `item1` of `item1.EMAIL`; null when ungrouped */
  group: string | null;
  /** upper case: `EMAIL`, `X-ABLABEL` */
  name: string;
  /** upper-case names; values as written (`TYPE` values lower case), each list split at commas */
  params: Record<string, string[]>;
  /** the value as text, transfer encoding and charset undone, vCard escapes still in place */
  value: string;
  /** the decoded bytes of a base64 value (a PHOTO), else null */
  bytes: Uint8Array | null;
  /** the line the property begins on, counted from 1 in the file */
  line: number;
};

export type RawVCard = {
  /** 0-based position in the file */
  index: number;
  /** the line of its BEGIN:VCARD */
  line: number;
  /** `2.1`, `3.0`, `4.0`, or null when the card names none */
  version: string | null;
  properties: VCardProperty[];
  problems: VCardProblem[];
};

const bomUtf8 = [0xef, 0xbb, 0xbf];

/**
 * The file as text: UTF-16 by its BOM; otherwise card by card, each UTF-8 when it is valid UTF-8,
 * else Windows-1252 (a UTF-8 BOM, at the start or where files were put together, is passed over).
 */
export const decodeVCardFile = (bytes: Uint8Array): string => {
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) {
    return new TextDecoder('utf-16le').decode(bytes.subarray(2));
  }
  if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) {
    return new TextDecoder('utf-16be').decode(bytes.subarray(2));
  }
  return decodeCardByCard(bytes);
};

/**
 * A file without a BOM, each card decoded on its own (UTF-8 when its bytes are, else Windows-1252):
 * a file put together from several clients' exports holds cards of both, and one Outlook card must
 * not make the UTF-8 cards around it unreadable. Cards start at `BEGIN:VCARD`, which both encodings
 * write as the same ASCII bytes.
 */
const decodeCardByCard = (bytes: Uint8Array): string => {
  // a single-byte decoding maps each byte to one character, so positions in it are byte offsets
  const latin1 = new TextDecoder('windows-1252').decode(bytes);
  // a UTF-8 BOM (ï»¿ here) may stand before a card where files were put together
  const starts = [...latin1.matchAll(/^(?:\u00ef\u00bb\u00bf)?[ \t]*begin[ \t]*:[ \t]*vcard/gim)].map((m) => m.index);
  const bounds = [0, ...starts.filter((at) => at > 0), bytes.length];
  const parts: string[] = [];
  for (let i = 0; i < bounds.length - 1; i += 1) {
    let piece = bytes.subarray(bounds[i], bounds[i + 1]);
    if (piece.length >= 3 && bomUtf8.every((b, j) => piece[j] === b)) piece = piece.subarray(3);
    parts.push(decodeCard(piece));
  }
  return parts.join('');
};

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * One card's bytes as text: UTF-8 when they are; UTF-8 when they are once the folds that split a
 * character (some writers fold at 75 octets through the middle of one) are moved past it; else
 * Windows-1252 (Outlook).
 */
const decodeCard = (bytes: Uint8Array): string => {
  try {
    return utf8.decode(bytes);
  } catch {
    // not UTF-8 as it stands
  }
  try {
    return utf8.decode(unfoldBytes(bytes));
  } catch {
    // not UTF-8 with its folds moved either
  }
  return new TextDecoder('windows-1252').decode(bytes);
};

/**
 * The bytes with every fold that splits a UTF-8 character moved past it: the character's
 * continuation bytes come before the line break, so the lines (and their numbers) stay as they are.
 */
const unfoldBytes = (bytes: Uint8Array): Uint8Array => {
  const out = new Uint8Array(bytes.length);
  let n = 0;
  const continuation = (b: number | undefined) => b !== undefined && (b & 0xc0) === 0x80;
  for (let i = 0; i < bytes.length; i += 1) {
    const b = bytes[i] ?? 0;
    const foldLength =
      b === 0x0d && bytes[i + 1] === 0x0a && (bytes[i + 2] === 0x20 || bytes[i + 2] === 0x09)
        ? 3
        : b === 0x0a && (bytes[i + 1] === 0x20 || bytes[i + 1] === 0x09)
          ? 2
          : 0;
    if (foldLength > 0 && continuation(bytes[i + foldLength])) {
      // the rest of the character first, then the fold
      let j = i + foldLength;
      while (continuation(bytes[j])) {
        out[n] = bytes[j] ?? 0;
        n += 1;
        j += 1;
      }
      for (let k = i; k < i + foldLength; k += 1) {
        out[n] = bytes[k] ?? 0;
        n += 1;
      }
      i = j - 1;
      continue;
    }
    out[n] = b;
    n += 1;
  }
  return out.subarray(0, n);
};

/** Bytes as text in `charset` (a label TextDecoder knows); without one, UTF-8 when valid, else Windows-1252. */
const decodeText = (bytes: Uint8Array, charset: string | null): string => {
  if (charset) {
    try {
      // strict: bytes that are not what the card declares (Windows-1252 labelled UTF-8) are read as if undeclared
      return new TextDecoder(charset.toLowerCase(), { fatal: true }).decode(bytes);
    } catch {
      // an unknown label, or bytes not in it: read as if none was given
    }
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return new TextDecoder('windows-1252').decode(bytes);
  }
};

/** Quoted-printable (RFC 2045) to bytes: `=XX` escapes; soft line breaks are already joined. */
const decodeQuotedPrintable = (text: string): Uint8Array => {
  const out: number[] = [];
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (c === 0x3d /* = */) {
      const hex = text.slice(i + 1, i + 3);
      if (/^[0-9a-fA-F]{2}$/.test(hex)) {
        out.push(Number.parseInt(hex, 16));
        i += 2;
        continue;
      }
    }
    // a character outside ASCII in a QP value (a writer that did not encode it) keeps its UTF-8 bytes
    if (c > 0x7f) out.push(...new TextEncoder().encode(text[i]));
    else out.push(c);
  }
  return Uint8Array.from(out);
};

const decodeBase64 = (text: string): Uint8Array | null => {
  const clean = text.replace(/\s+/g, '');
  if (clean === '' || clean.length % 4 === 1 || !/^[A-Za-z0-9+/]*={0,2}$/.test(clean)) return null;
  try {
    const binary = atob(clean);
    return Uint8Array.from(binary, (c) => c.charCodeAt(0));
  } catch {
    return null;
  }
};

/** The position of the first `target` outside double quotes, or -1. */
const indexOutsideQuotes = (text: string, target: string, from = 0): number => {
  let quoted = false;
  for (let i = from; i < text.length; i += 1) {
    const c = text[i];
    if (c === '"') quoted = !quoted;
    else if (c === target && !quoted) return i;
  }
  return -1;
};

/** Splits at `separator` outside double quotes. */
const splitOutsideQuotes = (text: string, separator: string): string[] => {
  const parts: string[] = [];
  let start = 0;
  for (let at = indexOutsideQuotes(text, separator); at !== -1; at = indexOutsideQuotes(text, separator, start)) {
    parts.push(text.slice(start, at));
    start = at + 1;
  }
  parts.push(text.slice(start));
  return parts;
};

const unquote = (value: string): string =>
  value.length >= 2 && value.startsWith('"') && value.endsWith('"') ? value.slice(1, -1) : value;

/** 2.1's parameters without a name (`HOME`, `QUOTED-PRINTABLE`, `CHARSET` aside) and what they mean. */
const bareParameter = (word: string): [string, string] => {
  const upper = word.toUpperCase();
  if (upper === 'QUOTED-PRINTABLE' || upper === 'BASE64' || upper === '8BIT' || upper === '7BIT') {
    return ['ENCODING', upper];
  }
  return ['TYPE', word.toLowerCase()];
};

type ContentLine = { text: string; line: number };
type Header = { group: string | null; name: string; params: Record<string, string[]>; rawValue: string };

/** `[group.]name *(;param) : value`, or null when there is no colon. */
const parseHeader = (text: string): Header | null => {
  const colon = indexOutsideQuotes(text, ':');
  if (colon === -1) return null;
  const [nameWithGroup = '', ...paramTexts] = splitOutsideQuotes(text.slice(0, colon), ';');
  const dot = nameWithGroup.lastIndexOf('.');
  const group = dot === -1 ? null : nameWithGroup.slice(0, dot);
  const name = (dot === -1 ? nameWithGroup : nameWithGroup.slice(dot + 1)).trim().toUpperCase();
  const params: Record<string, string[]> = {};
  for (const paramText of paramTexts) {
    if (paramText.trim() === '') continue;
    const equals = paramText.indexOf('=');
    const [key, values] =
      equals === -1
        ? ((): [string, string[]] => {
            const [k, v] = bareParameter(paramText.trim());
            return [k, [v]];
          })()
        : [
            paramText.slice(0, equals).trim().toUpperCase(),
            splitOutsideQuotes(paramText.slice(equals + 1), ',').map((v) => unquote(v.trim())),
          ];
    // RFC 6350 writes TYPE="voice,home": a quoted list of types
    const kept = key === 'TYPE' ? values.flatMap((v) => v.split(',')).map((v) => v.trim().toLowerCase()) : values;
    params[key] = [...(params[key] ?? []), ...kept.filter((v) => v !== '')];
  }
  return { group, name, params, rawValue: text.slice(colon + 1) };
};

const isQuotedPrintable = (params: Record<string, string[]>): boolean =>
  (params.ENCODING ?? []).some((e) => e.toUpperCase() === 'QUOTED-PRINTABLE');
const isBase64 = (params: Record<string, string[]>): boolean =>
  (params.ENCODING ?? []).some((e) => ['BASE64', 'B'].includes(e.toUpperCase()));

/** The kind of value a logical line carries, from its header: it decides how the next lines join it. */
const valueKind = (text: string): 'qp' | 'base64' | 'plain' | null => {
  const colon = indexOutsideQuotes(text, ':');
  if (colon === -1) return null; // the header goes on (folded): decided once the colon is read
  const header = text.slice(0, colon);
  if (/(^|;)\s*(ENCODING=)?QUOTED-PRINTABLE\s*(;|$)/i.test(header)) return 'qp';
  if (/(^|;)\s*(ENCODING=)?(BASE64|B)\s*(;|$)/i.test(header)) return 'base64';
  return 'plain';
};

const base64Line = /^[A-Za-z0-9+/=]+$/;

/** A property's name and parameters are a few dozen characters; past this a "header" is junk. */
const maxHeaderLength = 16 * 1024;

/** Problems kept per card: past this, one more names how many were left out. */
export const maxProblemsPerCard = 50;

/** A problem as kept: its property named in at most 40 characters (a junk line's "name" can be megabytes). */
const addProblem = (card: RawVCard, problem: VCardProblem): void => {
  if (card.problems.length < maxProblemsPerCard) {
    card.problems.push({ ...problem, property: problem.property.slice(0, 40) });
    return;
  }
  const last = card.problems[maxProblemsPerCard];
  const more = last ? Number(/^(\d+)/.exec(last.message)?.[1] ?? '0') + 1 : 1;
  card.problems[maxProblemsPerCard] = {
    property: '*',
    line: problem.line,
    message: `${more} more problem${more === 1 ? '' : 's'} of this card not listed`,
  };
};

/**
 * The file's logical lines, each with the line number it starts on: folded lines joined; a
 * quoted-printable value's soft line breaks (a line ending in `=`) joined with the next line; and a
 * 2.1 base64 value's lines joined even unindented, up to the next property (a blank line within is
 * passed over). Pieces are joined once per logical line, so a megabyte value costs linear time.
 */
const contentLines = (text: string): ContentLine[] => {
  const physical = text.split(/\r\n|\n|\r/);
  const lines: ContentLine[] = [];
  let pieces: string[] = [];
  let start = 0;
  let kind: ReturnType<typeof valueKind> = null;
  let softBreak = false;
  let pieceLength = 0;
  const flush = () => {
    if (pieces.length > 0) lines.push({ text: pieces.join(''), line: start });
    pieces = [];
    kind = null;
    softBreak = false;
    pieceLength = 0;
  };
  physical.forEach((raw, i) => {
    const open = pieces.length > 0;
    if (open && softBreak) {
      // quoted-printable: the value goes on, whether the writer indented the next line or not
      const last = pieces.length - 1;
      pieces[last] = (pieces[last] ?? '').trimEnd().slice(0, -1);
      pieces.push(raw);
    } else if (open && (raw.startsWith(' ') || raw.startsWith('\t'))) {
      pieces.push(raw.slice(1));
    } else if (open && kind === 'base64' && (raw.trim() === '' || base64Line.test(raw.trim()))) {
      pieces.push(raw.trim());
    } else {
      flush();
      if (raw.trim() === '') return;
      pieces = [raw];
      start = i + 1;
    }
    // the header is read once its colon has come: only a piece with a colon can decide it (a header
    // folded over many lines without one is not rescanned per line), and a header that runs past
    // 16 KB without deciding is no header a client writes: its line is read as plain text
    if (kind === null && raw.includes(':')) kind = valueKind(pieces.join(''));
    pieceLength += raw.length;
    if (kind === null && pieceLength > maxHeaderLength) kind = 'plain';
    softBreak = kind === 'qp' && raw.trimEnd().endsWith('=');
  });
  flush();
  return lines;
};

/** Every card of a vCard file, in file order, with what could not be read named by property and line. */
export const readVCards = (file: Uint8Array | string): RawVCard[] => {
  const text = typeof file === 'string' ? file : decodeVCardFile(file);
  const cards: RawVCard[] = [];
  let card: RawVCard | null = null;
  let nested = 0;
  for (const { text: lineText, line } of contentLines(text)) {
    const header = parseHeader(lineText);
    const upperName = header?.name ?? '';
    const isBegin = upperName === 'BEGIN' && header?.rawValue.trim().toUpperCase() === 'VCARD';
    const isEnd = upperName === 'END' && header?.rawValue.trim().toUpperCase() === 'VCARD';
    // 2.1's AGENT may hold a card of its own (an assistant's) right after it: it is part of the
    // card around it, not a card of the file, and not imported
    if (
      nested > 0 ||
      (isBegin && card?.properties.at(-1)?.name === 'AGENT' && card.properties.at(-1)?.value.trim() === '')
    ) {
      if (isBegin) nested += 1;
      if (isEnd) nested -= 1;
      if (card && isBegin && nested === 1) {
        addProblem(card, { property: 'AGENT', line, message: 'the card of an agent (AGENT) is not imported' });
      }
      continue;
    }
    if (isBegin) {
      if (card) {
        addProblem(card, { property: 'END', line, message: 'the card before this one has no END:VCARD' });
        cards.push(card);
      }
      card = { index: cards.length, line, version: null, properties: [], problems: [] };
      continue;
    }
    if (isEnd) {
      if (card) cards.push(card);
      card = null;
      continue;
    }
    if (!card) continue; // text outside a card (a mail's signature, a blank line) is no card
    if (!header || header.name === '') {
      addProblem(card, {
        property: lineText.slice(0, 100).split(/[;:]/)[0]?.trim().toUpperCase() || '?',
        line,
        message: 'not a property line (NAME:value)',
      });
      continue;
    }
    if (header.name === 'VERSION') {
      card.version = header.rawValue.trim();
      continue;
    }
    const charset = header.params.CHARSET?.[0] ?? null;
    let value = header.rawValue;
    let bytes: Uint8Array | null = null;
    if (isQuotedPrintable(header.params)) {
      value = decodeText(decodeQuotedPrintable(header.rawValue), charset);
    } else if (isBase64(header.params)) {
      bytes = decodeBase64(header.rawValue);
      if (bytes === null) {
        addProblem(card, { property: header.name, line, message: 'the base64 value cannot be decoded' });
        continue;
      }
    }
    card.properties.push({ group: header.group, name: header.name, params: header.params, value, bytes, line });
  }
  if (card) {
    addProblem(card, { property: 'END', line: card.line, message: 'the card has no END:VCARD' });
    cards.push(card);
  }
  return cards;
};

/**
 * A text value with its escapes undone: 3.0 and 4.0 escape `\n`, `\,`, `\;` and `\\`; 2.1 knows
 * only `\;` (a backslash is otherwise itself, as in a Windows path).
 */
export const unescapeText = (value: string, version: string | null): string =>
  version === '2.1'
    ? value.replace(/\\;/g, ';')
    : value.replace(/\\([nN,;\\:])/g, (_, c: string) => (c === 'n' || c === 'N' ? '\n' : c));

/** A structured value (N, ADR, ORG) split at its unescaped semicolons, each component unescaped. */
export const structuredValue = (value: string, version: string | null): string[] =>
  splitUnescaped(value, ';').map((part) => unescapeText(part, version));

/** A list value (CATEGORIES, NICKNAME) split at its unescaped commas, each item unescaped and trimmed. */
export const listValue = (value: string, version: string | null): string[] =>
  splitUnescaped(value, ',')
    .map((part) => unescapeText(part, version).trim())
    .filter((part) => part !== '');

const splitUnescaped = (value: string, separator: string): string[] => {
  const parts: string[] = [];
  let current = '';
  for (let i = 0; i < value.length; i += 1) {
    const c = value[i];
    if (c === '\\' && i + 1 < value.length) {
      current += c + value[i + 1];
      i += 1;
    } else if (c === separator) {
      parts.push(current);
      current = '';
    } else current += c;
  }
  parts.push(current);
  return parts;
};

/** Text taken from a received mail, made safe to store and show: no control characters, no bidi overrides, bounded. */

import { oneLine, stripControls } from '../shared/plain-text.ts';
import { mailLimits } from './mail-limits.ts';

// control characters and bidi overrides go as from every third-party text (a mail body keeps its lines)
export { oneLine, stripControls };

/** The first `max` UTF-16 units, never splitting a surrogate pair. */
export const sliceChars = (text: string, max: number): string => {
  if (text.length <= max) return text;
  const last = text.charCodeAt(max - 1);
  return text.slice(0, last >= 0xd800 && last <= 0xdbff ? max - 1 : max);
};

const utf8 = new TextEncoder();

/** The longest prefix of `text` that fits `maxBytes` in UTF-8, never splitting a character. */
export const sliceUtf8 = (text: string, maxBytes: number): string => {
  const bytes = utf8.encode(text);
  if (bytes.length <= maxBytes) return text;
  let end = maxBytes;
  // a continuation byte (10xxxxxx) at the cut means the cut falls inside a character
  while (end > 0 && ((bytes[end] ?? 0) & 0xc0) === 0x80) end -= 1;
  return new TextDecoder().decode(bytes.subarray(0, end));
};

/** A one-line value cut to `max` characters; `cut` says whether anything was cut (control characters do not count). */
export const boundedLine = (text: string | null, max: number): { value: string | null; cut: boolean } => {
  if (text === null) return { value: null, cut: false };
  const clean = oneLine(text).trim();
  const value = sliceChars(clean, max);
  return { value: value === '' ? null : value, cut: value.length < clean.length };
};

/** Characters a file name keeps: letters, marks, digits, spaces and punctuation that no file system or shell treats specially. */
const filenameChar = /[\p{L}\p{M}\p{N} ._\-()[\]+,&'@#!~$%=]/u;
/** Device names Windows refuses as file names, with any extension. */
const windowsDevice = /^(con|prn|aux|nul|com\d|lpt\d)(\..*)?$/i;
const maxExtensionChars = 16;

/**
 * The declared name of an attachment reduced to a safe base name: the last path segment only
 * (after `/` and `\`, as Windows clients send them), safe characters only (others become `_`),
 * no leading dots (no hidden files, no `..`), at most 255 UTF-8 bytes with the extension kept.
 * Null when nothing usable is left: the attachment then has no name, as if none was given.
 */
export const safeFilename = (declared: string | null): string | null => {
  if (declared === null) return null;
  const base = oneLine(declared).split(/[/\\]/).pop() ?? '';
  const chars = Array.from(base, (char) => (filenameChar.test(char) ? char : '_')).join('');
  const trimmed = chars.replace(/^[.\s]+/, '').replace(/[.\s]+$/, '');
  if (trimmed === '' || /^_*$/.test(trimmed)) return null;
  const named = windowsDevice.test(trimmed) ? `_${trimmed}` : trimmed;
  if (utf8.encode(named).length <= mailLimits.maxFilenameBytes) return named;
  const dot = named.lastIndexOf('.');
  const extension = dot > 0 && named.length - dot <= maxExtensionChars ? named.slice(dot) : '';
  const stem = named.slice(0, named.length - extension.length);
  return `${sliceUtf8(stem, mailLimits.maxFilenameBytes - utf8.encode(extension).length)}${extension}`;
};

const mediaType = /^[a-z0-9][a-z0-9!#$&^_.+-]{0,126}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}$/;

/** A declared content type kept only when it is a well-formed `type/subtype` (RFC 6838); otherwise octet-stream. */
export const safeContentType = (declared: string): string => {
  const value = declared.trim().toLowerCase();
  return mediaType.test(value) ? value : 'application/octet-stream';
};

/**
 * Writing vCard files (RFC 2426 for 3.0, which Outlook reads; RFC 6350 for 4.0): text escaped
 * (`\`, newlines, `,` and `;`), parameter values quoted where they must be, and lines folded at 75
 * octets without splitting a UTF-8 character, with CRLF line ends.
 */

export type VCardVersion = '3.0' | '4.0';

export type OutProperty = {
  group?: string;
  name: string;
  /** parameters in order; each value list is written comma-separated */
  params?: readonly (readonly [string, readonly string[]])[];
  /** the value as it goes on the line: build it with escapeText, structured or list */
  value: string;
};

/** A text value escaped: backslash, newline, comma and semicolon. */
export const escapeText = (text: string): string =>
  text
    .replace(/\\/g, '\\\\')
    .replace(/\r\n|\r|\n/g, '\\n')
    .replace(/,/g, '\\,')
    .replace(/;/g, '\\;');

/** A structured value (N, ADR, ORG): components escaped, joined by semicolons. */
export const structured = (parts: readonly (string | undefined)[]): string =>
  parts.map((part) => escapeText(part ?? '')).join(';');

/** A list value (CATEGORIES): items escaped, joined by commas. */
export const list = (items: readonly string[]): string => items.map(escapeText).join(',');

/** A parameter value as written: quoted when it holds `:`, `;` or `,`; a double quote cannot be kept. */
const paramValue = (value: string): string => {
  const clean = value.replace(/"/g, "'").replace(/\r\n|\r|\n/g, ' ');
  return /[:;,]/.test(clean) ? `"${clean}"` : clean;
};

const maxOctets = 75;
const encoder = new TextEncoder();

/**
 * One content line folded: no line longer than 75 octets, a continuation line starting with a
 * space (which counts), and never a break inside a character's UTF-8 bytes.
 */
export const foldLine = (line: string): string => {
  // ASCII (a photo's base64 above all): one octet per character
  if (!/[^\p{ASCII}]/u.test(line)) {
    if (line.length <= maxOctets) return line;
    const parts = [line.slice(0, maxOctets)];
    for (let at = maxOctets; at < line.length; at += maxOctets - 1)
      parts.push(` ${line.slice(at, at + maxOctets - 1)}`);
    return parts.join('\r\n');
  }
  const out: string[] = [];
  let current = '';
  let octets = 0;
  for (const char of line) {
    const size = encoder.encode(char).length;
    if (octets + size > maxOctets) {
      out.push(current);
      current = ` ${char}`;
      octets = 1 + size;
    } else {
      current += char;
      octets += size;
    }
  }
  out.push(current);
  return out.join('\r\n');
};

const contentLine = (property: OutProperty): string => {
  const name = property.group ? `${property.group}.${property.name}` : property.name;
  const params = (property.params ?? [])
    .filter(([, values]) => values.length > 0)
    .map(([key, values]) => `;${key}=${values.map(paramValue).join(',')}`)
    .join('');
  return foldLine(`${name}${params}:${property.value}`);
};

/** One card: BEGIN, VERSION, the properties in order, END; CRLF after every line. */
export const formatVCard = (version: VCardVersion, properties: readonly OutProperty[]): string =>
  [
    'BEGIN:VCARD',
    `VERSION:${version}`,
    ...properties.filter((p) => p.value !== '' || p.name === 'N').map(contentLine),
    'END:VCARD',
  ]
    .map((line) => `${line}\r\n`)
    .join('');

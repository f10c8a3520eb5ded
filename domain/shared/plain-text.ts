/**
 * Text from files and other third-party sources made safe to store and show, where refusing it
 * would lose a record: no control characters, no bidi overrides, and one line where one is meant.
 */

/** C0 and C1 controls, DEL, and the bidi embeddings, overrides and isolates (U+202A–202E, U+2066–2069). */
const unsafe = /(?![\t\n\r])[\p{Cc}\u202a-\u202e\u2066-\u2069]/gu;
const lineBreaksAndTabs = /[\t\n\r]+/g;

/** Multi-line text: keeps tabs and line breaks, drops every other control character. */
export const stripControls = (text: string): string => text.replace(unsafe, '');

/** A one-line value: tabs and line breaks (and runs of them) become one space. */
export const oneLine = (text: string): string => stripControls(text).replace(lineBreaksAndTabs, ' ');

/**
 * Names a plain object already gives a meaning to (`__proto__` sets its prototype), or that make
 * the DynamoDB marshaller take a map for a class instance (`constructor`): never used as a key.
 */
export const reservedKeys: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

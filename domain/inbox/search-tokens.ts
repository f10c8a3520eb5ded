/**
 * Tokens for the inbox's `q` prefix search: name, company and email, folded (case, accents,
 * umlauts, ß) so that "müller", "Mueller" and "MULLER" meet. Each token is stored once; a prefix
 * of at least two characters finds it.
 */
import type { Contact } from './inbox-entry.ts';

export const minPrefixLength = 2;

const germanFolds: [RegExp, string][] = [
  [/ä/g, 'ae'],
  [/ö/g, 'oe'],
  [/ü/g, 'ue'],
  [/ß/g, 'ss'],
];

/** Lower case, umlauts spelled out, other accents dropped. */
export const foldText = (text: string): string => {
  let folded = text.toLowerCase();
  for (const [pattern, replacement] of germanFolds) folded = folded.replace(pattern, replacement);
  return folded.normalize('NFD').replace(/\p{M}/gu, '');
};

export const tokenize = (text: string): string[] =>
  foldText(text)
    .split(/[^\p{L}\p{N}]+/u)
    .filter((t) => t.length >= minPrefixLength);

/** The words an entry can be found by: first and last name, company, and the email whole and in parts. */
export const searchTokens = (contact: Contact): string[] => {
  const words = [contact.firstName, contact.lastName, contact.companyName].flatMap((v) => (v ? tokenize(v) : []));
  const email = contact.email ? foldText(contact.email.trim()) : '';
  const emailTokens = email ? [email, ...tokenize(email)] : [];
  return [...new Set([...words, ...emailTokens])];
};

/** Query words: the longest one picks the partition, all must prefix some token of the entry. */
export const queryWords = (q: string): string[] => {
  const email = q.includes('@') ? [foldText(q.trim())] : [];
  return [...new Set([...email, ...tokenize(q)])].sort((a, b) => b.length - a.length);
};

export const matchesAll = (words: readonly string[], tokens: readonly string[]): boolean =>
  words.every((w) => tokens.some((t) => t.startsWith(w)));

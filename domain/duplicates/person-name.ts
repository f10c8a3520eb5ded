/** Person names folded for matching: case, umlauts, accents, hyphens, titles and salutations do not count. */
import { foldText } from '../inbox/search-tokens.ts';

/** Salutations and titles that may open a name ("Herr Dr. med. Hans", "Frau Prof. Dipl.-Ing."). */
const leadingTitles = new Set([
  'herr',
  'herrn',
  'frau',
  'fraeulein',
  'mr',
  'mrs',
  'ms',
  'miss',
  'mx',
  'dr',
  'prof',
  'professor',
  'dipl',
  'ing',
  'mag',
]);

/**
 * The parts of academic degrees that follow Dr., Prof. or Dipl. ("Dr. rer. nat.", "Dr. h. c.",
 * "Dipl.-Kfm."). They are only dropped right after such a title: alone, "h" or "c" are initials.
 */
const degreeParts = new Set([
  'med',
  'dent',
  'vet',
  'rer',
  'nat',
  'pol',
  'oec',
  'phil',
  'jur',
  'iur',
  'theol',
  'habil',
  'h',
  'c',
  'hc',
  'ing',
  'kfm',
  'kffr',
  'oek',
  'psych',
  'inform',
  'sc',
  'techn',
  'mult',
]);

const degreeOpeners = new Set(['dr', 'prof', 'professor', 'dipl']);

/**
 * Name particles ("von der Leyen", "van 't Hof", "di Chiera"). They stay part of the name, which is
 * what the person is called, but the phonetic key leaves them out, because they are often omitted,
 * abbreviated or put into the first-name field.
 */
const particles = new Set([
  'von',
  'vom',
  'zu',
  'zum',
  'zur',
  'van',
  'der',
  'den',
  'de',
  'del',
  'della',
  'di',
  'da',
  'du',
  'le',
  'la',
  'ten',
  'ter',
  'op',
  't',
]);

const words = (text: string): string[] =>
  foldText(text)
    .replace(/['’`´]/g, '')
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length > 0);

const withoutTitles = (tokens: readonly string[]): string[] => {
  let start = 0;
  let inDegree = false;
  while (start < tokens.length - 1) {
    const token = tokens[start] ?? '';
    if (leadingTitles.has(token)) inDegree = degreeOpeners.has(token) || (inDegree && token === 'ing');
    else if (!(inDegree && degreeParts.has(token))) break;
    start++;
  }
  return tokens.slice(start);
};

/**
 * Folded (ä → ae, ß → ss, accents dropped), lower case, hyphens and punctuation as single spaces,
 * apostrophes dropped (O'Brien = OBrien), leading salutations and titles removed. Particles such as
 * von or van stay. Never removes the last word, so "Herr" alone stays "herr".
 */
export const normalisePersonName = (text: string): string => withoutTitles(words(text)).join(' ');

/** The name without its particles, for the phonetic key; the name itself when it is all particles. */
export const nameCore = (normalised: string): string => {
  const tokens = normalised.split(' ').filter((t) => t.length > 0);
  const core = tokens.filter((t) => !particles.has(t));
  return (core.length > 0 ? core : tokens).join(' ');
};

/**
 * A first-name field that holds only a salutation or titles ("Herr", "Frau Dr.", "Prof."): forms and
 * imports put them there when the first name is unknown; such a person has no first name.
 */
export const isOnlyTitles = (text: string): boolean => {
  const tokens = words(text);
  return tokens.length > 0 && tokens.every((t) => leadingTitles.has(t) || degreeParts.has(t));
};

/** Addresses in one form: street spellings (Str./Straße), house numbers and postcodes. */
import { foldText } from '../inbox/search-tokens.ts';

export type Street = { name: string; houseNumber: string | null };

// "5", "5a", "5 a", "5-7", "12/1", "5 a-c": the house number as written after (German) or before the name.
const houseNumber = String.raw`\d+\s*[a-z]?(?:\s*[-/]\s*\d*\s*[a-z]?)?`;
const trailingNumber = new RegExp(String.raw`^(.*?\D)[\s,]*(${houseNumber})$`);
const leadingNumber = new RegExp(String.raw`^(${houseNumber})[\s,]+(\D.*)$`);

/** Street-type words that are written out, abbreviated or glued to the name: all become the full word. */
const streetWords: [RegExp, string][] = [
  [/str(?:\.|\b)/g, 'strasse'],
  [/pl\./g, 'platz'],
  [/\bpl\b/g, 'platz'],
];

const compactName = (name: string): string => {
  let folded = foldText(name);
  for (const [pattern, word] of streetWords) folded = folded.replace(pattern, word);
  return folded.replace(/[^\p{L}\p{N}]+/gu, '');
};

const compactNumber = (text: string): string => text.replace(/\s+/g, '');

/**
 * Street name without spaces, hyphens or punctuation, "str."/"str"/"straße" written out
 * ("Konrad-Adenauer-Str." = "Konrad Adenauerstraße"), and the house number apart, lower case
 * without spaces ("Hauptstr. 5a" = "Hauptstraße 5 a"); a number before the name is found too.
 */
export const normaliseStreet = (street: string): Street => {
  const text = foldText(street).trim();
  const trailing = trailingNumber.exec(text);
  if (trailing?.[1] && trailing[2]) return { name: compactName(trailing[1]), houseNumber: compactNumber(trailing[2]) };
  const leading = leadingNumber.exec(text);
  if (leading?.[1] && leading[2]) return { name: compactName(leading[2]), houseNumber: compactNumber(leading[1]) };
  return { name: compactName(text), houseNumber: null };
};

const countryNames = new Map([
  ['d', 'DE'],
  ['de', 'DE'],
  ['deu', 'DE'],
  ['deutschland', 'DE'],
  ['germany', 'DE'],
  ['a', 'AT'],
  ['at', 'AT'],
  ['aut', 'AT'],
  ['oesterreich', 'AT'],
  ['austria', 'AT'],
  ['ch', 'CH'],
  ['che', 'CH'],
  ['schweiz', 'CH'],
  ['switzerland', 'CH'],
]);

/**
 * ISO 3166 alpha-2 code for the usual ways of writing a country (DE, Deutschland, Germany, D, …);
 * another two-letter text upper-cased; otherwise the folded text; null when blank.
 */
export const normaliseCountry = (text: string): string | null => {
  const folded = foldText(text)
    .replace(/[^\p{L}]+/gu, ' ')
    .trim();
  if (!folded) return null;
  return countryNames.get(folded) ?? (/^[a-z]{2}$/.test(folded) ? folded.toUpperCase() : folded);
};

/** German postcodes as their digits ("D-10115" = "10115"); others trimmed and upper-cased; null when blank. */
export const normalisePostcode = (text: string, country?: string): string | null => {
  const code = country ? normaliseCountry(country) : 'DE';
  const postcode =
    code === 'DE' || code === null ? text.replace(/\D/g, '') : text.trim().replace(/\s+/g, ' ').toUpperCase();
  return postcode.length > 0 ? postcode : null;
};

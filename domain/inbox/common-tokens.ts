/**
 * Search tokens too common to index: every lead of a campaign would write the same search
 * partition (`INBOXQ#de` for each `.de` address), and none of them narrows a search. Domain endings,
 * the names of mailbox providers and legal forms are never indexed; the search reads the partition
 * of the query's longest word that is not one of them, and still requires every word to match.
 */
import { legalForms } from '../duplicates/company-name.ts';
import { freemailDomains } from '../duplicates/match-profile.ts';
import { tokenize } from './search-tokens.ts';

/** Endings of mail domains (country and generic); any other ending is as common only within its own country. */
const domainEndings = [
  'de',
  'at',
  'ch',
  'com',
  'net',
  'org',
  'eu',
  'info',
  'biz',
  'io',
  'co',
  'uk',
  'nl',
  'fr',
  'it',
  'es',
  'pl',
  'be',
  'lu',
  'li',
  'dk',
  'se',
  'us',
];

export const commonTokens: ReadonlySet<string> = new Set([
  ...domainEndings,
  ...[...freemailDomains].flatMap((domain) => tokenize(domain.slice(0, domain.lastIndexOf('.')))),
  ...legalForms.filter((form) => form.length === 1).map((form) => form[0] as string),
]);

/** The tokens worth an index item: all but the common ones. */
export const indexableTokens = (tokens: readonly string[]): string[] =>
  tokens.filter((token) => !commonTokens.has(token));

/**
 * The query word whose partition a search reads: the longest that is not a common token nor the
 * start of one ("hotmai" would read a range where nothing is indexed; a word is a prefix: "de" still
 * finds Dennis when it is all there is); a query of such words alone finds only longer tokens.
 */
export const searchWord = (words: readonly string[]): string =>
  words.find((word) => ![...commonTokens].some((token) => token.startsWith(word))) ?? words[0] ?? '';

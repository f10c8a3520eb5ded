/**
 * Blocking keys (multi-key blocking): a record is written under each of its keys and a probe reads
 * each of its own, so candidates come from key lookups alone. Every key combines enough that its
 * partition usually stays below the 50 items a lookup reads; where a regional customer base crowds
 * one (phonetic Müller in the company's home postcode holds hundreds), each key also names a
 * `refine` value, written into the item's sort key, that a second read narrows the partition to.
 */
import { colognePhonetic } from './cologne-phonetic.ts';
import { companyNameTokens } from './company-name.ts';
import type { CompanyProfile, PersonProfile } from './match-profile.ts';
import { nameCore } from './person-name.ts';

/** The most keys one record is stored under and one check reads (emails and phones are 5 each at most). */
export const maxLookupKeys = 20;

/**
 * A lookup key and its refinement. `refine` is the value a crowded partition is narrowed by: the
 * other name's phonetic code for a name key, the last name's for an address or birthday key, the
 * first name's for a shared email or phone (families and switchboards share them), the postcode for
 * a name without place; `-` when the record has none.
 */
export type LookupKey = {
  key: string;
  refine: string;
  /**
   * The record's other key whose partition narrowed to its refinement holds exactly the records this
   * one's does: `NAMEPLZ#<last>#<postcode>` refined by the first name and `NAMEPLZ#<first>#<postcode>`
   * refined by the last name both hold the records with these two names there (each record is written
   * under both orders). When one of the pair is crowded, reading the other covers it: a check never
   * narrows both. Only a probe's keys carry it; it is not stored.
   */
  mirror?: string;
  /**
   * A crowd of this key is narrowed to the probe's refinement alone. Without it, a crowd also
   * gives its records that lack the refining value (`Herr Müller` without a first name under
   * Thomas Müller's last-name key). Set on a first-name key, refined by the last name: a person
   * always has one, and the `-` records there are persons whose last name sounds like this first
   * name (`Herr Otto` for Otto Müller), not this kind of duplicate.
   */
  refinedOnly?: true;
};

/** The refinement of a record that lacks the refining value: it is found by the unrefined read only. */
export const noRefinement = '-';

// Keys are partition-key values: URI-encoding keeps them ASCII and keeps '#' inside a value from
// splitting it; the cut keeps them far from DynamoDB's 2 KB key limit.
const part = (value: string): string => encodeURIComponent(value).slice(0, 200);

/** The lookup key of one exact (normalised) email address: persons and open inbox entries are found by it. */
export const emailLookupKey = (email: string): string => `EMAIL#${part(email)}`;

const phonetic = (name: string | undefined): string => (name ? colognePhonetic(nameCore(name)) : '');

const refineBy = (value: string | undefined): string => (value ? part(value) : noRefinement);

const bounded = (keys: readonly (LookupKey | null)[]): LookupKey[] => {
  const seen = new Set<string>();
  const out: LookupKey[] = [];
  for (const k of keys) {
    if (k === null || seen.has(k.key)) continue;
    seen.add(k.key);
    out.push(k);
  }
  return out.slice(0, maxLookupKeys);
};

/**
 * - `EMAIL#`, `PHONE#`: each exact email and phone (E.164), refined by the first name.
 * - `NAMEPLZ#<phonetic name>#<postcode>`, `NAMEDOB#<phonetic name>#<birthday>`: once for the last
 *   and once for the first name, each refined by the other name, so a record with first and last name
 *   swapped meets the original in both. A person known only by last name ("Herr Kempton") is found
 *   by last name with postcode or birthday.
 * - `NAMES#<phonetic>#<phonetic>`: both names, sorted (swaps again), without place, for entries
 *   that give only a name and a contact; refined by the postcode.
 * - `DOBPLZ#<birthday>#<postcode>`: survives typos in both names (and a changed surname).
 * - `STREET#<postcode>#<street>#<house number>` and `STREETCITY#<city>#<street>#<house number>`: one
 *   household, with either place, so a typo in the postcode or the city still meets; survive a wrong
 *   birthday and names. Refined by the last name (a tower block holds hundreds).
 */
export const personLookupKeys = (p: PersonProfile): LookupKey[] => {
  const first = phonetic(p.firstName);
  const last = phonetic(p.lastName);
  const names: [string, string][] = [
    [last, first],
    [first, last],
  ];
  const named = names.filter(([name]) => name.length > 0);
  const both = named.length === 2 && first !== last;
  const { postcode, birthday } = p;
  // each name key of a pair names the other one of the pair as its mirror (both names known only)
  const pair = (prefix: string, place: string) =>
    named.map(([n, other]) => ({
      key: `${prefix}#${n}#${place}`,
      refine: refineBy(other),
      ...(both ? { mirror: `${prefix}#${other}#${place}` } : {}),
      ...(both && n === first ? { refinedOnly: true as const } : {}),
    }));
  return bounded([
    ...(p.emails ?? []).map((e) => ({ key: emailLookupKey(e), refine: refineBy(first) })),
    ...(p.phones ?? []).map((ph) => ({ key: `PHONE#${part(ph)}`, refine: refineBy(first) })),
    ...(postcode ? pair('NAMEPLZ', part(postcode)) : []),
    ...(birthday ? pair('NAMEDOB', birthday) : []),
    first && last ? { key: `NAMES#${[first, last].sort().join('#')}`, refine: refineBy(postcode) } : null,
    birthday && postcode ? { key: `DOBPLZ#${birthday}#${part(postcode)}`, refine: refineBy(last) } : null,
    postcode && p.street && p.houseNumber
      ? { key: `STREET#${part(postcode)}#${part(p.street)}#${part(p.houseNumber)}`, refine: refineBy(last) }
      : null,
    p.city && p.street && p.houseNumber
      ? { key: `STREETCITY#${part(p.city)}#${part(p.street)}#${part(p.houseNumber)}`, refine: refineBy(last) }
      : null,
  ]);
};

/** The phonetic code of each word, sorted: word order does not count ("Schmitz Elektro" = "Elektro Schmitz"). */
const phoneticWords = (name: string): string =>
  companyNameTokens(name)
    .map((w) => colognePhonetic(w))
    .filter((code) => code.length > 0)
    .sort()
    .join('-');

/** The distinct phonetic codes of the name's first words of three letters or more (at most four). */
const wordSounds = (name: string): string[] => [
  ...new Set(
    companyNameTokens(name)
      .filter((w) => w.length >= 3)
      .slice(0, 4)
      .map((w) => colognePhonetic(w))
      .filter((code) => code.length > 0),
  ),
];

/**
 * Company keys live apart from person keys (`CO…`), so a person lookup never fills its 50 items
 * with companies: `COMPANY#<words of the company key, sorted>` (word order ignored), `DOMAIN#<domain>`
 * (website and non-freemail email domains), `COEMAIL#`, `COPHONE#`, the words' phonetic codes
 * with the postcode and with the city (a probe may give only one of them), and each word's code with
 * the postcode (`COWORDPLZ#`, a typo in another word). Refined by the postcode, a word key by the
 * whole name's sound.
 */
export const companyLookupKeys = (c: CompanyProfile): LookupKey[] => {
  const sortedWords = [...companyNameTokens(c.name)].sort().join(' ');
  const sounds = phoneticWords(c.name);
  const refine = refineBy(c.postcode);
  return bounded([
    { key: `COMPANY#${part(sortedWords)}`, refine },
    ...(c.domains ?? []).map((d) => ({ key: `DOMAIN#${part(d)}`, refine })),
    ...(c.emails ?? []).map((e) => ({ key: `COEMAIL#${part(e)}`, refine })),
    ...(c.phones ?? []).map((ph) => ({ key: `COPHONE#${part(ph)}`, refine })),
    sounds && c.postcode ? { key: `CONAMEPLZ#${sounds}#${part(c.postcode)}`, refine: noRefinement } : null,
    sounds && c.city ? { key: `CONAMECITY#${sounds}#${part(c.city)}`, refine } : null,
    // each word alone with the postcode: a typo in one word ("Tischlerei Selkener") still meets the other
    ...(c.postcode
      ? wordSounds(c.name).map((code) => ({
          key: `COWORDPLZ#${code}#${part(c.postcode ?? '')}`,
          refine: sounds || noRefinement,
        }))
      : []),
  ]);
};

/**
 * Blocking keys (multi-key blocking): a record is written under each of its keys and a probe reads
 * each of its own, so candidates come from key lookups alone. Every key combines enough that its
 * partition stays far below the 50 items a lookup reads, even at 100,000 German persons where
 * Müller, Schmidt or Meyer are about 1% each; a name alone or a birthday alone is never a key.
 */
import { colognePhonetic } from './cologne-phonetic.ts';
import type { CompanyProfile, PersonProfile } from './match-profile.ts';
import { nameCore } from './person-name.ts';

/** The most keys one record is stored under and one check reads (emails and phones are 5 each at most). */
export const maxLookupKeys = 20;

// Keys are partition-key values: URI-encoding keeps them ASCII and keeps '#' inside a value from
// splitting it; the cut keeps them far from DynamoDB's 2 KB key limit.
const part = (value: string): string => encodeURIComponent(value).slice(0, 200);

const phonetic = (name: string | undefined): string => (name ? colognePhonetic(nameCore(name)) : '');

const bounded = (keys: readonly (string | null)[]): string[] =>
  [...new Set(keys.filter((k): k is string => k !== null))].slice(0, maxLookupKeys);

/**
 * - `EMAIL#`, `PHONE#`: each exact email and phone (E.164).
 * - `NAMEPLZ#<phonetic name>#<postcode>`, `NAMEDOB#<phonetic name>#<birthday>`: once for the last
 *   and once for the first name, so a record with first and last name swapped meets the original.
 * - `NAMES#<phonetic>#<phonetic>`: both names, sorted (swaps again), without place, for entries
 *   that give only a name and a contact; about Müller × Thomas ≈ 0.01% of persons.
 * - `DOBPLZ#<birthday>#<postcode>`: survives typos in both names (and a changed surname).
 * - `STREET#<postcode>#<street>#<house number>` and `STREETCITY#<city>#<street>#<house number>`: one
 *   household, with either place, so a typo in the postcode or the city still meets; survive a wrong
 *   birthday and names.
 */
export const personLookupKeys = (p: PersonProfile): string[] => {
  const first = phonetic(p.firstName);
  const last = phonetic(p.lastName);
  const names = [...new Set([last, first].filter((c) => c.length > 0))];
  const { postcode, birthday } = p;
  return bounded([
    ...(p.emails ?? []).map((e) => `EMAIL#${part(e)}`),
    ...(p.phones ?? []).map((ph) => `PHONE#${part(ph)}`),
    ...(postcode ? names.map((n) => `NAMEPLZ#${n}#${part(postcode)}`) : []),
    ...(birthday ? names.map((n) => `NAMEDOB#${n}#${birthday}`) : []),
    first && last ? `NAMES#${[first, last].sort().join('#')}` : null,
    birthday && postcode ? `DOBPLZ#${birthday}#${part(postcode)}` : null,
    postcode && p.street && p.houseNumber ? `STREET#${part(postcode)}#${part(p.street)}#${part(p.houseNumber)}` : null,
    p.city && p.street && p.houseNumber ? `STREETCITY#${part(p.city)}#${part(p.street)}#${part(p.houseNumber)}` : null,
  ]);
};

/**
 * Company keys live apart from person keys (`CO…`), so a person lookup never fills its 50 items
 * with companies: `COMPANY#<company key>`, `DOMAIN#<domain>` (website and non-freemail email
 * domains), `COEMAIL#`, `COPHONE#`, and the phonetic name with the postcode and with the city
 * (a probe may give only one of them).
 */
export const companyLookupKeys = (c: CompanyProfile): string[] => {
  const name = colognePhonetic(c.name);
  return bounded([
    `COMPANY#${part(c.name)}`,
    ...(c.domains ?? []).map((d) => `DOMAIN#${part(d)}`),
    ...(c.emails ?? []).map((e) => `COEMAIL#${part(e)}`),
    ...(c.phones ?? []).map((ph) => `COPHONE#${part(ph)}`),
    name && c.postcode ? `CONAMEPLZ#${name}#${part(c.postcode)}` : null,
    name && c.city ? `CONAMECITY#${name}#${part(c.city)}` : null,
  ]);
};

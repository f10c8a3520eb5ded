/**
 * Explainable duplicate scoring, Fellegi–Sunter style: each field is compared to a level (exact,
 * phonetic, similar, disagree; a field missing on either side adds nothing), each level adds its
 * weight log2(m/u) (m: how often true duplicates show that level, u: how often different persons do),
 * and the score is the logistic of the sum. Exact agreement on a name, place or birthday weighs what
 * the probe's value is worth among the stored records (term frequencies, `frequencies.ts`); a few
 * strong disagreements cap a pair at `possible` whatever else agrees (the rules in `personCaps`).
 * Reasons name the levels that added positive weight.
 */
import { colognePhonetic } from './cologne-phonetic.ts';
import { companyNameTokens, tradeWords } from './company-name.ts';
import {
  type CountedValue,
  companyValue,
  type Frequencies,
  frequencyWeight,
  maxBitsOverPrior,
  noFrequencies,
  type PersonFrequencyField,
  type Prior,
  personValue,
  priorRecords,
} from './frequencies.ts';
import type { CompanyProfile, PersonProfile } from './match-profile.ts';
import { isMobileNumber } from './normalise-phone.ts';
import { nameCore } from './person-name.ts';
import { jaroWinkler } from './string-similarity.ts';

export const reasons = [
  'email_equal',
  'phone_equal',
  'first_name_equal',
  'first_name_phonetic_equal',
  'first_name_similar',
  'last_name_equal',
  'last_name_phonetic_equal',
  'last_name_similar',
  'names_swapped',
  'birthday_equal',
  'birthday_similar',
  'postcode_equal',
  'postcode_similar',
  'city_equal',
  'city_similar',
  'street_equal',
  'street_similar',
  'house_number_equal',
  'address_line2_equal',
  'address_line2_similar',
  'company_name_equal',
  'company_name_phonetic_equal',
  'company_name_similar',
  'domain_equal',
] as const;

export type MatchReason = (typeof reasons)[number];

export type Scored = { score: number; level: 'match' | 'possible' | null; reasons: MatchReason[] };

export type Level = 'exact' | 'phonetic' | 'similar' | 'disagree';

/** Jaro–Winkler at or above this makes two names, streets or places "similar" (a typo or two). */
export const similarAt = 0.88;

const similar = (a: string, b: string): boolean => jaroWinkler(a, b) >= similarAt;

const tokens = (name: string): string[] => name.split(' ').filter((t) => t.length > 0);

/** One name is the other with words left out ("mueller" / "mueller luedenscheidt"). */
const wordsContained = (a: string, b: string): boolean => {
  const [shorter, longer] = a.length <= b.length ? [tokens(a), tokens(b)] : [tokens(b), tokens(a)];
  return shorter.length > 0 && shorter.every((t) => longer.includes(t));
};

/**
 * Two names that are the male and female (or two) forms of one name: Paul/Paula, Jan/Jana,
 * Christian/Christiane, Daniel/Daniela, Andreas/Andrea, Mario/Maria. Couples and siblings carry
 * them, so they are different names however alike they look and sound.
 */
const nameForms = (a: string, b: string): boolean => {
  const [shorter, longer] = a.length <= b.length ? [a, b] : [b, a];
  if (shorter.length < 3) return false;
  if (longer.length === shorter.length + 1 && longer.startsWith(shorter) && /[aes]$/.test(longer)) return true;
  return (
    longer.length === shorter.length &&
    longer.slice(0, -1) === shorter.slice(0, -1) &&
    /[aeio]$/.test(longer) &&
    /[aeio]$/.test(shorter)
  );
};

/**
 * How two names agree. `firstNames`: the two forms of one first name (Paul/Paula) are different
 * names; for last names they are not (Schulz/Schulze, Lang/Lange are one family's spellings).
 */
export const compareNames = (
  a: string | undefined,
  b: string | undefined,
  options: { firstNames?: boolean } = {},
): Level | null => {
  if (!a || !b) return null;
  if (a === b) return 'exact';
  if (options.firstNames && nameForms(a, b)) return 'disagree';
  const code = colognePhonetic(nameCore(a));
  if (code.length > 0 && code === colognePhonetic(nameCore(b))) return 'phonetic';
  const compactA = a.replaceAll(' ', '');
  const compactB = b.replaceAll(' ', '');
  if (compactA === compactB) return 'exact';
  return similar(compactA, compactB) || wordsContained(a, b) ? 'similar' : 'disagree';
};

/** One digit typed wrong, or two neighbouring digits swapped (1974/1947, 12/21), in strings of one length. */
const oneDigitTypo = (a: string, b: string): boolean => {
  if (a.length !== b.length) return false;
  const diffs = [...a].flatMap((ch, i) => (ch === b[i] ? [] : [i]));
  const [i, j] = diffs;
  return diffs.length === 1 || (diffs.length === 2 && i !== undefined && j === i + 1 && a[i] === b[j] && a[j] === b[i]);
};

/**
 * Equal, or similar when one of year, month and day has a typo (one digit, or two neighbours
 * swapped; in a year only within its last two digits) or day and month are swapped. Years a decade
 * or more apart (1950/1980, 1974/1999) are no typo but two generations: a father and his son.
 */
export const compareBirthdays = (a: string | undefined, b: string | undefined): Level | null => {
  if (!a || !b) return null;
  if (a === b) return 'exact';
  const [ya = '', ma = '', da = ''] = a.split('-');
  const [yb = '', mb = '', db = ''] = b.split('-');
  const yearTypo =
    ya.slice(0, 2) === yb.slice(0, 2) &&
    oneDigitTypo(ya.slice(2), yb.slice(2)) &&
    Math.abs(Number(ya) - Number(yb)) < 10;
  const typos = [ya === yb || yearTypo, ma === mb || oneDigitTypo(ma, mb), da === db || oneDigitTypo(da, db)];
  const differing = [ya !== yb, ma !== mb, da !== db].filter(Boolean).length;
  const oneTypo = differing === 1 && typos.every(Boolean);
  const swapped = ya === yb && ma === db && da === mb;
  return oneTypo || swapped ? 'similar' : 'disagree';
};

/** Equal, or similar when one digit differs or two neighbours are swapped (same length). */
export const comparePostcodes = (a: string | undefined, b: string | undefined): Level | null => {
  if (!a || !b) return null;
  if (a === b) return 'exact';
  if (a.length !== b.length) return 'disagree';
  const diffs = [...a].flatMap((ch, i) => (ch === b[i] ? [] : [i]));
  const [i, j] = diffs;
  const oneTypo = diffs.length === 1;
  const transposed = diffs.length === 2 && i !== undefined && j === i + 1 && a[i] === b[j] && a[j] === b[i];
  return oneTypo || transposed ? 'similar' : 'disagree';
};

export const compareTexts = (a: string | undefined, b: string | undefined): Level | null => {
  if (!a || !b) return null;
  const compactA = a.replaceAll(' ', '');
  const compactB = b.replaceAll(' ', '');
  if (compactA === compactB) return 'exact';
  return similar(compactA, compactB) ? 'similar' : 'disagree';
};

export const compareExact = (a: string | undefined, b: string | undefined): Level | null =>
  !a || !b ? null : a === b ? 'exact' : 'disagree';

/** Any value in common (emails, phones, domains); disagree when both have some but share none. */
export const compareSets = (a: readonly string[] | undefined, b: readonly string[] | undefined): Level | null =>
  !a?.length || !b?.length ? null : a.some((v) => b.includes(v)) ? 'exact' : 'disagree';

export const personFields = [
  'email',
  'phone',
  'firstName',
  'lastName',
  'birthday',
  'postcode',
  'city',
  'street',
  'houseNumber',
  'addressLine2',
  'company',
] as const;
export type PersonField = (typeof personFields)[number];

export type PersonComparison = {
  levels: Partial<Record<PersonField, Level>>;
  swapped: boolean;
  /** a shared phone is somebody's mobile (one person's line, unlike a household's landline) */
  sharedMobile: boolean;
};

const nameRank = (level: Level | null): number =>
  level === 'exact' ? 3 : level === 'phonetic' ? 2 : level === 'similar' ? 1 : 0;

/**
 * Each field's level. Names are compared straight and crossed (first ↔ last); the crossing counts
 * only when its names agree strictly better, so the choice does not depend on the weights.
 */
export const comparePersons = (probe: PersonProfile, candidate: PersonProfile): PersonComparison => {
  const straight = [
    compareNames(probe.firstName, candidate.firstName, { firstNames: true }),
    compareNames(probe.lastName, candidate.lastName),
  ] as const;
  const crossed = [
    compareNames(probe.firstName, candidate.lastName),
    compareNames(probe.lastName, candidate.firstName),
  ] as const;
  const swapped = nameRank(crossed[0]) + nameRank(crossed[1]) > nameRank(straight[0]) + nameRank(straight[1]);
  const [firstName, lastName] = swapped ? crossed : straight;
  const all: Record<PersonField, Level | null> = {
    email: compareSets(probe.emails, candidate.emails),
    phone: compareSets(probe.phones, candidate.phones),
    firstName,
    lastName,
    birthday: compareBirthdays(probe.birthday, candidate.birthday),
    postcode: comparePostcodes(probe.postcode, candidate.postcode),
    city: compareTexts(probe.city, candidate.city),
    street: compareTexts(probe.street, candidate.street),
    houseNumber: compareExact(probe.houseNumber, candidate.houseNumber),
    addressLine2: compareTexts(probe.addressLine2, candidate.addressLine2),
    company: compareTexts(probe.company, candidate.company),
  };
  const levels: Partial<Record<PersonField, Level>> = {};
  for (const field of personFields) {
    const level = all[field];
    if (level) levels[field] = level;
  }
  const shared = (probe.phones ?? []).filter((p) => candidate.phones?.includes(p));
  return { levels, swapped, sharedMobile: shared.some(isMobileNumber) };
};

type Weights<F extends string> = Record<F, Partial<Record<Level, number>>>;

/**
 * Prior weights in bits (log2 m/u). Names, birthday and address: the output of
 * `node bench/tune-matching.ts` rounded to 0.1 bit (m from the true pairs among dataset1's candidate
 * pairs, u from its non-matching pairs). Email, phone and company are not in Febrl and are set by
 * judgement: an equal email alone (u about 1e-6) makes a match; an equal phone is strong too, but
 * switchboards and families share one, so alone it is only possible and with two different names
 * it is nothing; not sharing an email or phone says little (people have several). The exact weights
 * of names, places and birthday are priors only: `personWeightsFor` adjusts them to the stored data.
 */
export const personWeights: Weights<PersonField> = {
  email: { exact: 18, disagree: -1 },
  phone: { exact: 14, disagree: -0.5 },
  firstName: { exact: 7.5, phonetic: 3.6, similar: 5, disagree: -3.4 },
  lastName: { exact: 7.8, phonetic: 4.9, similar: 7, disagree: -4.1 },
  birthday: { exact: 14.9, similar: 0.9, disagree: -4.3 },
  postcode: { exact: 9.7, similar: 3.5, disagree: -6.2 },
  city: { exact: 9.7, similar: 8, disagree: -4 },
  street: { exact: 11.2, similar: 8.3, disagree: -3.5 },
  houseNumber: { exact: 5.9, disagree: -2.7 },
  addressLine2: { exact: 10, similar: 8.9, disagree: -4.2 },
  company: { exact: 2, similar: 1 },
};

/** m of exact agreement (the share of true duplicates that agree exactly), from the same tuning run. */
const exactM: Record<'firstName' | 'lastName' | 'birthday' | 'postcode' | 'city' | 'street', number> = {
  firstName: 0.78,
  lastName: 0.74,
  birthday: 0.94,
  postcode: 0.83,
  city: 0.76,
  street: 0.71,
};

const priorOf = (field: keyof typeof exactM): Prior => ({ m: exactM[field], weight: personWeights[field].exact ?? 0 });

/** The counted field behind each frequency-adjusted person field. */
const countedField: Record<keyof typeof exactM, PersonFrequencyField> = {
  firstName: 'fn',
  lastName: 'ln',
  birthday: 'dob',
  postcode: 'pc',
  city: 'ci',
  street: 'st',
};

/**
 * The weights for one probe against the stored records: exact agreement on a first or last name,
 * birthday, postcode, city or street weighs log2(m/u) with u the frequency of the probe's value
 * (`frequencyWeight`); phonetic or similar agreement on a field never weighs more than exact
 * agreement on it would. With names swapped, the probe's first name is looked up among last names
 * and the other way round.
 */
export const personWeightsFor = (
  probe: PersonProfile,
  frequencies: Frequencies,
  swapped = false,
): Weights<PersonField> => {
  const total = frequencies.total('P');
  const probeValue: Record<keyof typeof exactM, CountedValue | null> = {
    firstName: probe.firstName ? personValue(swapped ? 'ln' : 'fn', probe.firstName) : null,
    lastName: probe.lastName ? personValue(swapped ? 'fn' : 'ln', probe.lastName) : null,
    birthday: probe.birthday ? personValue(countedField.birthday, probe.birthday) : null,
    postcode: probe.postcode ? personValue(countedField.postcode, probe.postcode) : null,
    city: probe.city ? personValue(countedField.city, probe.city) : null,
    street: probe.street ? personValue(countedField.street, probe.street) : null,
  };
  const weights: Weights<PersonField> = { ...personWeights };
  for (const field of Object.keys(exactM) as (keyof typeof exactM)[]) {
    const value = probeValue[field];
    if (value === null) continue;
    const exact = frequencyWeight(priorOf(field), frequencies.count(value), total);
    const prior = personWeights[field];
    weights[field] = {
      ...prior,
      exact,
      ...(prior.phonetic === undefined ? {} : { phonetic: Math.min(prior.phonetic, exact) }),
      ...(prior.similar === undefined ? {} : { similar: Math.min(prior.similar, exact) }),
    };
  }
  return weights;
};

/**
 * The address fields are far from independent (same street and postcode almost always means same
 * city), so together they add at most this much (judgement): once two records share a building,
 * further address agreement says little more, and neighbours must not look like one person.
 */
export const maxAddressWeight = 16;
const addressFields: ReadonlySet<string> = new Set<PersonField>([
  'postcode',
  'city',
  'street',
  'houseNumber',
  'addressLine2',
]);

const personReasons: Record<PersonField, Partial<Record<Level, MatchReason>>> = {
  email: { exact: 'email_equal' },
  phone: { exact: 'phone_equal' },
  firstName: { exact: 'first_name_equal', phonetic: 'first_name_phonetic_equal', similar: 'first_name_similar' },
  lastName: { exact: 'last_name_equal', phonetic: 'last_name_phonetic_equal', similar: 'last_name_similar' },
  birthday: { exact: 'birthday_equal', similar: 'birthday_similar' },
  postcode: { exact: 'postcode_equal', similar: 'postcode_similar' },
  city: { exact: 'city_equal', similar: 'city_similar' },
  street: { exact: 'street_equal', similar: 'street_similar' },
  houseNumber: { exact: 'house_number_equal' },
  addressLine2: { exact: 'address_line2_equal', similar: 'address_line2_similar' },
  company: { exact: 'company_name_equal', similar: 'company_name_similar' },
};

/**
 * The prior log-odds (bits) that a candidate found by the lookups is the same record: the sum of
 * the weights must overcome it, so a score of 0.5 means "as likely the same as not".
 */
export const priorWeight = -10;

/**
 * Thresholds of the rounded score, by judgement and checked with `node bench/tune-matching.ts`:
 * `possible` needs 10 bits of evidence over the prior (an equal full name alone is possible),
 * `match` about 16.6 (an equal email alone, or name with birthday or address).
 */
export const thresholds = { match: 0.99, possible: 0.5 };

const logistic = (weight: number): number => Math.round(1000 / (1 + 2 ** -weight)) / 1000;

const scored = <F extends string>(
  levels: Partial<Record<F, Level>>,
  weights: Weights<F>,
  reasonsOf: Record<F, Partial<Record<Level, MatchReason>>>,
  fields: readonly F[],
  mayMatch: boolean,
  cappedFields: ReadonlySet<string> = new Set(),
  cap = 0,
): Scored & { weight: number } => {
  let weight = priorWeight;
  let capped = 0;
  const found: MatchReason[] = [];
  for (const field of fields) {
    const level = levels[field];
    if (!level) continue;
    const w = weights[field][level] ?? 0;
    if (cappedFields.has(field)) capped += w;
    else weight += w;
    const reason = reasonsOf[field][level];
    if (w > 0 && reason) found.push(reason);
  }
  weight += cappedFields.size > 0 ? Math.min(capped, cap) : 0;
  const score = logistic(weight);
  const level = score >= thresholds.match && mayMatch ? 'match' : score >= thresholds.possible ? 'possible' : null;
  return { score, level, reasons: found, weight };
};

/**
 * When a pair may be a `match` at all. `match` means "almost certainly the same person", so a strong
 * disagreement caps the pair at `possible` however much weak agreement piles up:
 * - first names that clearly differ: spouses, siblings and twins share surname, address, phone and
 *   sometimes email, and a user must decide;
 * - last names that clearly differ (not phonetically equal, not similar, not swapped, neither a part
 *   of the other's double name) — unless the email, a mobile number or the birthday agrees, as when
 *   someone married: a shared landline or street and house number does not lift the cap, because
 *   couples, flat-shares and switchboards share those;
 * - birthdays that differ beyond one typo (`compareBirthdays` is not `similar`): father and son
 *   of one name at one address;
 * - one of the two known by last name only, unless the email, a mobile number or the birthday
 *   agrees: "Herr Peters" at a family's address is any of its members;
 * - first names that agree only in sound or up to a typo, unless the email, a mobile number or the
 *   birthday agrees: Anna and Jana, Lena and Leon, André and Andreas live in one household as
 *   often as one of them is a typo of the other;
 * - streets that clearly differ, unless the email, a phone or the birthday agrees: one name at
 *   two addresses is a namesake as often as a person who moved.
 * And a `match` needs corroboration beyond name and place, as Salesforce's standard matching rules
 * ask for it: the email, a phone, the birthday (or one typo of it), or street and house number agree. Name and postcode
 * alone are `possible` at most, however rare the name: in a regional customer base, namesakes in
 * one postcode are common enough that only a person can tell.
 */
export const personCaps = (comparison: PersonComparison): { mayMatch: boolean } => {
  const { levels, sharedMobile } = comparison;
  const personal = levels.email === 'exact' || sharedMobile || levels.birthday === 'exact';
  const firstNamesDiffer = levels.firstName === 'disagree';
  const lastNamesDiffer = levels.lastName === 'disagree' && !personal;
  const birthdaysDiffer = levels.birthday === 'disagree';
  const household = levels.lastName !== undefined && levels.firstName === undefined && !personal;
  // Anna and Jana, Lena and Leon sound alike to Kölner Phonetik; a sibling is as likely as a typo
  const fuzzyFirstName = (levels.firstName === 'phonetic' || levels.firstName === 'similar') && !personal;
  const moved = levels.street === 'disagree' && !personal && levels.phone !== 'exact';
  const sameBuilding = (levels.street === 'exact' || levels.street === 'similar') && levels.houseNumber !== 'disagree';
  const corroborated = personal || levels.birthday === 'similar' || levels.phone === 'exact' || sameBuilding;
  return {
    mayMatch:
      !firstNamesDiffer &&
      !lastNamesDiffer &&
      !birthdaysDiffer &&
      !household &&
      !fuzzyFirstName &&
      !moved &&
      corroborated,
  };
};

/**
 * A scorer for one probe: the frequency-adjusted weights are worked out once and used for every
 * candidate the lookups found.
 */
export const personScorer = (probe: PersonProfile, frequencies: Frequencies = noFrequencies) => {
  const straight = personWeightsFor(probe, frequencies, false);
  let crossed: Weights<PersonField> | null = null;
  return (candidate: PersonProfile): Scored => {
    const comparison = comparePersons(probe, candidate);
    const { levels, swapped } = comparison;
    if (swapped && crossed === null) crossed = personWeightsFor(probe, frequencies, true);
    const weights = swapped && crossed !== null ? crossed : straight;
    const result = scored(
      levels,
      weights,
      personReasons,
      personFields,
      personCaps(comparison).mayMatch,
      addressFields,
      maxAddressWeight,
    );
    const namesAgree = result.reasons.some((r) => r.startsWith('first_name') || r.startsWith('last_name'));
    const found: MatchReason[] = swapped && namesAgree ? [...result.reasons, 'names_swapped'] : result.reasons;
    return { score: result.score, level: result.level, reasons: found };
  };
};

/** Scores a candidate person against the probe (see `personScorer`, `personCaps`). */
export const scorePersons = (
  probe: PersonProfile,
  candidate: PersonProfile,
  frequencies: Frequencies = noFrequencies,
): Scored => personScorer(probe, frequencies)(candidate);

export const companyFields = ['name', 'domain', 'email', 'phone', 'postcode', 'city', 'street', 'houseNumber'] as const;
export type CompanyField = (typeof companyFields)[number];

/**
 * Set by judgement (there is no labelled company data): the same name is strong but not enough
 * alone for a match, since "Müller GmbH" exists in many towns; a different place weighs against it;
 * a shared domain, email or phone confirms it. The name's and the place's exact weights are priors:
 * `companyScorer` adjusts them to the stored companies.
 */
export const companyWeights: Weights<CompanyField> = {
  name: { exact: 12, phonetic: 9, similar: 6, disagree: -8 },
  domain: { exact: 10, disagree: -1 },
  email: { exact: 10, disagree: -0.5 },
  phone: { exact: 8, disagree: -0.5 },
  postcode: { exact: 4, similar: 1, disagree: -3 },
  city: { exact: 3, similar: 1, disagree: -3 },
  street: { exact: 4, similar: 2, disagree: -1 },
  houseNumber: { exact: 1, disagree: -1 },
};

/** m of exact agreement on a company's name or place (judgement: legal forms and spellings vary, places move). */
const companyM = 0.9;

/**
 * The prior frequency of one word of a company name: a trade word ("Elektro", "Bäckerei") is carried
 * by about one company in fifty, any other word by about one in two thousand (judgement).
 */
const tradeWordU = 0.02;
const otherWordU = 0.0005;

const companyReasons: Record<CompanyField, Partial<Record<Level, MatchReason>>> = {
  name: { exact: 'company_name_equal', phonetic: 'company_name_phonetic_equal', similar: 'company_name_similar' },
  domain: { exact: 'domain_equal' },
  email: { exact: 'email_equal' },
  phone: { exact: 'phone_equal' },
  postcode: { exact: 'postcode_equal', similar: 'postcode_similar' },
  city: { exact: 'city_equal', similar: 'city_similar' },
  street: { exact: 'street_equal', similar: 'street_similar' },
  houseNumber: { exact: 'house_number_equal' },
};

/** Two words of company names that are one word: equal, alike in sound, or one typo apart. */
const wordsAgree = (a: string, b: string): boolean => {
  if (a === b) return true;
  const code = colognePhonetic(a);
  return (code.length > 0 && code === colognePhonetic(b)) || (Math.min(a.length, b.length) >= 4 && similar(a, b));
};

/** How two company names agree, word order ignored, and which of the probe's words the other name shares. */
export type CompanyNameComparison = { level: Level; shared: string[] };

/**
 * - `exact`: the same words in any order ("Elektro Schmitz" = "Schmitz Elektro"), or the same letters
 *   ("Schmidtbau" = "Schmidt Bau");
 * - `phonetic`: every word alike in sound;
 * - `similar`: every word of the shorter name has its like in the other ("Müller" in "Bäckerei Müller",
 *   "Holzbau" in "Holtzbau"), so a shared trade word alone with different family names is no agreement;
 * - `disagree` otherwise.
 */
export const compareCompanyNames = (a: string, b: string): CompanyNameComparison | null => {
  if (!a || !b) return null;
  const wordsA = companyNameTokens(a);
  const wordsB = companyNameTokens(b);
  if ([...wordsA].sort().join(' ') === [...wordsB].sort().join(' ') || a.replaceAll(' ', '') === b.replaceAll(' ', ''))
    return { level: 'exact', shared: wordsA };
  const sounds = (words: string[]) =>
    words
      .map((w) => colognePhonetic(w))
      .sort()
      .join(' ');
  if (wordsA.length === wordsB.length && sounds(wordsA).length > 0 && sounds(wordsA) === sounds(wordsB))
    return { level: 'phonetic', shared: wordsA };
  const [shorter, longer] = wordsA.length <= wordsB.length ? [wordsA, wordsB] : [wordsB, wordsA];
  if (shorter.length > 0 && shorter.every((w) => longer.some((o) => wordsAgree(w, o))))
    return { level: 'similar', shared: wordsA.filter((w) => wordsB.some((o) => wordsAgree(w, o))) };
  return { level: 'disagree', shared: [] };
};

export const compareCompanies = (
  probe: CompanyProfile,
  candidate: CompanyProfile,
): Partial<Record<CompanyField, Level>> & { sharedWords?: string[] } => {
  const name = compareCompanyNames(probe.name, candidate.name);
  const all: Record<CompanyField, Level | null> = {
    name: name?.level ?? null,
    domain: compareSets(probe.domains, candidate.domains),
    email: compareSets(probe.emails, candidate.emails),
    phone: compareSets(probe.phones, candidate.phones),
    postcode: comparePostcodes(probe.postcode, candidate.postcode),
    city: compareTexts(probe.city, candidate.city),
    street: compareTexts(probe.street, candidate.street),
    houseNumber: compareExact(probe.houseNumber, candidate.houseNumber),
  };
  const levels: Partial<Record<CompanyField, Level>> & { sharedWords?: string[] } = {};
  for (const field of companyFields) {
    const level = all[field];
    if (level) levels[field] = level;
  }
  if (name) levels.sharedWords = name.shared;
  return levels;
};

/**
 * When two companies may be a `match` at all: not when their names clearly differ, and not when
 * their addresses differ (another street, or another house number in the same street) unless a
 * domain, email or phone agrees: a chain's branches and two firms of one family name in one street
 * share everything else.
 */
export const companyMayMatch = (levels: Partial<Record<CompanyField, Level>>): boolean => {
  const contact = levels.domain === 'exact' || levels.email === 'exact' || levels.phone === 'exact';
  const elsewhere = levels.street === 'disagree' || levels.houseNumber === 'disagree';
  return levels.name !== 'disagree' && (contact || !elsewhere);
};

/**
 * A scorer for one probe company. The name's weight is what its shared words are worth: the
 * surprise of the words (log2 1/u per word, u from the stored companies' word counts with the trade
 * word or other word prior) bounds every level, so "Elektro" shared alone is weak and "Elektro
 * Schmitz" is strong; exact agreement is further bounded by how often the whole name is stored.
 * `companyMayMatch` says when a pair stays at `possible`.
 */
export const companyScorer = (probe: CompanyProfile, frequencies: Frequencies = noFrequencies) => {
  const total = frequencies.total('C');
  const wordU = (word: string): number => {
    const u0 = tradeWords.has(word) ? tradeWordU : otherWordU;
    return Math.max(
      (frequencies.count(companyValue('ct', word)) + priorRecords * u0) / (total + priorRecords),
      u0 / 2 ** maxBitsOverPrior,
    );
  };
  const surprise = (words: readonly string[]): number =>
    Math.log2(companyM) + words.reduce((bits, w) => bits - Math.log2(wordU(w)), 0);
  const wholeName = companyValue('cn', [...companyNameTokens(probe.name)].sort().join(' '));
  const prior = companyWeights.name;
  const exactName = Math.min(
    frequencyWeight({ m: companyM, weight: prior.exact ?? 0 }, frequencies.count(wholeName), total),
    surprise(companyNameTokens(probe.name)),
  );
  const place = (field: 'postcode' | 'city', value: string | undefined) => {
    const weights = companyWeights[field];
    if (!value) return weights;
    const counted = companyValue(field === 'postcode' ? 'pc' : 'ci', value);
    return {
      ...weights,
      exact: frequencyWeight({ m: companyM, weight: weights.exact ?? 0 }, frequencies.count(counted), total),
    };
  };
  const baseWeights: Weights<CompanyField> = {
    ...companyWeights,
    postcode: place('postcode', probe.postcode),
    city: place('city', probe.city),
  };
  return (candidate: CompanyProfile): Scored => {
    const { sharedWords, ...levels } = compareCompanies(probe, candidate);
    const worth = surprise(sharedWords ?? []);
    const weights: Weights<CompanyField> = {
      ...baseWeights,
      name: {
        ...prior,
        exact: exactName,
        phonetic: Math.min(prior.phonetic ?? 0, exactName, worth),
        similar: Math.min(prior.similar ?? 0, exactName, worth),
      },
    };
    const {
      score,
      level,
      reasons: found,
    } = scored(levels, weights, companyReasons, companyFields, companyMayMatch(levels));
    return { score, level, reasons: found };
  };
};

/** Scores a candidate company against the probe (see `companyScorer`). */
export const scoreCompanies = (
  probe: CompanyProfile,
  candidate: CompanyProfile,
  frequencies: Frequencies = noFrequencies,
): Scored => companyScorer(probe, frequencies)(candidate);

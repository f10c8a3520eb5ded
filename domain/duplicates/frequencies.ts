/**
 * Value frequencies of the stored persons and companies (term frequencies, as Splink adjusts its
 * Fellegi–Sunter weights): agreeing on "Müller" or on the company's home postcode says little,
 * agreeing on a rare surname says a lot. Only persons and companies are counted; inbox entries and
 * spam never are, so a campaign's leads cannot make a name look common.
 */
import { companyNameTokens } from './company-name.ts';
import type { CompanyProfile, PersonProfile } from './match-profile.ts';
import type { MatchProfiles } from './record-profiles.ts';

/** `P`: persons, `C`: companies; each scope has its own counts and its own total. */
export type FrequencyScope = 'P' | 'C';

/**
 * Person fields: first name, last name, postcode, city, street name, birthday (a birthday typed as
 * 1900-01-01 by a careless import is common, a real one is not). Company fields: the whole name
 * (word order ignored), each word of the name (trade words such as "Elektro" are common), postcode, city.
 */
export type PersonFrequencyField = 'fn' | 'ln' | 'pc' | 'ci' | 'st' | 'dob';
export type CompanyFrequencyField = 'cn' | 'ct' | 'pc' | 'ci';

/** One counted value: scope, field and the normalised value, e.g. `P|ln|mueller`; a scope's total is `P|*`. */
export type CountedValue = string;

const counted = (scope: FrequencyScope, field: string, value: string): CountedValue => `${scope}|${field}|${value}`;
export const totalOf = (scope: FrequencyScope): CountedValue => `${scope}|*`;

export const personValue = (field: PersonFrequencyField, value: string): CountedValue => counted('P', field, value);
export const companyValue = (field: CompanyFrequencyField, value: string): CountedValue => counted('C', field, value);

/** A company name's words are counted up to this many, so one record touches a bounded number of counters. */
export const maxCountedNameWords = 6;

/** The values a person counts under (each once), without the total. */
export const personCountedValues = (p: PersonProfile): CountedValue[] => {
  const values: CountedValue[] = [];
  if (p.firstName) values.push(personValue('fn', p.firstName));
  if (p.lastName) values.push(personValue('ln', p.lastName));
  if (p.postcode) values.push(personValue('pc', p.postcode));
  if (p.city) values.push(personValue('ci', p.city));
  if (p.street) values.push(personValue('st', p.street));
  if (p.birthday) values.push(personValue('dob', p.birthday));
  return values;
};

/** The values a company counts under (each once), without the total. */
export const companyCountedValues = (c: CompanyProfile): CountedValue[] => {
  const words = companyNameTokens(c.name);
  const values = [
    companyValue('cn', [...words].sort().join(' ')),
    ...[...new Set(words)].slice(0, maxCountedNameWords).map((w) => companyValue('ct', w)),
  ];
  if (c.postcode) values.push(companyValue('pc', c.postcode));
  if (c.city) values.push(companyValue('ci', c.city));
  return values;
};

/** What a stored record adds to the counts: its values and its scope's total (nothing for a record that is gone). */
export const recordCountedValues = (profiles: MatchProfiles): CountedValue[] => [
  ...(profiles.person ? [totalOf('P'), ...personCountedValues(profiles.person)] : []),
  ...(profiles.company ? [totalOf('C'), ...companyCountedValues(profiles.company)] : []),
];

/**
 * The counters a duplicate check reads for a probe: the probe's own values, the totals, and its names
 * crossed (its first name among last names and the other way round), which weigh a pair whose names
 * were swapped — a bounded number.
 */
export const probeCountedValues = (profiles: MatchProfiles): CountedValue[] => {
  const person = profiles.person;
  const crossed = [
    ...(person?.firstName ? [personValue('ln', person.firstName)] : []),
    ...(person?.lastName ? [personValue('fn', person.lastName)] : []),
  ];
  return [...new Set([...recordCountedValues(profiles), ...crossed])];
};

/** +1 for what a record counts under now, −1 for what it counted under before; unchanged values cancel out. */
export const countDelta = (
  before: readonly CountedValue[],
  after: readonly CountedValue[],
): Map<CountedValue, number> => {
  const delta = new Map<CountedValue, number>();
  for (const value of new Set(before)) delta.set(value, (delta.get(value) ?? 0) - 1);
  for (const value of new Set(after)) delta.set(value, (delta.get(value) ?? 0) + 1);
  for (const [value, n] of delta) if (n === 0) delta.delete(value);
  return delta;
};

/** Counts as read for one check: a value not read (or never stored) counts 0. */
export type Frequencies = {
  count: (value: CountedValue) => number;
  total: (scope: FrequencyScope) => number;
};

export const frequenciesFrom = (counts: ReadonlyMap<CountedValue, number>): Frequencies => ({
  // counters are approximate (sharded, updated after the record): never below zero
  count: (value) => Math.max(0, counts.get(value) ?? 0),
  total: (scope) => Math.max(0, counts.get(totalOf(scope)) ?? 0),
});

/** No counts at all: every weight is its prior (a new installation, or unit tests of the rules alone). */
export const noFrequencies: Frequencies = frequenciesFrom(new Map());

/**
 * The prior as pseudo-records: the FEBRL-estimated u stands for this many records until the stored
 * records outnumber it, so a handful of records cannot swing a weight, while a value that a sizeable
 * share of a small base carries (a home postcode) is recognised as common at once.
 */
export const priorRecords = 2_000;

/**
 * A rare value may add at most this many bits over its prior: the prior u of FEBRL already stands for
 * names spread thin, counts of rare values are few and noisy, and a typo makes a value rare by itself.
 */
export const maxBitsOverPrior = 2;

/** The agreement level's prior: m (share of true duplicates that agree exactly) and its weight log2(m/u). */
export type Prior = { m: number; weight: number };

/**
 * The weight of exact agreement on a value held by `count` of `total` stored records of its scope:
 * log2(m/u) with u the value's frequency (Splink's term-frequency adjustment), smoothed towards the
 * prior u with `priorRecords` pseudo-records and floored so it adds at most `maxBitsOverPrior` bits.
 */
export const frequencyWeight = (prior: Prior, count: number, total: number, priorU?: number): number => {
  const u0 = priorU ?? prior.m / 2 ** prior.weight;
  const u = Math.max((count + priorRecords * u0) / (total + priorRecords), u0 / 2 ** maxBitsOverPrior);
  return Math.log2(prior.m / u);
};

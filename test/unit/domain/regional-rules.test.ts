// The rules that keep duplicate protection honest on a regional customer base: evidence weighs what
// it is worth among the stored records, and a strong disagreement is not outvoted by weak agreements.
import { describe, expect, it } from 'vitest';
import {
  companyValue,
  type Frequencies,
  frequenciesFrom,
  frequencyWeight,
  maxBitsOverPrior,
  noFrequencies,
  personValue,
  probeCountedValues,
  totalOf,
} from '../../../domain/duplicates/frequencies.ts';
import {
  type CompanyInput,
  companyProfile,
  type PersonInput,
  personProfile,
} from '../../../domain/duplicates/match-profile.ts';
import {
  compareCompanyNames,
  personWeights,
  personWeightsFor,
  type Scored,
  scoreCompanies,
  scorePersons,
} from '../../../domain/duplicates/scoring.ts';

const person = (input: Partial<PersonInput>) => {
  const profile = personProfile({ emails: [], phones: [], ...input });
  if (!profile) throw new Error('expected a profile');
  return profile;
};
const company = (input: Partial<CompanyInput>) => {
  const profile = companyProfile({ name: 'ACME GmbH', emails: [], phones: [], ...input });
  if (!profile) throw new Error('expected a profile');
  return profile;
};
const persons = (a: Partial<PersonInput>, b: Partial<PersonInput>, f: Frequencies = noFrequencies): Scored =>
  scorePersons(person(a), person(b), f);
const companies = (a: Partial<CompanyInput>, b: Partial<CompanyInput>, f: Frequencies = noFrequencies): Scored =>
  scoreCompanies(company(a), company(b), f);

/**
 * A Cologne customer base of 20,000 persons: a third in the company's home postcode, most in Köln,
 * Timo about one in 150, Müller one in 70, Heinrich and Weass rare.
 */
const cologne = frequenciesFrom(
  new Map([
    [totalOf('P'), 20_000],
    [personValue('pc', '50667'), 6_500],
    [personValue('ci', 'koeln'), 15_000],
    [personValue('fn', 'timo'), 130],
    [personValue('fn', 'thomas'), 340],
    [personValue('ln', 'mueller'), 290],
    [personValue('ln', 'heinrich'), 12],
    [personValue('st', 'bahnhofstrasse'), 400],
  ]),
);

describe('frequency weights (term frequencies with the FEBRL prior)', () => {
  const prior = { m: 0.74, weight: personWeights.lastName.exact ?? 0 };

  it('is the prior while nothing is stored', () => {
    expect(frequencyWeight(prior, 0, 0)).toBeCloseTo(prior.weight, 6);
  });

  it('weighs a common value less than the prior, and less the more records carry it', () => {
    const some = frequencyWeight(prior, 100, 20_000);
    const many = frequencyWeight(prior, 1_000, 20_000);
    expect(some).toBeLessThan(prior.weight);
    expect(many).toBeLessThan(some);
  });

  it('weighs a rare value more than the prior, by at most maxBitsOverPrior', () => {
    const rare = frequencyWeight(prior, 1, 1_000_000);
    expect(rare).toBeGreaterThan(prior.weight);
    expect(rare).toBeCloseTo(prior.weight + maxBitsOverPrior, 6);
  });

  it('takes the probe’s own counts: first name Thomas weighs less than a rare first name in the same base', () => {
    const thomas = personWeightsFor(person({ firstName: 'Thomas' }), cologne).firstName.exact ?? 0;
    const rare = personWeightsFor(person({ firstName: 'Wiebke' }), cologne).firstName.exact ?? 0;
    expect(thomas).toBeLessThan(rare);
  });

  it('never lets phonetic or similar agreement weigh more than exact agreement on the same value', () => {
    const weights = personWeightsFor(person({ lastName: 'Müller' }), cologne).lastName;
    expect(weights.phonetic).toBeLessThanOrEqual(weights.exact ?? 0);
    expect(weights.similar).toBeLessThanOrEqual(weights.exact ?? 0);
  });
});

describe('the example of the issue: Timo Heinrich and Timo Weass in 50667 Köln', () => {
  const heinrich = {
    firstName: 'Timo',
    lastName: 'Heinrich',
    street: 'Bahnhofstraße 11',
    postalCode: '50667',
    city: 'Köln',
  };
  const weass = { firstName: 'Timo', lastName: 'Weass', street: 'Waldstraße 73', postalCode: '50667', city: 'Köln' };

  it('is no candidate at all once the counts show how common Timo, 50667 and Köln are', () => {
    expect(persons(weass, heinrich, cologne).level).toBeNull();
  });

  it('is at most possible even without counts, since the last names clearly differ', () => {
    expect(persons(weass, heinrich).level).toBe('possible');
  });
});

describe('a strong disagreement caps a pair at possible', () => {
  const base = { firstName: 'Anna', street: 'Ringstraße 4', postalCode: '50667', city: 'Köln' };

  it('different last names with a shared landline and the same street and house number: a couple, not one person', () => {
    const a = { ...base, lastName: 'Schmidt', phones: ['0221 9876543'] };
    const b = { ...base, lastName: 'Wagner', phones: ['0221 9876543'] };
    expect(persons(a, b).level).toBe('possible');
  });

  it('different last names with the same email: may be a match (a married name)', () => {
    const a = { ...base, lastName: 'Schmidt', emails: ['anna.ring4@example.de'], birthday: '1985-04-12' };
    const b = { ...base, lastName: 'Wagner', emails: ['anna.ring4@example.de'] };
    expect(persons(a, b).level).toBe('match');
  });

  it('different last names with the same mobile number: may be a match (a married name)', () => {
    const a = { ...base, lastName: 'Schmidt', phones: ['0151 23456789'] };
    const b = { ...base, lastName: 'Wagner', phones: ['+49 151 23456789'] };
    expect(persons(a, b).level).toBe('match');
  });

  it('different last names with the same birthday: may be a match (a married name)', () => {
    const a = { ...base, lastName: 'Schmidt', birthday: '1985-04-12', phones: ['0221 9876543'] };
    const b = { ...base, lastName: 'Wagner', birthday: '1985-04-12', phones: ['0221 9876543'] };
    expect(persons(a, b).level).toBe('match');
  });

  it('birthdays that differ beyond a typo: father and son of one name at one address with one landline', () => {
    const father = { ...base, firstName: 'Hans', lastName: 'Becker', phones: ['0221 9876543'], birthday: '1950-03-02' };
    const son = { ...father, birthday: '1981-11-20' };
    expect(persons(father, son).level).toBe('possible');
  });

  it('years 25 apart are no typo: the same day and month in another generation caps', () => {
    const father = { ...base, firstName: 'Hans', lastName: 'Becker', phones: ['0221 9876543'], birthday: '1974-11-28' };
    const son = { ...father, birthday: '1999-11-28' };
    expect(persons(father, son).level).toBe('possible');
    expect(persons(father, { ...father, birthday: '1944-11-28' }).level).toBe('possible');
    expect(persons(father, { ...father, birthday: '1975-11-28' }).level).toBe('match');
  });

  it('a birthday with one typo does not cap', () => {
    const a = { ...base, lastName: 'Becker', phones: ['0221 9876543'], birthday: '1981-11-20' };
    const b = { ...a, birthday: '1981-11-21' };
    expect(persons(a, b).level).toBe('match');
  });

  it('last names that are a part of the other’s double name are no disagreement', () => {
    const a = { ...base, lastName: 'Müller', phones: ['0221 9876543'] };
    const b = { ...base, lastName: 'Müller-Lüdenscheidt', phones: ['0221 9876543'] };
    expect(persons(a, b).level).toBe('match');
  });
});

describe('names as German customer data writes them', () => {
  it('takes Schulz/Schulze and Lang/Lange for one family name, not for clearly different ones', () => {
    for (const [a, b] of [
      ['Schulz', 'Schulze'],
      ['Lang', 'Lange'],
      ['Kraus', 'Krause'],
      ['Kühn', 'Kühne'],
    ] as const) {
      const one = {
        firstName: 'Peter',
        lastName: a,
        phones: ['0221 9876543'],
        street: 'Ringstraße 4',
        postalCode: '50667',
      };
      const other = { ...one, lastName: b };
      expect(persons(one, other).level, `${a}/${b}`).toBe('match');
    }
  });

  it('takes Paul and Paula, Christian and Christiane for two persons (a couple at one address)', () => {
    const home = { lastName: 'Becker', phones: ['0221 9876543'], street: 'Ringstraße 4', postalCode: '50667' };
    expect(persons({ ...home, firstName: 'Paul' }, { ...home, firstName: 'Paula' }).level).toBe('possible');
    expect(persons({ ...home, firstName: 'Christian' }, { ...home, firstName: 'Christiane' }).level).toBe('possible');
  });

  it('reads a first-name field holding only "Herr" or "Frau Dr." as no first name', () => {
    expect(person({ firstName: 'Herr', lastName: 'Kempton' }).firstName).toBeUndefined();
    expect(person({ firstName: 'Frau Dr.', lastName: 'Kempton' }).firstName).toBeUndefined();
    expect(person({ firstName: 'Dr. Klaus', lastName: 'Kempton' }).firstName).toBe('klaus');
  });

  it('reads the crossed counts that weigh a pair with swapped names', () => {
    const values = probeCountedValues({ person: person({ firstName: 'Müller', lastName: 'Thomas' }) });
    expect(values).toEqual(expect.arrayContaining([personValue('ln', 'mueller'), personValue('fn', 'thomas')]));
  });
});

describe('companies regardless of word order, trade words weak', () => {
  it('finds "Elektro Schmitz GmbH" and "Schmitz Elektro" the same name, at least possible', () => {
    expect(
      compareCompanyNames(company({ name: 'Elektro Schmitz GmbH' }).name, company({ name: 'Schmitz Elektro' }).name),
    ).toMatchObject({ level: 'exact' });
    expect(companies({ name: 'Elektro Schmitz GmbH' }, { name: 'Schmitz Elektro' }).level).not.toBeNull();
  });

  it('does not take two bakeries of different families for one company', () => {
    const a = { name: 'Bäckerei Müller', postalCode: '50667', city: 'Köln' };
    const b = { name: 'Bäckerei Schmidt GmbH', postalCode: '50667', city: 'Köln' };
    expect(companies(a, b).level).toBeNull();
  });

  it('weighs a shared trade word alone less than a shared family name', () => {
    const tradeOnly = companies({ name: 'Elektro' }, { name: 'Elektro Schmitz' });
    const familyOnly = companies({ name: 'Schmitz' }, { name: 'Elektro Schmitz' });
    expect(tradeOnly.score).toBeLessThan(familyOnly.score);
  });

  it('weighs a company name less as more stored companies carry its words', () => {
    const many = frequenciesFrom(
      new Map([
        [totalOf('C'), 5_000],
        [companyValue('ct', 'schmitz'), 300],
        [companyValue('ct', 'elektro'), 400],
        [companyValue('cn', 'elektro schmitz'), 20],
      ]),
    );
    const a = { name: 'Elektro Schmitz', postalCode: '50667' };
    const b = { name: 'Schmitz Elektro GmbH', postalCode: '50667' };
    expect(companies(a, b, many).score).toBeLessThan(companies(a, b).score);
  });
});

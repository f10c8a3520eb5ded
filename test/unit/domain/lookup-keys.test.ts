import { describe, expect, it } from 'vitest';
import { colognePhonetic } from '../../../domain/duplicates/cologne-phonetic.ts';
import { companyLookupKeys, maxLookupKeys, personLookupKeys } from '../../../domain/duplicates/lookup-keys.ts';
import {
  type CompanyInput,
  companyProfile,
  type PersonInput,
  personProfile,
} from '../../../domain/duplicates/match-profile.ts';

const person = (input: Partial<PersonInput>): PersonInput => ({ emails: [], phones: [], ...input });
const company = (input: Partial<CompanyInput>): CompanyInput => ({
  name: 'ACME GmbH',
  emails: [],
  phones: [],
  ...input,
});

const personKeys = (input: Partial<PersonInput>): string[] => {
  const profile = personProfile(person(input));
  if (!profile) throw new Error('expected a profile');
  return personLookupKeys(profile).map((k) => k.key);
};
const companyKeys = (input: Partial<CompanyInput>): string[] => {
  const profile = companyProfile(company(input));
  if (!profile) throw new Error('expected a profile');
  return companyLookupKeys(profile).map((k) => k.key);
};

const jana = {
  firstName: 'Jana',
  lastName: 'Müller',
  emails: ['Jana.Mueller@Example.de'],
  phones: ['030/1234567'],
  birthday: '1985-04-12',
  street: 'Hauptstr. 5a',
  postalCode: '10115',
  city: 'Berlin',
};

describe('personLookupKeys', () => {
  it('stores a person under exact email and phone, and under names combined with postcode, birthday or each other', () => {
    expect(personKeys(jana)).toEqual([
      'EMAIL#jana.mueller%40example.de',
      'PHONE#%2B49301234567',
      'NAMEPLZ#657#10115',
      'NAMEPLZ#06#10115',
      'NAMEDOB#657#1985-04-12',
      'NAMEDOB#06#1985-04-12',
      'NAMES#06#657',
      'DOBPLZ#1985-04-12#10115',
      'STREET#10115#hauptstrasse#5a',
      'STREETCITY#berlin#hauptstrasse#5a',
    ]);
  });

  it('gives spellings of one person common keys: umlauts, sound-alike names, phone formats, swapped names', () => {
    const variant = personKeys({
      firstName: 'Müller',
      lastName: 'Jahna',
      emails: [],
      phones: ['+49 (0)30 123 45 67'],
      postalCode: 'D-10115',
    });
    expect(variant).toEqual(expect.arrayContaining(['PHONE#%2B49301234567', 'NAMEPLZ#657#10115', 'NAMES#06#657']));
    expect(personKeys({ lastName: 'Meyer', postalCode: '10115' })).toEqual(
      personKeys({ lastName: 'Maier', postalCode: '10115' }),
    );
  });

  it('never uses a name, a birthday or a place alone as a key', () => {
    expect(personKeys({ lastName: 'Müller' })).toEqual([]);
    expect(personKeys({ lastName: 'Müller', birthday: '1985-04-12', city: 'Berlin' })).toEqual([
      'NAMEDOB#657#1985-04-12',
    ]);
  });

  it('stays within maxLookupKeys, deduplicated, in the same order every time, ASCII only', () => {
    const busy = {
      ...jana,
      emails: Array.from({ length: 8 }, (_, i) => `jana${i}@exämple.de`),
      phones: Array.from({ length: 8 }, (_, i) => `030 123456${i}`),
      addressLine2: 'Hinterhaus',
    };
    const keys = personKeys(busy);
    expect(keys.length).toBeLessThanOrEqual(maxLookupKeys);
    expect(new Set(keys).size).toBe(keys.length);
    expect(personKeys(busy)).toEqual(keys);
    expect(keys.filter((k) => k.startsWith('EMAIL#'))).toHaveLength(5);
    expect(keys.filter((k) => k.startsWith('PHONE#'))).toHaveLength(5);
    for (const key of keys) expect(key).toMatch(/^[\x21-\x7e]+$/);
  });

  it('keeps every partition under the 50 items a lookup reads for 100,000 persons with German name frequencies', () => {
    const partitions = new Map<string, number>();
    for (const input of germanPopulation(100_000)) {
      const profile = personProfile(input);
      for (const { key } of profile ? personLookupKeys(profile) : [])
        partitions.set(key, (partitions.get(key) ?? 0) + 1);
    }
    const largest = new Map<string, number>();
    for (const [key, size] of partitions) {
      const kind = key.slice(0, key.indexOf('#'));
      largest.set(kind, Math.max(size, largest.get(kind) ?? 0));
    }
    console.log('largest person key partition per key kind at 100,000 persons:', Object.fromEntries(largest));
    for (const size of largest.values()) expect(size).toBeLessThan(50);
  }, 30_000);
});

describe('personProfile and companyProfile', () => {
  it('hold only present values, normalised, so they store as DynamoDB maps', () => {
    expect(personProfile(person({ ...jana, firstName: ' ', addressLine2: '', birthday: '1985-02-30' }))).toEqual({
      lastName: 'mueller',
      emails: ['jana.mueller@example.de'],
      phones: ['+49301234567'],
      street: 'hauptstrasse',
      houseNumber: '5a',
      postcode: '10115',
      city: 'berlin',
    });
    expect(companyProfile(company({ name: 'ACME GmbH', website: 'acme.de', phones: ['kaputt'] }))).toEqual({
      name: 'acme',
      domains: ['acme.de'],
    });
  });

  it('give nothing to match on without a name, an email or a phone', () => {
    expect(personProfile(person({ birthday: '1985-04-12', city: 'Berlin', phones: ['12'] }))).toBeNull();
    expect(companyProfile(company({ name: ' & ' }))).toBeNull();
  });
});

describe('companyLookupKeys', () => {
  it('stores a company under its key, domains, contacts and sound-alike name with postcode and city', () => {
    expect(
      companyKeys({
        name: 'Müller GmbH & Co. KG',
        website: 'https://www.Mueller-Bau.de/kontakt',
        emails: ['info@mueller-bau.de', 'mueller.bau@gmail.com'],
        phones: ['089 1234567'],
        postalCode: '80331',
        city: 'München',
      }),
    ).toEqual([
      'COMPANY#mueller',
      'DOMAIN#mueller-bau.de',
      'COEMAIL#info%40mueller-bau.de',
      'COEMAIL#mueller.bau%40gmail.com',
      'COPHONE#%2B49891234567',
      'CONAMEPLZ#657#80331',
      'CONAMECITY#657#muenchen',
      'COWORDPLZ#657#80331',
    ]);
  });

  it('gives "Elektro Schmitz GmbH" and "Schmitz Elektro" the same name key, and a key per word with the postcode', () => {
    const ordered = companyKeys({ name: 'Elektro Schmitz GmbH', postalCode: '50667' });
    const reordered = companyKeys({ name: 'Schmitz Elektro', postalCode: '50667' });
    expect([...ordered].sort()).toEqual([...reordered].sort());
    const elektro = `COWORDPLZ#${colognePhonetic('elektro')}#50667`;
    expect(ordered).toEqual(expect.arrayContaining(['COMPANY#elektro%20schmitz', elektro]));
    // a typo in one word still meets the other word's key
    expect(companyKeys({ name: 'Elektro Schmits', postalCode: '50667' })).toEqual(expect.arrayContaining([elektro]));
  });

  it('refines crowded partitions: a name key by the other name, an address key by the last name', () => {
    const profile = personProfile(
      person({ firstName: 'Thomas', lastName: 'Müller', postalCode: '50667', street: 'Domstr. 3' }),
    );
    if (!profile) throw new Error('expected a profile');
    const keys = Object.fromEntries(personLookupKeys(profile).map((k) => [k.key, k.refine]));
    expect(keys).toMatchObject({
      'NAMEPLZ#657#50667': '268',
      'NAMEPLZ#268#50667': '657',
      'STREET#50667#domstrasse#3': '657',
    });
    const withoutFirstName = personProfile(person({ lastName: 'Müller', postalCode: '50667' }));
    if (!withoutFirstName) throw new Error('expected a profile');
    expect(personLookupKeys(withoutFirstName)).toEqual([{ key: 'NAMEPLZ#657#50667', refine: '-' }]);
  });

  it('pairs the two name keys of one place as mirrors, and only when both names are known and differ', () => {
    const profile = personProfile(
      person({ firstName: 'Thomas', lastName: 'Müller', postalCode: '50667', birthday: '1970-03-01' }),
    );
    if (!profile) throw new Error('expected a profile');
    const mirrors = Object.fromEntries(personLookupKeys(profile).map((k) => [k.key, k.mirror]));
    expect(mirrors).toMatchObject({
      'NAMEPLZ#657#50667': 'NAMEPLZ#268#50667',
      'NAMEPLZ#268#50667': 'NAMEPLZ#657#50667',
      'NAMEDOB#657#1970-03-01': 'NAMEDOB#268#1970-03-01',
      'NAMEDOB#268#1970-03-01': 'NAMEDOB#657#1970-03-01',
    });
    expect(mirrors['DOBPLZ#1970-03-01#50667']).toBeUndefined();
    // a crowd of the first-name key takes its refinement (the last name) only; the last-name key's also its persons without first name
    const refinedOnly = personLookupKeys(profile)
      .filter((k) => k.refinedOnly)
      .map((k) => k.key);
    expect(refinedOnly).toEqual(['NAMEPLZ#268#50667', 'NAMEDOB#268#1970-03-01']);
    const sameSound = personProfile(person({ firstName: 'Thomas', lastName: 'Tomas', postalCode: '50667' }));
    if (!sameSound) throw new Error('expected a profile');
    expect(personLookupKeys(sameSound).filter((k) => k.mirror !== undefined)).toEqual([]);
  });

  it('gives legal-form variants one key and never takes a freemail domain for a company domain', () => {
    expect(companyKeys({ name: 'MÜLLER' })).toEqual(companyKeys({ name: 'Mueller GmbH' }));
    const freemail = companyKeys({ emails: ['a@gmx.de', 'b@web.de', 'c@t-online.de', 'd@gmail.com', 'e@outlook.com'] });
    expect(freemail.filter((k) => k.startsWith('DOMAIN#'))).toEqual([]);
  });
});

/** Deterministic random numbers (mulberry32), so the population is the same in every run. */
const random = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};

/** Picks from weighted values; the rest of the mass goes to `rest`. */
const weighted = (values: readonly (readonly [string, number])[], rest: (r: number) => string) => {
  const total = values.reduce((sum, [, w]) => sum + w, 0);
  return (r: number, r2: number): string => {
    if (r >= total) return rest(r2);
    let acc = 0;
    for (const [value, w] of values) {
      acc += w;
      if (r < acc) return value;
    }
    return rest(r2);
  };
};

const syllables = ['ber', 'kan', 'tol', 'ris', 'mun', 'dex', 'sil', 'gor', 'pav', 'lek', 'hun', 'zim', 'wal', 'tro'];
const invented = (r: number, parts: number): string =>
  Array.from({ length: parts }, (_, i) => syllables[Math.floor(r * 14 ** (i + 1)) % syllables.length]).join('');

/**
 * Persons with the frequencies that make German lookups large: surnames as in the German register
 * (Müller about 1%, Schmidt 0.7%, the Meier spellings together 0.6%), popular first names up to 2%
 * each, about 8,000 postcodes of uneven size, birthdays over 65 years.
 */
const germanPopulation = function* (count: number): Generator<PersonInput> {
  const next = random(42);
  const surname = weighted(
    [
      ['Müller', 0.0095],
      ['Schmidt', 0.007],
      ['Schneider', 0.0036],
      ['Fischer', 0.0033],
      ['Weber', 0.0028],
      ['Meyer', 0.0025],
      ['Wagner', 0.0024],
      ['Becker', 0.0023],
      ['Schulz', 0.0022],
      ['Hoffmann', 0.0022],
      ['Schäfer', 0.0017],
      ['Koch', 0.0016],
      ['Bauer', 0.0016],
      ['Richter', 0.0016],
      ['Klein', 0.0015],
      ['Schmitt', 0.0011],
      ['Meier', 0.001],
      ['Maier', 0.001],
      ['Mayer', 0.0009],
      ['Möller', 0.0006],
    ],
    (r) => invented(r, 3),
  );
  const firstName = weighted(
    [
      ['Thomas', 0.019],
      ['Michael', 0.018],
      ['Andreas', 0.016],
      ['Peter', 0.015],
      ['Stefan', 0.014],
      ['Sabine', 0.013],
      ['Ursula', 0.012],
      ['Monika', 0.012],
      ['Petra', 0.011],
      ['Klaus', 0.011],
      ['Dennis', 0.004],
    ],
    (r) => invented(r, 2),
  );
  // Postcode i holds between 0.2 and 3 times the average population.
  const cumulative: number[] = [];
  let acc = 0;
  for (let i = 0; i < 8000; i++) {
    acc += 0.2 + ((i * 7919) % 8000) / 2800;
    cumulative.push(acc);
  }
  const total = cumulative.at(-1) ?? 1;
  const postcodeAt = (r: number): number => {
    let [lo, hi] = [0, cumulative.length - 1];
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((cumulative[mid] ?? 0) > r * total) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  };
  for (let n = 0; n < count; n++) {
    const postcode = postcodeAt(next());
    const day = new Date(Date.UTC(1940, 0, 1) + Math.floor(next() * 65 * 365.25) * 86_400_000);
    yield {
      firstName: firstName(next(), next()),
      lastName: surname(next(), next()),
      emails: [],
      phones: [],
      birthday: day.toISOString().slice(0, 10),
      postalCode: String(10000 + postcode * 11),
      city: `Stadt ${Math.floor(postcode / 5)}`,
      street: `${invented(next(), 2)}straße ${1 + Math.floor(next() * 80)}`,
    };
  }
};

import { describe, expect, it } from 'vitest';
import {
  type CompanyInput,
  companyProfile,
  type PersonInput,
  personProfile,
} from '../../../domain/duplicates/match-profile.ts';
import {
  type MatchReason,
  reasons,
  type Scored,
  scoreCompanies,
  scorePersons,
  thresholds,
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
const persons = (a: Partial<PersonInput>, b: Partial<PersonInput>): Scored => scorePersons(person(a), person(b));
const companies = (a: Partial<CompanyInput>, b: Partial<CompanyInput>): Scored =>
  scoreCompanies(company(a), company(b));

const anna: Partial<PersonInput> = {
  firstName: 'Anna',
  lastName: 'Schmidt',
  emails: ['anna.schmidt@example.de'],
  phones: ['030 1234567'],
  birthday: '1985-04-12',
  street: 'Hauptstraße 5',
  addressLine2: 'Hinterhaus',
  postalCode: '10115',
  city: 'Berlin',
  companyName: 'ACME GmbH',
};

/** For each reason, a pair of records that shows it. */
const reasonCases: [MatchReason, () => Scored][] = [
  ['email_equal', () => persons({ emails: ['a@example.de'] }, { emails: ['A@Example.de '] })],
  ['phone_equal', () => persons({ phones: ['+49 30 1234567'] }, { phones: ['(030) 123 45 67'] })],
  ['first_name_equal', () => persons({ firstName: 'Jürgen' }, { firstName: 'Juergen' })],
  ['first_name_phonetic_equal', () => persons({ firstName: 'Christoph' }, { firstName: 'Kristof' })],
  ['first_name_similar', () => persons({ firstName: 'Alexandra' }, { firstName: 'Alexanrda' })],
  ['last_name_equal', () => persons({ lastName: 'Groß' }, { lastName: 'GROSS' })],
  ['last_name_phonetic_equal', () => persons({ lastName: 'Meier' }, { lastName: 'Mayer' })],
  ['last_name_similar', () => persons({ lastName: 'Kilmartin' }, { lastName: 'Kilmatrin' })],
  [
    'names_swapped',
    () => persons({ firstName: 'Anna', lastName: 'Schmidt' }, { firstName: 'Schmidt', lastName: 'Anna' }),
  ],
  [
    'birthday_equal',
    () => persons({ lastName: 'X', birthday: '1985-04-12' }, { lastName: 'X', birthday: '1985-04-12' }),
  ],
  [
    'birthday_similar',
    () => persons({ lastName: 'X', birthday: '1985-04-12' }, { lastName: 'X', birthday: '1985-12-04' }),
  ],
  ['postcode_equal', () => persons({ lastName: 'X', postalCode: '10115' }, { lastName: 'X', postalCode: 'D-10115' })],
  ['postcode_similar', () => persons({ lastName: 'X', postalCode: '10115' }, { lastName: 'X', postalCode: '10151' })],
  ['city_equal', () => persons({ lastName: 'X', city: 'München' }, { lastName: 'X', city: 'MUENCHEN' })],
  ['city_similar', () => persons({ lastName: 'X', city: 'Düsseldorf' }, { lastName: 'X', city: 'Dusseldorf' })],
  ['street_equal', () => persons({ lastName: 'X', street: 'Hauptstr. 5' }, { lastName: 'X', street: 'Hauptstraße 7' })],
  [
    'street_similar',
    () => persons({ lastName: 'X', street: 'Hauptstr. 5' }, { lastName: 'X', street: 'Hauptsrtaße 5' }),
  ],
  [
    'house_number_equal',
    () => persons({ lastName: 'X', street: 'Hauptstr. 5a' }, { lastName: 'X', street: 'Hauptstraße 5 a' }),
  ],
  [
    'address_line2_equal',
    () => persons({ lastName: 'X', addressLine2: 'c/o Meier' }, { lastName: 'X', addressLine2: 'C/O MEIER' }),
  ],
  [
    'address_line2_similar',
    () => persons({ lastName: 'X', addressLine2: 'Hinterhaus' }, { lastName: 'X', addressLine2: 'Hinterhuas' }),
  ],
  ['company_name_equal', () => companies({ name: 'Müller GmbH & Co. KG' }, { name: 'Mueller GmbH' })],
  ['company_name_phonetic_equal', () => companies({ name: 'Meier Bau GmbH' }, { name: 'Mayer Bau AG' })],
  ['company_name_similar', () => companies({ name: 'Mueller Bau' }, { name: 'Mueller' })],
  ['domain_equal', () => companies({ website: 'www.acme.de' }, { emails: ['info@acme.de'] })],
];

describe('scorePersons and scoreCompanies: reasons', () => {
  it('covers every reason of the vocabulary with a case', () => {
    expect(reasonCases.map(([reason]) => reason).sort()).toEqual([...reasons].sort());
  });

  it.each(reasonCases)('names %s when the pair shows it', (reason, score) => {
    expect(score().reasons).toContain(reason);
  });

  it('lists only agreements, and nothing for a field one side lacks', () => {
    const scored = persons(anna, { firstName: 'Anna', lastName: 'Schmidt', postalCode: '80331' });
    expect(scored.reasons).toEqual(['first_name_equal', 'last_name_equal']);
  });
});

describe('scorePersons', () => {
  it('scores in 0..1 with three decimals and a level from the thresholds', () => {
    const same = persons(anna, anna);
    expect(same).toEqual({
      score: 1,
      level: 'match',
      reasons: expect.arrayContaining(['email_equal', 'birthday_equal']),
    });
    const other = persons(anna, {
      firstName: 'Bernd',
      lastName: 'Wagner',
      birthday: '1950-01-01',
      postalCode: '80331',
    });
    expect(other.level).toBeNull();
    expect(other.score).toBeGreaterThanOrEqual(0);
    expect(other.score).toBeLessThan(thresholds.possible);
    expect(Number(other.score.toFixed(3))).toBe(other.score);
  });

  it('finds a person whose first and last name were swapped', () => {
    const scored = persons(anna, { ...anna, firstName: 'Schmidt', lastName: 'Anna', emails: [], phones: [] });
    expect(scored.level).toBe('match');
    expect(scored.reasons).toEqual(expect.arrayContaining(['first_name_equal', 'last_name_equal', 'names_swapped']));
  });

  it('does not take a shared switchboard phone with different names for a match', () => {
    const switchboard = ['+49 89 1234-0'];
    const scored = persons(
      { firstName: 'Anna', lastName: 'Schmidt', phones: switchboard },
      { firstName: 'Bernd', lastName: 'Wagner', phones: switchboard },
    );
    expect(scored.level).toBeNull();
  });

  it('keeps family members at possible: same surname, address, phone and email, another first name', () => {
    const husband = { ...anna, firstName: 'Bernd', birthday: '1983-09-30' };
    expect(persons(anna, husband).level).toBe('possible');
    const twin = { ...anna, firstName: 'Lena' };
    expect(persons(anna, twin).level).toBe('possible');
  });

  it('does not take neighbours in the same building for one person', () => {
    const neighbour = {
      ...anna,
      firstName: 'Bernd',
      lastName: 'Wagner',
      emails: [],
      phones: [],
      birthday: '1962-01-30',
    };
    expect(persons(anna, neighbour).level).toBeNull();
  });

  it('makes an equal email a match by itself, but two other names bring it down to possible', () => {
    expect(
      persons({ emails: ['info@mueller-familie.de'] }, { ...anna, emails: ['info@mueller-familie.de'] }).level,
    ).toBe('match');
    expect(
      persons(
        { firstName: 'Bernd', lastName: 'Wagner', emails: ['info@example.de'] },
        { firstName: 'Anna', lastName: 'Schmidt', emails: ['info@example.de'] },
      ).level,
    ).toBe('possible');
  });

  type Case = [string, Partial<PersonInput>, Partial<PersonInput>, Scored['level']];
  const germanCases: Case[] = [
    [
      'umlauts and ß spelled out',
      { firstName: 'Jürgen', lastName: 'Groß', postalCode: '50667', birthday: '1970-03-01' },
      { firstName: 'Juergen', lastName: 'GROSS', postalCode: '50667', birthday: '1970-03-01' },
      'match',
    ],
    [
      'phone formats',
      { firstName: 'Eva', lastName: 'Weber', phones: ['+49 30 1234567'] },
      { firstName: 'Eva', lastName: 'Weber', phones: ['030/1234567'] },
      'match',
    ],
    [
      'swapped names with the same birthday',
      { firstName: 'Hans', lastName: 'Becker', birthday: '1960-07-15' },
      { firstName: 'Becker', lastName: 'Hans', birthday: '1960-07-15' },
      'match',
    ],
    [
      'a typo in the surname at the same address',
      { firstName: 'Sabine', lastName: 'Schmidt', street: 'Lindenallee 12', postalCode: '20095', city: 'Hamburg' },
      { firstName: 'Sabine', lastName: 'Schmitt', street: 'Lindenallee 12', postalCode: '20095', city: 'Hamburg' },
      'match',
    ],
    [
      'sound-alike surname, titles and a day/month swap in the birthday',
      { firstName: 'Dr. Karl', lastName: 'Meier', birthday: '1955-03-04', postalCode: '80331' },
      { firstName: 'Herr Karl', lastName: 'Mayer', birthday: '1955-04-03', postalCode: '80331' },
      'match',
    ],
    [
      'a double name given in part, same email',
      { firstName: 'Ana-Lena', lastName: 'Müller-Lüdenscheidt', emails: ['al@example.de'] },
      { firstName: 'Ana Lena', lastName: 'Müller', emails: ['al@example.de'] },
      'match',
    ],
    [
      'the same common name and nothing else',
      { firstName: 'Thomas', lastName: 'Müller' },
      { firstName: 'Thomas', lastName: 'Mueller' },
      'possible',
    ],
    [
      'the same common name in another city with another birthday',
      { firstName: 'Thomas', lastName: 'Müller', postalCode: '10115', city: 'Berlin', birthday: '1970-01-01' },
      { firstName: 'Thomas', lastName: 'Müller', postalCode: '80331', city: 'München', birthday: '1982-06-30' },
      null,
    ],
    [
      'other names, but the same birthday in the same postcode: worth a look',
      { firstName: 'Petra', lastName: 'Koch', postalCode: '10115', birthday: '1970-01-01' },
      { firstName: 'Klaus', lastName: 'Richter', postalCode: '10115', birthday: '1970-01-01' },
      'possible',
    ],
    [
      'other names with the same birthday elsewhere',
      { firstName: 'Petra', lastName: 'Koch', postalCode: '10115', birthday: '1970-01-01' },
      { firstName: 'Klaus', lastName: 'Richter', postalCode: '80331', birthday: '1970-01-01' },
      null,
    ],
  ];

  it.each(germanCases)('%s → %s', (_name, a, b, level) => {
    expect(persons(a, b).level).toBe(level);
    expect(persons(b, a).level).toBe(level);
  });
});

describe('scoreCompanies', () => {
  type Case = [string, Partial<CompanyInput>, Partial<CompanyInput>, Scored['level']];
  const cases: Case[] = [
    [
      'legal forms and umlauts in the same town',
      { name: 'Müller GmbH & Co. KG', postalCode: '80331', city: 'München' },
      { name: 'MUELLER GmbH', postalCode: '80331', city: 'Muenchen' },
      'match',
    ],
    [
      'the same name and the same website',
      { name: 'ACME AG', website: 'https://acme.de' },
      { name: 'Acme', emails: ['info@acme.de'] },
      'match',
    ],
    ['the same name and nothing else', { name: 'Schmidt & Söhne' }, { name: 'Schmidt und Söhne GmbH' }, 'possible'],
    [
      'the same common name in another town',
      { name: 'Müller GmbH', postalCode: '10115', city: 'Berlin' },
      { name: 'Müller GmbH', postalCode: '80331', city: 'München' },
      null,
    ],
    [
      'another name at the same phone',
      { name: 'Becker Bau', phones: ['089 1234567'] },
      { name: 'Wagner Elektro', phones: ['089 1234567'] },
      null,
    ],
  ];

  it.each(cases)('%s → %s', (_name, a, b, level) => {
    expect(companies(a, b).level).toBe(level);
    expect(companies(b, a).level).toBe(level);
  });
});

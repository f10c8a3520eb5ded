/**
 * A regional German customer base, the way a Mittelstand company's contacts really look, for
 * measuring duplicate protection where FEBRL is too easy: most customers in a handful of postcodes
 * of one region (Köln), first and last names drawn from their real frequencies with a long tail
 * (German, Turkish, Polish, Italian names, double names, particles), households of spouses and
 * children at one address with one landline, namesakes in the same postcode, B2B contacts and
 * companies whose names are a trade word and a family name. Then the probes: true duplicates of the
 * kinds users make (umlauts spelled out, case, phone formats, typos, swapped names, street
 * abbreviations, legal forms, word order, missing fields), and the records that must NOT be taken
 * for a stored one (new family members, namesakes, father and son, new customers). Seeded.
 */
import type { CompanyFields } from '../domain/companies/company.ts';
import type { Contact } from '../domain/inbox/inbox-entry.ts';
import type { PersonFields } from '../domain/persons/person.ts';
import { firstNames as commonFirstNames, commonSurnames, seeded } from './german-persons.ts';

type Random = () => number;

const pick = <T>(random: Random, items: readonly T[]): T => {
  const item = items[Math.floor(random() * items.length)];
  if (item === undefined) throw new Error('empty list');
  return item;
};

/** A cumulative table for drawing by weight with a binary search. */
const weighted = <T>(items: readonly T[], weights: readonly number[], random: Random) => {
  const cumulative: number[] = [];
  let sum = 0;
  for (const w of weights) {
    sum += w;
    cumulative.push(sum);
  }
  return (): T => {
    const x = random() * sum;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((cumulative[mid] ?? 0) < x) lo = mid + 1;
      else hi = mid;
    }
    const item = items[lo];
    if (item === undefined) throw new Error('empty picker');
    return item;
  };
};

/** Real surnames beyond the fifty commonest, as found in a Cologne customer base (German and immigrant families). */
const moreSurnames = [
  'Schumacher',
  'Bauer',
  'Jansen',
  'Janssen',
  'Krämer',
  'Kremer',
  'Küpper',
  'Kuepper',
  'Hoffmanns',
  'Heinrichs',
  'Engels',
  'Esser',
  'Bergmann',
  'Brandt',
  'Dietrich',
  'Ernst',
  'Franke',
  'Friedrich',
  'Günther',
  'Haas',
  'Hansen',
  'Heinrich',
  'Horn',
  'Jäger',
  'Kaufmann',
  'Keller',
  'Kühn',
  'Lorenz',
  'Ludwig',
  'Martin',
  'Mayer',
  'Meier',
  'Möller',
  'Nagel',
  'Otto',
  'Pohl',
  'Roth',
  'Sauer',
  'Schiller',
  'Schreiber',
  'Schuster',
  'Seidel',
  'Simon',
  'Sommer',
  'Stein',
  'Thomas',
  'Vogel',
  'Vogt',
  'Winter',
  'Wolff',
  'Ziegler',
  'Zimmer',
  'Arnold',
  'Beck',
  'Berger',
  'Böhm',
  'Busch',
  'Dick',
  'Frank',
  'Graf',
  'Hartung',
  'Hermann',
  'Hesse',
  'Jung',
  'Kaiser',
  'Kraus',
  'Lange',
  'Lehmann',
  'Marx',
  'Mertens',
  'Peters',
  'Pfeiffer',
  'Raab',
  'Rau',
  'Reuter',
  'Ritter',
  'Schwab',
  'Thiel',
  'Voigt',
  'Walther',
  'Weiß',
  'Weiss',
  'Wendt',
  'Wirtz',
  'Wirth',
  'Wolters',
  'Zander',
  'Claßen',
  'Classen',
  'Dahmen',
  'Offermann',
  'Hahn',
  'Püttmann',
  'Bröhl',
  'Brühl',
  'Schäfers',
  'Steffens',
  'Theisen',
  'Thelen',
  'Brück',
  'Hennes',
  'Kierdorf',
  'Lülsdorf',
  'Nettesheim',
  'Odenthal',
  'Pütz',
  'Rösgen',
  'Schmitz-Höller',
  'Müller-Thurgau',
  'von der Heide',
  'van Dyk',
  'de Boer',
  'zur Nieden',
  'vom Bruch',
  'Yılmaz',
  'Yilmaz',
  'Kaya',
  'Demir',
  'Şahin',
  'Sahin',
  'Çelik',
  'Celik',
  'Yıldız',
  'Öztürk',
  'Aydın',
  'Özdemir',
  'Arslan',
  'Doğan',
  'Kılıç',
  'Aslan',
  'Koç',
  'Kurt',
  'Polat',
  'Erdoğan',
  'Nowak',
  'Kowalski',
  'Wiśniewski',
  'Wójcik',
  'Kowalczyk',
  'Kamiński',
  'Lewandowski',
  'Zieliński',
  'Szymański',
  'Woźniak',
  'Rossi',
  'Russo',
  'Ferrari',
  'Esposito',
  'Bianchi',
  'Romano',
  'Colombo',
  'Ricci',
  'Marino',
  'Greco',
  'Papadopoulos',
  'Georgiou',
  'Ivanov',
  'Petrov',
  'Novak',
  'Horvat',
  'Kovačević',
  'García',
  'Fernández',
  'López',
];

const moreFirstNames = [
  'Mehmet',
  'Ayşe',
  'Fatma',
  'Ali',
  'Emre',
  'Zeynep',
  'Mustafa',
  'Elif',
  'Can',
  'Deniz',
  'Piotr',
  'Katarzyna',
  'Agnieszka',
  'Tomasz',
  'Marco',
  'Giulia',
  'Luca',
  'Francesca',
  'Nikolaos',
  'Elena',
  'Timo',
  'Heike',
  'Anke',
  'Silke',
  'Dirk',
  'Jörg',
  'Björn',
  'Sven',
  'Kai',
  'Nils',
  'Birgit',
  'Gabriele',
  'Angelika',
  'Susanne',
  'Kerstin',
  'Andrea',
  'Marion',
  'Jutta',
  'Doris',
  'Ingrid',
  'Hans-Peter',
  'Karl-Heinz',
  'Anna-Lena',
  'Marie-Luise',
  'Jan-Hendrik',
  'Lisa',
  'Jana',
  'Nina',
  'Svenja',
  'Melanie',
  'René',
  'André',
  'Zoë',
  'Chloé',
  'Noël',
  'Ole',
  'Finn',
  'Till',
  'Malte',
  'Hauke',
  'Wiebke',
  'Frauke',
  'Gesine',
  'Imke',
  'Henning',
  'Jens',
  'Lars',
  'Torsten',
  'Ralf',
  'Rolf',
];

const syllables = [
  'ber',
  'bach',
  'en',
  'ke',
  'lin',
  'mann',
  'dorf',
  'hau',
  'ner',
  'sch',
  'mi',
  'ko',
  'ter',
  'la',
  'sel',
  'wald',
  'rich',
  'gen',
  'stein',
  'ho',
];

/** Cologne postcodes: the company's home districts first (where most customers are), then the rest of the city. */
const homePostcodes = ['50667', '50668', '50670', '50672', '50674', '50676'];
const cityPostcodes = [
  '50677',
  '50678',
  '50679',
  '50733',
  '50735',
  '50737',
  '50739',
  '50823',
  '50825',
  '50827',
  '50829',
  '50858',
  '50859',
  '50931',
  '50933',
  '50935',
  '50937',
  '50939',
  '50968',
  '50969',
  '50996',
  '50997',
  '50999',
  '51061',
  '51063',
  '51065',
  '51067',
  '51069',
  '51103',
  '51105',
  '51107',
  '51109',
  '51143',
  '51145',
  '51147',
  '51149',
];
const regionPlaces: [string, string][] = [
  ['50226', 'Frechen'],
  ['50354', 'Hürth'],
  ['50321', 'Brühl'],
  ['50259', 'Pulheim'],
  ['51373', 'Leverkusen'],
  ['51465', 'Bergisch Gladbach'],
  ['53111', 'Bonn'],
  ['53113', 'Bonn'],
  ['53840', 'Troisdorf'],
  ['41460', 'Neuss'],
];
const farPlaces: [string, string][] = [
  ['10115', 'Berlin'],
  ['20095', 'Hamburg'],
  ['80331', 'München'],
  ['60311', 'Frankfurt am Main'],
  ['70173', 'Stuttgart'],
  ['40210', 'Düsseldorf'],
  ['45127', 'Essen'],
  ['44135', 'Dortmund'],
  ['01067', 'Dresden'],
  ['04109', 'Leipzig'],
];

const streetNames = [
  'Hauptstraße',
  'Bahnhofstraße',
  'Schulstraße',
  'Gartenstraße',
  'Kirchstraße',
  'Waldstraße',
  'Ringstraße',
  'Bergstraße',
  'Lindenstraße',
  'Goethestraße',
  'Schillerstraße',
  'Mozartstraße',
  'Rosenstraße',
  'Feldstraße',
  'Wiesenweg',
  'Birkenweg',
  'Aachener Straße',
  'Venloer Straße',
  'Zülpicher Straße',
  'Severinstraße',
  'Hohe Straße',
  'Ehrenstraße',
  'Luxemburger Straße',
  'Bonner Straße',
  'Neusser Straße',
  'Dürener Straße',
  'Subbelrather Straße',
  'Vogelsanger Straße',
  'Berrenrather Straße',
  'Deutz-Mülheimer Straße',
  'Frankfurter Straße',
  'Kalker Hauptstraße',
  'Siegburger Straße',
  'Gladbacher Straße',
  'Am Sportplatz',
  'Im Klapperhof',
  'An der Münze',
  'Auf dem Berlich',
  'Unter Sachsenhausen',
  'Kaiser-Wilhelm-Ring',
  'Hansaring',
  'Ubierring',
  'Sachsenring',
  'Salierring',
  'Hohenzollernring',
  'Brüsseler Platz',
  'Rathenauplatz',
  'Konrad-Adenauer-Ufer',
  'Dr.-Simons-Straße',
  'Pfälzer Straße',
  'Moltkestraße',
  'Lindenthalgürtel',
  'Dürener Str.',
  'Friedrich-Ebert-Straße',
  'Am Rinkenpfuhl',
  'Mauritiussteinweg',
  'Richard-Wagner-Straße',
  'Brabanter Straße',
  'Limburger Straße',
  'Maastrichter Straße',
  'Lütticher Straße',
  'Antwerpener Straße',
  'Genter Straße',
  'Flandrische Straße',
];

const mailProviders = [
  'web.de',
  'gmx.de',
  'gmail.com',
  't-online.de',
  'outlook.de',
  'yahoo.de',
  'icloud.com',
  'posteo.de',
];

const tradeWordsOfCompanies = [
  'Elektro',
  'Bäckerei',
  'Metzgerei',
  'Autohaus',
  'Malerbetrieb',
  'Sanitär',
  'Heizung und Sanitär',
  'Dachdeckerei',
  'Schreinerei',
  'Tischlerei',
  'Gartenbau',
  'Bau',
  'Immobilien',
  'Steuerberatung',
  'Versicherungen',
  'Transporte',
  'Friseur',
  'Optik',
  'Apotheke',
  'Haustechnik',
  'Fliesen',
  'Kfz-Service',
  'Zahnarztpraxis',
  'Reinigung',
];
const legalForms = ['GmbH', 'GmbH & Co. KG', 'e.K.', 'UG (haftungsbeschränkt)', 'AG', 'OHG', 'GbR', 'KG', ''];
const fantasyWords = [
  'Rheinwerk',
  'Domblick',
  'Colonia',
  'Agrippa',
  'Severin',
  'Kranhaus',
  'Veedel',
  'Hansa',
  'Ubier',
  'Mediapark',
];

export type StoredPerson = { entity: number; fields: PersonFields; household: number; companyId?: number };
export type StoredCompany = { entity: number; fields: CompanyFields };

/** What a probe is: a true duplicate of a stored record, or a record that must not be taken for one. */
export type ProbeKind =
  | 'duplicate'
  | 'family-member'
  | 'namesake'
  | 'junior'
  | 'new-person'
  | 'company-duplicate'
  | 'company-same-trade'
  | 'new-company';

export type Probe = {
  kind: ProbeKind;
  /** for duplicates: the entity of the stored person or company they duplicate */
  entity?: number;
  /** the changes a duplicate carries (for the report) */
  variations: string[];
  contact: Contact;
};

export type RegionalBase = { persons: StoredPerson[]; companies: StoredCompany[]; probes: Probe[] };

const capital = (word: string): string => word.charAt(0).toUpperCase() + word.slice(1);

export const regionalCustomerBase = (
  seed: number,
  options: { persons: number; companies: number; duplicates: number; companyDuplicates: number; negatives: number },
): RegionalBase => {
  const random = seeded(seed);
  const chance = (p: number) => random() < p;
  const int = (min: number, max: number) => min + Math.floor(random() * (max - min + 1));

  // Names: the commonest at their real shares, more real ones, and a synthetic long tail.
  const tailSurnames = Array.from({ length: 12_000 }, (_, i) =>
    capital(
      `${syllables[i % 20] ?? ''}${syllables[Math.floor(i / 20) % 20] ?? ''}${syllables[Math.floor(i / 400) % 20] ?? ''}`,
    ),
  );
  const commonShare = commonSurnames.reduce((s, [, share]) => s + share, 0) / 100;
  const surname = weighted(
    [...commonSurnames.map(([n]) => n), ...moreSurnames, ...tailSurnames],
    [
      ...commonSurnames.map(([, share]) => share / 100),
      ...moreSurnames.map((_, i) => 0.25 / (i + 20)),
      ...tailSurnames.map((_, i) => ((1 - commonShare - 0.05) * (1 / (i + 30))) / Math.log(tailSurnames.length + 30)),
    ],
    random,
  );
  const tailFirstNames = Array.from({ length: 3_000 }, (_, i) =>
    capital(`${syllables[i % 20] ?? ''}${syllables[Math.floor(i / 20) % 20] ?? ''}${i % 2 ? 'a' : 'o'}`),
  );
  const firstName = weighted(
    [...commonFirstNames, ...moreFirstNames, ...tailFirstNames],
    [
      ...commonFirstNames.map((_, i) => 0.015 * 0.97 ** i),
      ...moreFirstNames.map(() => 0.2 / moreFirstNames.length),
      ...tailFirstNames.map(() => 0.38 / tailFirstNames.length),
    ],
    random,
  );

  // Places: a third in the company's home districts, most of the rest in the city, some around it.
  type Place = { postalCode: string; city: string; streets: string[] };
  const places: Place[] = [
    ...homePostcodes.map((postalCode) => ({ postalCode, city: 'Köln', streets: [] as string[] })),
    ...cityPostcodes.map((postalCode) => ({ postalCode, city: 'Köln', streets: [] as string[] })),
    ...regionPlaces.map(([postalCode, city]) => ({ postalCode, city, streets: [] as string[] })),
    ...farPlaces.map(([postalCode, city]) => ({ postalCode, city, streets: [] as string[] })),
  ];
  for (const place of places) place.streets = Array.from({ length: 18 }, () => pick(random, streetNames));
  const place = weighted(
    places,
    places.map((_, i) =>
      i < homePostcodes.length
        ? 0.55 / homePostcodes.length
        : i < homePostcodes.length + cityPostcodes.length
          ? 0.3 / cityPostcodes.length
          : i < places.length - farPlaces.length
            ? 0.1 / regionPlaces.length
            : 0.05 / farPlaces.length,
    ),
    random,
  );
  const address = (at: Place = place()) => ({
    street: `${pick(random, at.streets)} ${int(1, 140)}${chance(0.08) ? pick(random, ['a', 'b', 'c']) : ''}`,
    postalCode: at.postalCode,
    city: at.city,
  });
  const placeOf = (postalCode: string | undefined): Place =>
    places.find((p) => p.postalCode === postalCode) ?? places[0] ?? place();

  let phoneSerial = 0;
  const landline = (postalCode: string): string => {
    phoneSerial += 1;
    const area = postalCode.startsWith('5') ? '221' : pick(random, ['30', '40', '89', '69', '211', '228', '2234']);
    return `+49${area}${String(1_000_000 + ((phoneSerial * 7919 + int(0, 999)) % 8_999_999))}`;
  };
  const mobile = (): string => {
    phoneSerial += 1;
    return `+49${pick(random, ['151', '152', '160', '162', '170', '171', '172', '176', '177', '178'])}${String(10_000_000 + ((phoneSerial * 104_729 + int(0, 9999)) % 89_999_999))}`;
  };
  let mailSerial = 0;
  const emailsTaken = new Set<string>();
  /** An address of the person's own: two people never share one (a household's shared address is given apart). */
  const emailOf = (first: string, last: string): string => {
    let email = candidateEmail(first, last);
    while (emailsTaken.has(email)) email = candidateEmail(first, `${last}${mailSerial}`);
    emailsTaken.add(email);
    return email;
  };
  const candidateEmail = (first: string, last: string): string => {
    mailSerial += 1;
    const local = `${first}.${last}`
      .toLowerCase()
      .replaceAll('ä', 'ae')
      .replaceAll('ö', 'oe')
      .replaceAll('ü', 'ue')
      .replaceAll('ß', 'ss')
      .normalize('NFD')
      .replace(/[^a-z0-9.]/g, '');
    return `${local}${chance(0.5) ? mailSerial : ''}@${pick(random, mailProviders)}`;
  };
  const birthday = (fromYear: number, toYear: number): string =>
    `${int(fromYear, toYear)}-${String(int(1, 12)).padStart(2, '0')}-${String(int(1, 28)).padStart(2, '0')}`;

  // Companies: a trade word and a family name in either order, a family name alone, or a fantasy name.
  const companies: StoredCompany[] = [];
  for (let i = 0; i < options.companies; i++) {
    const family = surname();
    const trade = pick(random, tradeWordsOfCompanies);
    const form = pick(random, legalForms);
    const shape = random();
    const core =
      shape < 0.4
        ? `${trade} ${family}`
        : shape < 0.6
          ? `${family} ${trade}`
          : shape < 0.75
            ? `${family} & ${surname()}`
            : shape < 0.9
              ? family
              : `${pick(random, fantasyWords)} ${trade}`;
    const name = form ? `${core} ${form}` : core;
    const at = place();
    const domain = `${core
      .toLowerCase()
      .normalize('NFD')
      .replace(/[^a-z]+/g, '-')
      .replace(/^-|-$/g, '')}${i}.de`;
    companies.push({
      entity: i,
      fields: {
        name,
        type: 'company',
        relationship: chance(0.5) ? 'customer' : 'prospect',
        address: address(at),
        emails: chance(0.6) ? [`info@${domain}`] : [],
        phones: chance(0.8) ? [landline(at.postalCode)] : [],
        ...(chance(0.5) ? { website: `https://www.${domain}` } : {}),
      },
    });
  }

  // Persons, in households: a person alone, or adults with children at one address and one landline.
  const persons: StoredPerson[] = [];
  let household = 0;
  const add = (fields: PersonFields, inHousehold: number, companyId?: number) => {
    persons.push({
      entity: persons.length,
      fields,
      household: inHousehold,
      ...(companyId === undefined ? {} : { companyId }),
    });
  };
  while (persons.length < options.persons) {
    household += 1;
    const home = address();
    const homePhone = chance(0.6) ? landline(home.postalCode) : null;
    const last = surname();
    const adults = chance(0.45) ? 2 : 1;
    const children = adults === 2 && chance(0.4) ? int(1, 3) : 0;
    const parentYear = int(1945, 1995);
    for (let a = 0; a < adults && persons.length < options.persons; a++) {
      let first = firstName();
      while (a === 1 && persons.at(-1)?.fields.firstName === first) first = firstName();
      // about one couple in five keeps two surnames
      const own = a === 1 && chance(0.2) ? surname() : last;
      const b2b = chance(0.2) ? int(0, Math.max(0, companies.length - 1)) : undefined;
      add(
        {
          firstName: first,
          lastName: own,
          ...(chance(0.08) ? { title: pick(random, ['Dr.', 'Prof. Dr.', 'Dipl.-Ing.']) } : {}),
          ...(chance(0.5) ? { salutation: chance(0.5) ? 'Herr' : 'Frau' } : {}),
          emails: chance(0.6) ? [emailOf(first, own)] : [],
          phones: [...(homePhone ? [homePhone] : []), ...(chance(0.5) ? [mobile()] : [])],
          address: home,
          ...(chance(0.35) ? { birthday: birthday(parentYear - 2, parentYear + 2) } : {}),
          isMainContact: false,
        },
        household,
        b2b,
      );
    }
    const taken = new Set(persons.filter((p) => p.household === household).map((p) => p.fields.firstName));
    for (let c = 0; c < children && persons.length < options.persons; c++) {
      // a child named after a parent is a junior; those are probed apart, with birthdays
      let first = firstName();
      while (taken.has(first)) first = firstName();
      taken.add(first);
      add(
        {
          firstName: first,
          lastName: last,
          emails: chance(0.4) ? [emailOf(first, last)] : [],
          phones: [...(homePhone ? [homePhone] : []), ...(chance(0.4) ? [mobile()] : [])],
          address: home,
          ...(chance(0.35) ? { birthday: birthday(parentYear + 22, parentYear + 40) } : {}),
          isMainContact: false,
        },
        household,
      );
    }
    // namesakes: about one person in thirty has a namesake in the same postcode (common names, or family tradition)
    if (chance(0.035) && persons.length < options.persons) {
      const twin = persons.at(-1);
      if (twin?.fields.firstName) {
        household += 1;
        const other = address(placeOf(twin.fields.address?.postalCode));
        add(
          {
            firstName: twin.fields.firstName,
            lastName: twin.fields.lastName,
            emails: chance(0.5) ? [emailOf(twin.fields.firstName, twin.fields.lastName)] : [],
            phones: chance(0.5) ? [mobile()] : [],
            address: other,
            ...(chance(0.35) ? { birthday: birthday(1945, 2000) } : {}),
            isMainContact: false,
          },
          household,
        );
      }
    }
  }

  // ---- Probes ------------------------------------------------------------------------------------
  const spelledOut = (text: string) =>
    text
      .replaceAll('ä', 'ae')
      .replaceAll('ö', 'oe')
      .replaceAll('ü', 'ue')
      .replaceAll('Ä', 'Ae')
      .replaceAll('Ö', 'Oe')
      .replaceAll('Ü', 'Ue')
      .replaceAll('ß', 'ss');
  const typo = (word: string): string => {
    if (word.length < 4) return word;
    const i = int(1, word.length - 2);
    const kind = random();
    if (kind < 0.35) return word.slice(0, i) + word.charAt(i + 1) + word.charAt(i) + word.slice(i + 2); // swapped letters
    if (kind < 0.6) return word.slice(0, i) + word.slice(i + 1); // a letter left out
    if (kind < 0.8) return word.slice(0, i) + word.charAt(i) + word.slice(i); // a letter twice
    return word.slice(0, i) + pick(random, [...'aeiourstnlm']) + word.slice(i + 1); // a wrong letter
  };
  const nationalFormat = (e164: string): string => {
    const rest = e164.slice(3);
    const area = rest.startsWith('221') ? '221' : rest.startsWith('1') ? rest.slice(0, 3) : rest.slice(0, 2);
    const number = rest.slice(area.length);
    return pick(random, [
      `0${area}/${number}`,
      `(0${area}) ${number.slice(0, 3)} ${number.slice(3)}`,
      `0${area} ${number}`,
      `+49 ${area} ${number}`,
      `0049${area}${number}`,
    ]);
  };
  const abbreviated = (street: string) =>
    pick(random, [
      street.replace(/straße/g, 'str.').replace(/Straße/g, 'Str.'),
      street.replace(/straße/g, 'strasse').replace(/Straße/g, 'Strasse'),
      street.replace(/(\d+)([a-c])$/, '$1 $2'),
    ]);

  const probes: Probe[] = [];
  const adultsWithNames = persons.filter((p) => p.fields.firstName);

  // True duplicates of stored persons: what a returning customer types into a form, or a colleague re-enters.
  for (let i = 0; i < options.duplicates; i++) {
    const original = pick(random, adultsWithNames);
    const f = original.fields;
    const variations: string[] = [];
    let first = f.firstName ?? '';
    let last = f.lastName;
    const r = random();
    if (r < 0.25) {
      first = spelledOut(first);
      last = spelledOut(last);
      variations.push('umlauts spelled out');
    } else if (r < 0.35) {
      first = first.toUpperCase();
      last = last.toUpperCase();
      variations.push('upper case');
    } else if (r < 0.55) {
      if (chance(0.6)) last = typo(last);
      else first = typo(first);
      variations.push('typo in a name');
    } else if (r < 0.62) {
      [first, last] = [last, first];
      variations.push('names swapped');
    } else if (r < 0.68) {
      first = '';
      variations.push('last name only');
    }
    if (chance(0.1)) {
      first = `${pick(random, ['Herr', 'Frau', 'Dr.'])} ${first}`.trim();
      variations.push('title in the name field');
    }
    // what the duplicate carries besides the name, as forms and colleagues give it
    const carries = random();
    const contact: Contact = { lastName: last, ...(first ? { firstName: first } : {}) };
    const addr = f.address;
    const email = f.emails[0];
    const phone = f.phones.at(-1);
    if (carries < 0.35 && email) {
      contact.email = chance(0.3) ? email.toUpperCase() : email;
      variations.push('email');
      if (addr?.postalCode && chance(0.6)) contact.postalCode = addr.postalCode;
    } else if (carries < 0.6 && phone) {
      contact.phone = nationalFormat(phone);
      variations.push('phone in another format');
      if (addr?.postalCode && chance(0.5)) contact.postalCode = addr.postalCode;
    } else if (carries < 0.92 && addr?.street) {
      contact.street = chance(0.5) ? abbreviated(addr.street) : addr.street;
      if (addr.postalCode) contact.postalCode = addr.postalCode;
      contact.city = chance(0.2) ? (addr.city ?? '').toUpperCase() : (addr.city ?? '');
      variations.push('address');
      if (f.birthday && chance(0.3)) {
        contact.birthday = f.birthday;
        variations.push('birthday');
      }
    } else {
      // only name and place (and a birthday when known): the hardest kind
      if (addr?.postalCode) contact.postalCode = addr.postalCode;
      if (addr?.city) contact.city = addr.city;
      if (f.birthday) contact.birthday = f.birthday;
      variations.push('name and place only');
    }
    probes.push({ kind: 'duplicate', entity: original.entity, variations, contact });
  }

  // Records that are NOT a stored person, though they share much with one.
  const households = new Map<number, StoredPerson[]>();
  for (const p of persons) households.set(p.household, [...(households.get(p.household) ?? []), p]);
  for (let i = 0; i < options.negatives; i++) {
    const r = random();
    const anchor = pick(random, adultsWithNames);
    const a = anchor.fields;
    if (r < 0.35) {
      // a new family member: another first name, the household's surname, address and landline
      const home = a.address;
      const landlineOfHome = a.phones.find((p) => !/^\+491[5-7]/.test(p));
      const members = new Set((households.get(anchor.household) ?? []).map((m) => m.fields.firstName));
      let newcomer = firstName();
      while (members.has(newcomer)) newcomer = firstName();
      probes.push({
        kind: 'family-member',
        variations: [],
        contact: {
          firstName: newcomer,
          lastName: a.lastName,
          ...(home?.street ? { street: home.street } : {}),
          ...(home?.postalCode ? { postalCode: home.postalCode } : {}),
          ...(home?.city ? { city: home.city } : {}),
          ...(landlineOfHome ? { phone: nationalFormat(landlineOfHome) } : {}),
          ...(chance(0.3) ? { birthday: birthday(1950, 2010) } : {}),
        },
      });
    } else if (r < 0.7) {
      // a namesake in the same postcode: same names, another street, own email or mobile
      const at = placeOf(a.address?.postalCode);
      const other = address(at);
      probes.push({
        kind: 'namesake',
        variations: [],
        contact: {
          firstName: a.firstName ?? firstName(),
          lastName: a.lastName,
          street: other.street,
          postalCode: other.postalCode,
          city: other.city,
          // a namesake's own address, never the stored person's
          ...(chance(0.5)
            ? { email: `${emailOf(a.firstName ?? 'x', a.lastName).replace('@', `.${int(1, 99)}x@`)}` }
            : { phone: nationalFormat(mobile()) }),
          ...(chance(0.3) ? { birthday: birthday(1940, 2005) } : {}),
        },
      });
    } else if (r < 0.8 && a.birthday) {
      // father and son (or mother and daughter) of one name at one address, with their own birthdays
      const home = a.address;
      const year = Number(a.birthday.slice(0, 4));
      const landlineOfHome = a.phones.find((p) => !/^\+491[5-7]/.test(p));
      probes.push({
        kind: 'junior',
        variations: [],
        contact: {
          firstName: a.firstName ?? firstName(),
          lastName: a.lastName,
          ...(home?.street ? { street: home.street } : {}),
          ...(home?.postalCode ? { postalCode: home.postalCode } : {}),
          ...(home?.city ? { city: home.city } : {}),
          ...(landlineOfHome ? { phone: nationalFormat(landlineOfHome) } : {}),
          birthday: birthday(year + 24, year + 38),
        },
      });
    } else {
      // a new customer from the same region
      const first = firstName();
      const last = surname();
      const at = address();
      probes.push({
        kind: 'new-person',
        variations: [],
        contact: {
          firstName: first,
          lastName: last,
          ...(chance(0.5) ? { email: emailOf(first, last) } : { phone: nationalFormat(mobile()) }),
          ...(chance(0.6) ? at : { postalCode: at.postalCode }),
        },
      });
    }
  }

  // Company duplicates: legal forms, word order, umlauts, the company's phone or domain.
  const legalFormless = (name: string) =>
    name.replace(/\s+(GmbH & Co\. KG|GmbH|e\.K\.|UG \(haftungsbeschränkt\)|AG|OHG|GbR|KG)$/, '');
  for (let i = 0; i < options.companyDuplicates; i++) {
    const original = pick(random, companies);
    const f = original.fields;
    const variations: string[] = [];
    let name = legalFormless(f.name);
    const words = name.split(' ');
    const r = random();
    if (r < 0.3 && words.length === 2 && !name.includes('&')) {
      name = `${words[1]} ${words[0]}`;
      variations.push('word order');
    } else if (r < 0.5) {
      name = spelledOut(name);
      variations.push('umlauts spelled out');
    } else if (r < 0.65) {
      name = name.toUpperCase();
      variations.push('upper case');
    } else if (r < 0.8) {
      const family = words.at(-1) ?? name;
      name = name.replace(family, typo(family));
      variations.push('typo');
    }
    name = `${name} ${pick(random, legalForms)}`.trim();
    variations.push('legal form');
    const contact: Contact = { companyName: name, lastName: surname(), firstName: firstName() };
    const carries = random();
    if (carries < 0.3 && f.phones[0]) {
      contact.phone = nationalFormat(f.phones[0]);
      variations.push('company phone');
    } else if (carries < 0.5 && f.emails[0]) {
      contact.email = f.emails[0];
      variations.push('company email');
    }
    if (f.address?.postalCode) contact.postalCode = f.address.postalCode;
    if (f.address?.city && chance(0.7)) contact.city = f.address.city;
    if (f.address?.street && chance(0.5)) contact.street = abbreviated(f.address.street);
    probes.push({ kind: 'company-duplicate', entity: original.entity, variations, contact });
  }
  // Companies that share a trade word and the town with a stored one, and new companies.
  for (let i = 0; i < Math.round(options.companyDuplicates / 2); i++) {
    const original = pick(random, companies);
    const trade =
      tradeWordsOfCompanies.find((t) => original.fields.name.includes(t)) ?? pick(random, tradeWordsOfCompanies);
    const samePlace = chance(0.7);
    const at = samePlace ? placeOf(original.fields.address?.postalCode) : place();
    probes.push({
      kind: i % 2 === 0 ? 'company-same-trade' : 'new-company',
      variations: [],
      contact: {
        companyName:
          i % 2 === 0
            ? `${trade} ${surname()} GmbH`
            : `${surname()} ${pick(random, tradeWordsOfCompanies)} ${pick(random, legalForms)}`.trim(),
        lastName: surname(),
        postalCode: at.postalCode,
        city: at.city,
        ...(chance(0.5) ? { phone: nationalFormat(landline(at.postalCode)) } : {}),
      },
    });
  }

  return { persons, companies, probes };
};

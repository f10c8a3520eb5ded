// A corpus of vCard files as the clients write them (test/fixtures/vcards/corpus: Outlook 2003 to
// 365, Outlook.com, Apple macOS, iOS and iCloud, Google, Android and Samsung, Thunderbird old and
// new, Nextcloud and DAVx5, Evolution, KAddressBook, LinkedIn, XING, the RFC examples, and the
// encodings and foldings seen in the wild) imported through the contact-files handler as API
// Gateway hands it a file. Issue 19's proof: every card created or reported with a reason naming
// the property and its line, umlauts intact, no 5xx. Each file's people are its own, and files are
// imported with force=true, so every card naming a person is expected to be created.
import { readdirSync, readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createUserRepository } from '../../functions/users/user.repository.ts';
import { documentClient, tableName } from '../support/aws.ts';
import { contactRequests } from '../support/contact-requests.ts';

const doc = documentClient();
const sub = 'vcard-corpus-tester';
const corpusDir = new URL('../fixtures/vcards/corpus/', import.meta.url);
const corpusFiles = readdirSync(corpusDir)
  .filter((name) => name.endsWith('.vcf'))
  .sort();
const corpusFile = (name: string): Buffer => readFileSync(new URL(name, corpusDir));

const requests = contactRequests(sub);
const { send, importFile: postFile, getPerson } = requests;
const importFile = (file: Uint8Array, query: Record<string, string> = {}) => postFile(file, query);

/** What one card of a file must come to. */
type CardExpectation =
  /** a person, created, reading back with these names (umlauts and all) and fields */
  | {
      kind: 'person';
      first: string | undefined;
      last: string;
      also: Record<string, unknown>;
      company?: string;
      warnings?: string[];
    }
  /** a card naming no one: invalid, naming these properties */
  | { kind: 'invalid'; properties: string[] }
  /** a contact group (KIND:group, X-ADDRESSBOOKSERVER-KIND:group): no person, reported naming the KIND property */
  | { kind: 'group'; name: string }
  /** a company's own card (X-ABShowAs:COMPANY, no person's name): no person named after the company */
  | { kind: 'company'; name: string }
  /** the very card an earlier card of the file is: a duplicate of the person that one created */
  | { kind: 'duplicate'; of: number };

const person = (
  first: string | undefined,
  last: string,
  also: Record<string, unknown> = {},
  extra: { company?: string; warnings?: string[] } = {},
): CardExpectation => ({ kind: 'person', first, last, also, ...extra });
const invalid = (...properties: string[]): CardExpectation => ({ kind: 'invalid', properties });
const group = (name: string): CardExpectation => ({ kind: 'group', name });
const company = (name: string): CardExpectation => ({ kind: 'company', name });
const duplicateOf = (of: number): CardExpectation => ({ kind: 'duplicate', of });
const jpegPhoto = { photo: { mediaType: 'image/jpeg' } };

/** Each corpus file's cards, in file order. */
const expected: Record<string, CardExpectation[]> = {
  'outlook-2003-2.1-windows-1252.vcf': [
    person(
      'Hans-Jürgen',
      'Weißmüller',
      {
        salutation: 'Herr',
        position: 'Gebietsverkaufsleiter Süd',
        department: 'Verkauf Außendienst',
        birthday: '1963-07-11',
        emails: ['hj.weissmueller@moebelhaus-uebersee.de'],
        phones: ['+49891234567', '+491723456789', '+49891234568'],
        address: { street: 'Lößweg 7', city: 'München', postalCode: '81245', country: 'Deutschland' },
        note:
          'Bevorzugt Anrufe nach 14 Uhr, vorher ist er in der Ausstellung.\n' +
          'Grüße an Frau Käßmann ausrichten; sie hat die Bestellung über 12 Stühle betreut.',
        ...jpegPhoto,
      },
      { company: 'Möbelhaus Übersee KG' },
    ),
  ],
  'outlook-2010-2.1-windows-1252-design.vcf': [
    person(
      'Dorothée',
      'Schütz',
      {
        salutation: 'Frau',
        position: 'Leiterin Qualitätssicherung',
        department: 'Qualitätssicherung',
        emails: ['d.schuetz@schuetz-soehne.de'],
        phones: ['+492219876543', '+491734567890'],
        address: { street: 'Industriestraße 12', city: 'Köln', postalCode: '50829', country: 'Deutschland' },
        ...jpegPhoto,
      },
      { company: 'Schütz & Söhne Fördertechnik GmbH' },
    ),
  ],
  'outlook-2016-2.1-qp-windows-1252.vcf': [
    person('Käthe', 'Rößler', {
      salutation: 'Frau',
      title: 'Prof. Dr.',
      position: 'Oberärztin',
      department: 'Klinik für Anästhesiologie',
      address: { street: 'Am Mühlbach 3', addressLine2: 'Gebäude C, 2. OG', city: 'Würzburg', postalCode: '97080' },
      note: 'Sekretariat: Frau Jäger, Durchwahl -4711.\nTermine nur dienstags; Parkplätze im Parkhaus Süd (Ebene Ü1).',
    }),
  ],
  'outlook-365-2.1-utf-8.vcf': [
    person('Zoë', 'Łęcka-Brandstätter', {
      position: 'Disponentin für Osteuropa',
      department: 'Disposition',
      phones: ['+494047110815', '+48601234567'],
      address: { street: 'Große Elbstraße 145', city: 'Hamburg', postalCode: '22767' },
    }),
  ],
  'outlook-com-people-3.0-utf-8-bom.vcf': [
    person('Ingrid', 'Øberg-Åström', {
      position: 'Inköpschef',
      department: 'Inköp',
      birthday: '1979-02-28',
      address: { street: 'Södra Förstadsgatan 4', city: 'Malmö', postalCode: '211 43', country: 'Sverige' },
      note: 'Spricht Deutsch und Schwedisch. Lieferungen über Lübeck.',
    }),
  ],
  'apple-macos-3.0.vcf': [
    person(
      'Ludwig Maximilian',
      'Strauß',
      {
        title: 'Dr.',
        position: 'Orgelbaumeister',
        department: 'Werkstatt',
        emails: ['ludwig.strauss@orgelbau-strauss.de', 'l.strauss@posteo.de'],
        phones: ['+491745678901', '+499317654321'],
        address: { street: 'Domstraße 4', city: 'Würzburg', postalCode: '97070' },
        birthday: undefined,
        note: 'Stimmt die Orgel in St. Kilian.\nTermine nur über das Büro.',
        urls: ['https://orgelbau-strauss.de'],
        tags: ['Kirchen', 'Handwerk'],
        ...jpegPhoto,
      },
      { warnings: ['BDAY'] },
    ),
    company('Müller & Töchter Weinkellerei GmbH'),
  ],
  'apple-ios-3.0.vcf': [
    person('Françoise', 'Lefèvre-Müller', {
      emails: ['francoise@atelier-lefevre.fr'],
      phones: ['+33142685300', '+491756789012'],
      address: { street: '12 Rue de l’Église', city: 'Strasbourg', postalCode: '67000', country: 'France' },
      birthday: '1988-12-03',
      ...jpegPhoto,
    }),
  ],
  'icloud-3.0.vcf': [
    person('Anneliese', 'Bräuer', {
      department: 'Kundenservice',
      address: { street: 'Demianiplatz 23', city: 'Görlitz', postalCode: '02826' },
    }),
    person('Miłosz', 'Żurawski', {
      position: 'Główny inżynier',
      birthday: '1984-11-11',
      address: { street: 'ul. Piotrkowska 120', city: 'Łódź', postalCode: '90-006', country: 'Polska' },
    }),
  ],
  'google-contacts-3.0.vcf': [
    person('Heinz-Rüdiger', 'Köhler', {
      position: 'Geschäftsführer',
      birthday: '1971-08-30',
      phones: ['+4917687654321', '+492511234567'],
      address: { street: 'Hüfferstraße 27', city: 'Münster', postalCode: '48149', country: 'DE' },
      urls: ['https://koehler-kaelte.de'],
      note: 'Über die IHK kennengelernt; will ein Angebot bis Ende Mai, gern per Post.',
      tags: ['myContacts', 'Lieferanten'],
      photo: { url: 'https://lh3.googleusercontent.com/contacts/ALV-UjXk9d3QmT7aZ0nB4cY2pF5sH8jK1lM6nO9qR' },
    }),
    invalid('N', 'FN'),
    person('Gökhan', 'Yılmaz', { phones: ['+905337654321'] }),
    // Google keeps duplicate entries: the first card again
    duplicateOf(0),
  ],
  'android-aosp-2.1-qp.vcf': [
    person('Ömer', 'Güneş', {
      position: 'Geschäftsführer',
      birthday: '1982-04-23',
      phones: ['+491777890123', '+902125551234'],
      address: {
        street: 'Schloßstraße 12, Hinterhof links neben der Bäckerei',
        city: 'Düsseldorf',
        postalCode: '40213',
        country: 'Deutschland',
      },
      note:
        'Spricht Türkisch und Deutsch. Möchte im Herbst über die Erweiterung des Lagers in Düsseldorf-Süd ' +
        'sprechen; bitte vorher Grüße von Herrn Çelik ausrichten.',
      ...jpegPhoto,
    }),
    person('Renée', 'Faßbender', { phones: ['+4915212345678'], emails: ['renee.fassbender@example.de'] }),
  ],
  'samsung-2.1.vcf': [
    person('Agnieszka', 'Brzęczyszczykiewicz', {
      phones: ['+491787654321', '+48426301234'],
      address: { street: 'ul. Łąkowa 5', city: 'Łódź', postalCode: '90-554', country: 'Polska' },
      note: 'Zamówienie wysłane — Lieferung über Frankfurt (Oder).',
    }),
  ],
  'thunderbird-cardbook-3.0.vcf': [
    person('Grzegorz', 'Łukaszewicz', {
      position: 'Kierownik oddziału',
      department: 'Biuro Gdańsk',
      address: { street: 'ul. Długa 44/50', city: 'Gdańsk', postalCode: '80-831', country: 'Polska' },
      tags: ['Spedycja', 'Polska'],
    }),
  ],
  'thunderbird-4.0.vcf': [
    person('Elfriede', 'Jäger', {
      position: 'Revierförsterin',
      birthday: '1975-02-14',
      phones: ['+497611234567', '+491631234567'],
      address: { street: 'Schauinslandstraße 3', city: 'Freiburg im Breisgau', postalCode: '79100' },
      note: 'Hat einen Hund, der Bärbel heißt.',
      urls: ['https://jaeger-forst.de'],
    }),
  ],
  'thunderbird-legacy-2.1-lowercase.vcf': [
    person('Rüdiger', 'Ährenfeld', {
      position: 'Vertriebsleiter',
      department: 'Vertrieb',
      phones: ['+494131123456', '+491797654321'],
      address: { street: 'Mühlenweg 9', city: 'Lüneburg', postalCode: '21335' },
      note: 'Liefert Dinkelmehl\nAnsprechpartner für Bio-Ware',
    }),
  ],
  'nextcloud-3.0-with-group.vcf': [
    person('Theresia', 'Großkopf', {
      tags: ['Kunden Süd', 'Brauereien'],
      address: { street: 'Brauhausgasse 2', city: 'Bamberg', postalCode: '96047' },
    }),
    group('Kunden Süd'),
  ],
  'davx5-nextcloud-4.0-with-group.vcf': [
    person('Józef', 'Pająk', {
      phones: ['+48601234568', '+48124213344'],
      address: { street: 'ul. Świętokrzyska 12', city: 'Kraków', postalCode: '31-000', country: 'Polska' },
      ...jpegPhoto,
    }),
    group('Möbelhändler'),
  ],
  'evolution-3.0.vcf': [
    person('Hannelore', 'Dreßler', {
      position: 'Buchhalterin',
      department: 'Buchhaltung',
      phones: ['+495113344556', '+491601234567'],
      address: { street: 'Königsworther Straße 5', city: 'Hannover', postalCode: '30167' },
      note: 'Zahlungsziel 30 Tage.\nSkonto 2 % bei Zahlung binnen 10 Tagen.',
      ...jpegPhoto,
    }),
  ],
  'kde-kaddressbook-3.0.vcf': [
    person('Bjarne', 'Klöckner', {
      emails: ['bjarne.kloeckner@kloeckner-segel.de'],
      address: { street: 'Ährenweg 3', city: 'Kiel', postalCode: '24103' },
      urls: ['https://kloeckner-segel.de'],
    }),
  ],
  'linkedin-3.0.vcf': [
    person('Żaneta', 'Kowalczyk', {
      position: 'Dyrektorka Sprzedaży DACH',
      urls: ['https://www.linkedin.com/in/zaneta-kowalczyk-4b1a2c3d'],
      photo: {
        url: 'https://media.licdn.com/dms/image/v2/D4E03AQH1a2b3c4d5e6/profile-displayphoto-shrink_200_200/0/1700000000000',
      },
    }),
    // a LinkedIn headline as TITLE, longer than a position takes: the card is kept, the title is not
    person(
      'Friederike',
      'Möller-Rüsch',
      { emails: ['friederike@ruesch-digital.de'] },
      { company: 'Rüsch Digital Consulting GmbH', warnings: ['TITLE'] },
    ),
  ],
  'xing-3.0-lf.vcf': [
    person('Friedhelm', 'Bäumer', {
      position: 'Leiter Vertrieb Österreich & Schweiz',
      address: { street: 'Artur-Ladebeck-Straße 51', city: 'Bielefeld', postalCode: '33602' },
      photo: { url: 'https://profile-images.xing.com/images/0a1b2c3d-friedhelm-baeumer/256x256.jpg' },
    }),
  ],
  'utf-16le-bom-3.0.vcf': [
    person('Käte', 'Sönnichsen', { address: { street: 'Hafenstraße 8', city: 'Eckernförde', postalCode: '24340' } }),
    person('Žofie', 'Dvořáková', { phones: ['+420603123456'] }),
  ],
  'mixed-case-3.0.vcf': [
    person('Şükrü', 'Ağaoğlu', {
      position: 'İhracat Müdürü',
      phones: ['+905321234567', '+902164441234'],
      address: { street: 'İstiklal Caddesi 101', city: 'İstanbul', postalCode: '34433', country: 'Türkiye' },
    }),
  ],
  'rfc2426-section7.vcf': [
    person('Frank', 'Dawson', {
      phones: ['+19196769515', '+19196769564'],
      address: { street: '6544 Battleford Drive', city: 'Raleigh', postalCode: '27613-3502', country: 'U.S.A.' },
      urls: ['http://home.earthlink.net/~fdawson'],
    }),
    person('Tim', 'Howes', {
      phones: ['+14159373419', '+14155284164'],
      address: { street: '501 E. Middlefield Rd.', city: 'Mountain View', postalCode: '94043', country: 'U.S.A.' },
    }),
  ],
  'rfc6350-section8.vcf': [
    person(
      'Simon',
      'Perreault',
      {
        phones: ['+14186569254', '+14182626501'],
        address: {
          street: '2875 Laurier',
          addressLine2: 'Suite D2-630',
          city: 'Quebec',
          postalCode: 'G1V 2M2',
          country: 'Canada',
        },
        urls: ['http://nomis80.org'],
        birthday: undefined,
      },
      { warnings: ['BDAY'] },
    ),
  ],
  'intl-every-field-3.0.vcf': [
    person(
      'Ümran Zofia Łucja',
      'Öztürk-Wiśniewska',
      {
        salutation: 'Frau',
        title: 'Dr.',
        position: 'Geschäftsführerin für Ökologie',
        role: 'Entscheiderin (Einkauf & Förderung)',
        department: 'Geschäftsführung Süd',
        birthday: '1977-06-05',
        address: {
          street: 'Straße am Schloßgarten 7',
          addressLine2: 'Gebäude Ä, Aufgang Ü',
          city: 'Fürth',
          postalCode: '90762',
          country: 'Deutschland',
        },
        urls: ['https://celik-swiatek.de/über-uns'],
        note:
          'Spricht Türkçe, Polski und Deutsch. Çay statt Kaffee; Żubrówka zu Weihnachten.\n' +
          'Façade-Projekt: Größenordnung ~ 2 Mio. €.',
        tags: ['Großkunden', 'Ökologie', 'Żółć & Gęślą'],
      },
      { company: 'Çelik & Świątek Große Gärten GmbH' },
    ),
  ],
  'folded-octets-split-utf-8-3.0.vcf': [
    person(
      'Hans-Günther Jürgen Björn Günter Müßig-Böhlen',
      'Schwarzenbügel-Übelhör',
      {
        salutation: 'Herr',
        position: 'Geschäftsführender Gesellschafter für Qualitätsmanagement und Öffentlichkeit',
        address: { street: 'Große Bleichen 12 (Hinterhof, Zugang über die Brückenstraße)', city: 'Lüdenscheid' },
        note:
          'Möchte über die Überarbeitung der Lieferverträge sprechen: Größere Stückzahlen für Österreich ' +
          'und die Schweiz, Grüße an Frau Müßig.',
      },
      { company: 'Übelhör Präzisionsschleiferei und Oberflächenveredelung für Großküchen GmbH' },
    ),
  ],
  'adr-two-line-street-3.0.vcf': [
    person('Gisela', 'Wöhrle', {
      address: { street: 'Friedrichstraße 123', addressLine2: 'Aufgang B, 3. OG', city: 'Berlin', postalCode: '10117' },
    }),
  ],
  'categories-escaped-commas-3.0.vcf': [
    person('Bärbel', 'Häußler', { tags: ['Kunden, Süd', 'Messe Köln 2024', 'Groß- und Einzelhandel'] }),
  ],
  'eight-emails-eight-phones-3.0.vcf': [
    person(
      'Jörg',
      'Schäfer-Dünnwald',
      {
        // five of each are kept (the product's cap), the first five as the card gives them
        emails: ['arbeit', 'privat', 'rechnung', 'einkauf', 'vorstand'].map((e) => `joerg.${e}@schaefer-duennwald.de`),
        phones: ['+493023456789', '+498923456789', '+494023456789', '+492211234567', '+492117654321'],
      },
      { warnings: ['EMAIL', 'TEL'] },
    ),
  ],
  'v4-data-uri-tel-uri.vcf': [
    person('Dagmar', 'Lüttgenau', {
      birthday: '1969-03-21',
      phones: ['+49228123456', '+491737654321'],
      address: { street: 'Poppelsdorfer Allee 1', city: 'Bonn', postalCode: '53115' },
      ...jpegPhoto,
    }),
  ],
  'outlook-2016-2.1-switzerland-national-numbers.vcf': [
    // Outlook keeps numbers as typed: Swiss ones without +41, on a card whose address is in Switzerland
    person('Beat', 'Zürcher', {
      salutation: 'Herr',
      phones: ['+41446681800', '+41791234567'],
      address: { street: 'Bahnhofstrasse 10', city: 'Zürich', postalCode: '8001', country: 'Schweiz' },
    }),
  ],
  'outlook-2016-2.1-long-note.vcf': [
    // a mail thread pasted into the note, longer than a note takes: the card is kept, with a warning
    person('Annegret', 'Kühn', { salutation: 'Frau' }, { company: 'Kühn Verpackungen GmbH', warnings: ['NOTE'] }),
  ],
  'concatenated-windows-1252-and-utf-8-2.1.vcf': [
    person('Wilfried', 'Gröning', { salutation: 'Herr', phones: ['+494411234567'] }),
    person('Mareike', 'Güldenstein', { phones: ['+4917612345678'] }),
  ],
};

/** The file as text for counting and finding lines: by its BOM (UTF-16LE, UTF-8), else byte for byte. */
const physicalLines = (bytes: Buffer): string[] => {
  const text =
    bytes[0] === 0xff && bytes[1] === 0xfe
      ? bytes.subarray(2).toString('utf16le')
      : bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf
        ? bytes.subarray(3).toString('latin1')
        : bytes.toString('latin1');
  return text.split(/\r\n|\n|\r/);
};

/** A problem names a property and a line of the file that holds it (or the card's BEGIN for one it lacks). */
const expectNamesLine = (
  file: string,
  lines: string[],
  problem: { property?: unknown; line?: unknown; message?: unknown },
) => {
  const where = `${file}: ${JSON.stringify(problem)}`;
  expect.soft(typeof problem.property === 'string' && problem.property !== '', `${where} names no property`).toBe(true);
  expect.soft(Number.isInteger(problem.line) && (problem.line as number) > 0, `${where} names no line`).toBe(true);
  if (typeof problem.property !== 'string' || !Number.isInteger(problem.line)) return;
  const text = lines[(problem.line as number) - 1] ?? '';
  const name = (text.split(/[;:]/)[0] ?? '').replace(/^[A-Za-z0-9-]+\./, '').trim();
  const ok = name.toUpperCase() === problem.property.toUpperCase() || /^begin:vcard\s*$/i.test(text);
  expect.soft(ok, `${where}: line ${problem.line} is "${text.slice(0, 60)}"`).toBe(true);
};

beforeAll(async () => {
  await createUserRepository(doc, tableName).save(
    { id: sub, email: 'vcard-corpus@example.com', name: 'vCard Corpus Tester', roles: ['sales'] },
    { upsert: true },
  );
  await requests.load();
});

describe('the vCard corpus', () => {
  it('has at least 20 files, each with its expected cards written down', () => {
    expect(corpusFiles.length).toBeGreaterThanOrEqual(20);
    expect(corpusFiles.filter((name) => !(name in expected))).toEqual([]);
    expect(Object.keys(expected).filter((name) => !corpusFiles.includes(name))).toEqual([]);
  });
});

describe('importing every corpus file through POST /v1/contacts/vcards', () => {
  for (const file of corpusFiles) {
    it(file, async () => {
      const bytes = corpusFile(file);
      const lines = physicalLines(bytes);
      const cardCount = lines.filter((line) => /^begin:vcard\s*$/i.test(line)).length;
      const cards = expected[file] ?? [];
      expect(cards, `${file} has an expectation per card`).toHaveLength(cardCount);

      const res = await importFile(bytes, { force: 'true' });
      expect(res.status, `${file}: ${res.raw.slice(0, 500)}`).toBe(200);
      expect(res.json.cardsTotal).toBe(cardCount);
      // biome-ignore lint/suspicious/noExplicitAny: a result of the answer, checked below
      const results: any[] = res.json.results;
      expect(results.map((r) => r.index)).toEqual(cards.map((_, i) => i));

      for (const [i, result] of results.entries()) {
        const card = `${file} card ${i}`;
        expect.soft(['created', 'duplicate', 'invalid'], `${card}: ${result.status}`).toContain(result.status);
        if (result.status === 'created') expect.soft(typeof result.id, `${card} has an id`).toBe('string');
        if (result.status === 'duplicate')
          expect.soft(result.candidates?.length, `${card} names candidates`).toBeGreaterThan(0);
        if (result.status === 'invalid') expect.soft(result.errors?.length, `${card} names errors`).toBeGreaterThan(0);
        for (const problem of [...(result.errors ?? []), ...(result.warnings ?? [])])
          expectNamesLine(card, lines, problem);

        const want = cards[i];
        if (!want) continue;
        if (want.kind === 'invalid') {
          expect.soft(result.status, card).toBe('invalid');
          expect
            .soft(
              (result.errors ?? []).map((e: { property: string }) => e.property),
              card,
            )
            .toEqual(expect.arrayContaining(want.properties));
        } else if (want.kind === 'group') {
          // a contact group is no person: reported, naming the property that says it is a group
          expect.soft(result.status, `${card} is the group ${want.name}, not a person`).toBe('invalid');
          expect
            .soft(
              (result.errors ?? []).map((e: { property: string }) => e.property),
              `${card} names KIND`,
            )
            .toEqual(expect.arrayContaining([expect.stringMatching(/^(KIND|X-ADDRESSBOOKSERVER-KIND)$/)]));
        } else if (want.kind === 'duplicate') {
          expect.soft(result.status, card).toBe('duplicate');
          expect
            .soft(result.candidates, `${card} names the person card ${want.of} created`)
            .toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'person', id: results[want.of]?.id })]));
        } else if (want.kind === 'company') {
          // a company's card is the company, never a person whose name is the company's name cut in two
          expect.soft(result, card).toMatchObject({ status: 'created', kind: 'company', name: want.name });
          const res = await send('GET /v1/companies/{id}', {
            path: `/v1/companies/${result.id}`,
            pathParameters: { id: result.id },
          });
          expect.soft(res.status, `${card} is a company`).toBe(200);
          expect.soft(res.json?.name, `${card} names the company`).toBe(want.name);
        } else {
          expect.soft(result.status, `${card}: ${JSON.stringify(result).slice(0, 400)}`).toBe('created');
          if (want.company) expect.soft(result.company?.name, `${card} company`).toBe(want.company);
          for (const property of want.warnings ?? []) {
            expect
              .soft(
                (result.warnings ?? []).map((w: { property: string }) => w.property),
                `${card} warns of ${property}`,
              )
              .toContain(property);
          }
          if (result.status !== 'created') continue;
          const read = await getPerson(result.id);
          expect.soft(read.firstName, `${card} first name`).toBe(want.first);
          expect.soft(read.lastName, `${card} last name`).toBe(want.last);
          const present = Object.fromEntries(Object.entries(want.also).filter(([, v]) => v !== undefined));
          expect.soft(read, `${card} fields`).toMatchObject(present);
          for (const [key, value] of Object.entries(want.also)) {
            if (value === undefined) expect.soft(read[key], `${card} has no ${key}`).toBeUndefined();
          }
        }
      }
    });
  }
});

// vCard import through the contacts API's handler against DynamoDB Local and the S3 emulator: the
// files Outlook, Apple, Google and Android write, one result per card, duplicate protection (and a
// file imported twice creating nothing twice), ORG linking or creating the company, photos stored
// and exported again, and a person exported and imported again being a duplicate of itself.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { personFromContact } from '../../domain/vcards/person-vcard.ts';
import { readContact } from '../../domain/vcards/vcard-contact.ts';
import { readVCards } from '../../domain/vcards/vcard-lines.ts';
import { createUserRepository } from '../../functions/users/user.repository.ts';
import { documentClient, tableName } from '../support/aws.ts';
import { contactRequests } from '../support/contact-requests.ts';
import { apiEvent, lambdaContext } from '../support/events.ts';

const doc = documentClient();
const sub = 'vcard-tester';
const fixture = (name: string): Buffer => readFileSync(new URL(`../fixtures/vcards/${name}`, import.meta.url));

const requests = contactRequests(sub);
const { send, importFile, getPerson } = requests;

/** A card of a person nobody else in the table has. */
const uniqueCard = (extra = '', first = 'Karla'): { text: string; last: string; email: string } => {
  // letters only: digits say nothing to a phonetic code, and names alike would warn of each other
  const last = `Q${Array.from(randomBytes(10), (b) => String.fromCharCode(97 + (b % 26))).join('')}`;
  const email = `${last.toLowerCase()}@example.org`;
  return {
    last,
    email,
    text: `BEGIN:VCARD\r\nVERSION:3.0\r\nN:${last};${first};;;\r\nFN:${first} ${last}\r\nEMAIL;TYPE=INTERNET:${email}\r\n${extra}END:VCARD\r\n`,
  };
};

beforeAll(async () => {
  await createUserRepository(doc, tableName).save(
    { id: sub, email: 'vcards@example.com', name: 'vCard Tester', roles: ['sales'] },
    { upsert: true },
  );
  await requests.load();
});

describe('importing the vCards clients write', () => {
  it('reads Outlook’s 2.1 in Windows-1252: umlauts, quoted-printable note, company and department, photo', async () => {
    const res = await importFile(fixture('outlook-2.1-windows-1252.vcf'));
    expect(res.status).toBe(200);
    expect(res.json.cardsTotal).toBe(1);
    const [result] = res.json.results;
    expect(result).toMatchObject({ index: 0, status: 'created', name: 'Dr. Jürgen Müller' });
    expect(result.company).toMatchObject({ status: 'created', name: 'Bäckerei Schön GmbH' });
    const person = await getPerson(result.id);
    expect(person).toMatchObject({
      salutation: 'Herr',
      title: 'Dr.',
      firstName: 'Jürgen',
      lastName: 'Müller',
      position: 'Leiter Einkäufe',
      department: 'Einkauf',
      companyId: result.company.id,
      emails: ['j.mueller@baeckerei-schoen.de'],
      phones: ['+4922147110', '+491712345678'],
      address: { street: 'Hauptstraße 5', postalCode: '50667', city: 'Köln', country: 'Deutschland' },
      urls: ['http://www.baeckerei-schoen.de'],
      note: 'Kennt uns von der Messe in Köln.\nRückruf erwünscht bitte vormittags.',
      photo: { mediaType: 'image/jpeg', href: `/v1/persons/${result.id}/photo` },
    });
    const company = await send('GET /v1/companies/{id}', {
      path: `/v1/companies/${result.company.id}`,
      pathParameters: { id: result.company.id },
    });
    expect(company.json.name).toBe('Bäckerei Schön GmbH');
    expect(company.json.departments.map((d: { name: string }) => d.name)).toEqual(['Einkauf']);

    const photo = await send('GET /v1/persons/{id}/photo', {
      path: `/v1/persons/${result.id}/photo`,
      pathParameters: { id: result.id },
    });
    expect(photo.status).toBe(200);
    expect(photo.headers['content-type']).toBe('image/jpeg');
  });

  it('reads Apple’s 3.0: grouped emails with labels, a two-line street, tags, no year-less birthday', async () => {
    const res = await importFile(fixture('apple-3.0.vcf'));
    const [result] = res.json.results;
    expect(result.status).toBe('created');
    expect(result.warnings).toEqual([
      expect.objectContaining({ property: 'BDAY', message: 'a birthday without a year is not kept' }),
    ]);
    const person = await getPerson(result.id);
    expect(person).toMatchObject({
      firstName: 'Sören',
      lastName: 'Weiß',
      emails: ['soeren.weiss@mueller-soehne.de', 'soeren@weiss-privat.de'],
      phones: ['+4915123456789'],
      address: { street: 'Lindenallee 12', addressLine2: 'Hinterhaus', city: 'Hamburg', postalCode: '20259' },
      tags: ['Messe 2026', 'Großkunde'],
      urls: ['https://mueller-soehne.de'],
      department: 'Vertrieb',
    });
    expect(person.birthday).toBeUndefined();
  });

  it('reads Google’s multi-card file in order: a nameless card is invalid naming N and FN, the others are created', async () => {
    const res = await importFile(fixture('google-3.0.vcf'));
    expect(res.json.results.map((r: { status: string }) => r.status)).toEqual(['created', 'invalid', 'created']);
    expect(res.json.results[1]).toMatchObject({
      index: 1,
      errors: [
        expect.objectContaining({ property: 'N', line: 19 }),
        expect.objectContaining({ property: 'FN', line: 18 }),
      ],
    });
    // both name Example GmbH: the first card creates it, the third is linked to it
    const [anna, , joerg] = res.json.results;
    expect(anna.company.status).toBe('created');
    expect(joerg.company).toEqual({ status: 'linked', name: 'Example GmbH', id: anna.company.id });
    const person = await getPerson(anna.id);
    expect(person).toMatchObject({
      birthday: '1985-04-12',
      note: 'Rückruf, wenn das Angebot da ist; danach Termin.',
      position: 'Einkäuferin',
      urls: ['https://example-gmbh.de'],
      tags: ['myContacts', 'Kunden'],
    });
  });

  it('reads Android’s 2.1 quoted-printable UTF-8 with soft line breaks', async () => {
    const res = await importFile(fixture('android-2.1.vcf'));
    const person = await getPerson(res.json.results[0].id);
    expect(person).toMatchObject({
      firstName: 'Ayşe',
      lastName: 'Özdemir',
      birthday: '1990-01-02',
      address: { street: 'Straße des 17. Juni 106', city: 'Berlin' },
      note: 'Grüße aus dem Kiez!',
      phones: ['+4917611122233', '+49301234567'],
    });
  });

  it('reads RFC 6350’s 4.0: tel: URIs, a data: URI photo; UTF-16 with BOM', async () => {
    const v4 = await importFile(fixture('rfc6350-4.0.vcf'));
    const person = await getPerson(v4.json.results[0].id);
    expect(person).toMatchObject({
      firstName: 'Simone',
      lastName: 'Perreault-Groß',
      emails: ['simone.gross@ingenieurbuero-gross.de'],
      photo: { mediaType: 'image/jpeg' },
    });
    expect(person.phones).toContain('+491705554321');
    const utf16 = await importFile(fixture('utf16-bom-3.0.vcf'));
    expect(await getPerson(utf16.json.results[0].id)).toMatchObject({ firstName: 'Björn', lastName: 'Fröhlich' });
  });
});

describe('what an import creates, and what it does not', () => {
  it('creates nothing twice: the same file again answers duplicate, naming the person it created', async () => {
    const card = uniqueCard();
    const first = await importFile(Buffer.from(card.text));
    expect(first.json.results[0].status).toBe('created');
    const again = await importFile(Buffer.from(card.text), { force: 'true' });
    expect(again.json.results[0]).toMatchObject({
      status: 'duplicate',
      candidates: [{ kind: 'person', id: first.json.results[0].id, level: 'match' }],
    });
    const listed = await send('GET /v1/persons', { query: { q: card.last } });
    expect(listed.json.items).toHaveLength(1);
  });

  it('warns of a duplicate another way created (by email) and creates only with force=true', async () => {
    const card = uniqueCard();
    const made = await send('POST /v1/persons', {
      json: { firstName: 'Karla', lastName: card.last, emails: [card.email] },
    });
    expect(made.status).toBe(201);
    // the same person from a phone: another card, same email
    const other = card.text.replace('FN:', 'TITLE:Leiterin\r\nFN:');
    const warned = await importFile(Buffer.from(other));
    expect(warned.json.results[0]).toMatchObject({
      status: 'duplicate',
      candidates: [expect.objectContaining({ kind: 'person', id: made.json.id })],
    });
    expect(warned.json.results[0].id).toBeUndefined();
    const forced = await importFile(Buffer.from(other), { force: 'true' });
    expect(forced.json.results[0].status).toBe('created');
  });

  it('stores nothing on a dry run, and says what a real run would do', async () => {
    const card = uniqueCard('ORG:Trockenlauf AG\r\n');
    const dry = await importFile(Buffer.from(card.text), { dryRun: 'true' });
    expect(dry.json).toMatchObject({ dryRun: true, cardsTotal: 1 });
    expect(dry.json.results[0]).toMatchObject({ status: 'created', company: { status: 'created' } });
    expect(dry.json.results[0].id).toBeUndefined();
    expect(dry.json.results[0].company.id).toBeUndefined();
    const listed = await send('GET /v1/persons', { query: { q: card.last } });
    expect(listed.json.items).toHaveLength(0);
    const real = await importFile(Buffer.from(card.text));
    expect(real.json.results[0].status).toBe('created');
  });

  it('links ORG to a matching company, and only names a possible one', async () => {
    const tag = randomBytes(4).toString('hex');
    const name = `Zentrale ${tag} Logistik GmbH`;
    const company = await send('POST /v1/companies', { json: { name, website: `https://zentrale-${tag}.de` } });
    expect(company.status).toBe(201);
    // the name and the domain of the card's email: a match (a name alone never is)
    const linked = await importFile(
      Buffer.from(uniqueCard(`ORG:${name};Lager\r\nEMAIL;TYPE=WORK:karla@zentrale-${tag}.de\r\n`).text),
    );
    expect(linked.json.results[0].company).toEqual({ status: 'linked', name, id: company.json.id });
    const person = await getPerson(linked.json.results[0].id);
    expect(person).toMatchObject({ companyId: company.json.id, department: 'Lager' });
    // the name alone: "Müller GmbH" exists in many towns, so it is reported, not linked
    const possible = await importFile(Buffer.from(uniqueCard(`ORG:${name}\r\n`).text));
    const result = possible.json.results[0];
    expect(result.status).toBe('created');
    expect(result.company).toMatchObject({ status: 'possible', name });
    expect(result.company.candidates[0]).toMatchObject({ kind: 'company', id: company.json.id, level: 'possible' });
    expect(result.company.id).toBeUndefined();
    const unlinked = await getPerson(result.id);
    expect(unlinked.companyId).toBeUndefined();
  });

  it('keeps what it can of a card and names what it dropped; a card it cannot keep is invalid naming the property', async () => {
    const card = uniqueCard(
      'EMAIL:not-an-address\r\nTEL:12\r\nURL:javascript:alert(1)\r\nBDAY:1985-13-45\r\nPHOTO;ENCODING=b;TYPE=JPEG:AAAA\r\n',
    );
    const res = await importFile(Buffer.from(card.text));
    const [result] = res.json.results;
    expect(result.status).toBe('created');
    expect(result.warnings.map((w: { property: string }) => w.property).sort()).toEqual([
      'BDAY',
      'EMAIL',
      'PHOTO',
      'TEL',
      'URL',
    ]);
    expect(result.warnings.every((w: { line: number }) => w.line > 0)).toBe(true);
    const person = await getPerson(result.id);
    expect(person.emails).toEqual([card.email]);
    expect(person.photo).toBeUndefined();

    const long = `BEGIN:VCARD\r\nVERSION:3.0\r\nN:${'X'.repeat(150)};Y;;;\r\nEND:VCARD\r\n`;
    const invalid = await importFile(Buffer.from(long));
    expect(invalid.json.results[0]).toMatchObject({
      status: 'invalid',
      errors: [expect.objectContaining({ property: 'N', line: 3 })],
    });
  });

  it('stops in time on a long file and goes on from where it stopped, each card once', async () => {
    const cards = Array.from({ length: 40 }, () => uniqueCard());
    const file = Buffer.from(cards.map((c) => c.text).join(''));
    const seen: number[] = [];
    let from: number | null = 0;
    let parts = 0;
    while (from !== null) {
      // 2.8 s left: the import keeps 2 s back for its answer, so a part holds a few cards only
      const res = await send('POST /v1/contacts/vcards', {
        file,
        query: { from: String(from) },
        contentType: 'text/vcard',
        remainingMs: 2_800,
      });
      expect(res.status).toBe(200);
      expect(res.json.cardsTotal).toBe(40);
      for (const r of res.json.results) {
        expect(r.status).toBe('created');
        seen.push(r.index);
      }
      from = res.json.nextFrom;
      parts += 1;
    }
    expect(seen).toEqual(Array.from({ length: 40 }, (_, i) => i));
    expect(parts).toBeGreaterThan(1);
    const beyond = await importFile(file, { from: '40' });
    expect(beyond.status).toBe(400);
    expect(beyond.json.errors).toEqual([expect.objectContaining({ field: 'from' })]);
  });

  it('links a company it created to the cards of later parts, later files and requests running beside it', async () => {
    const org = `Neugründung ${uniqueCard().last} GmbH`;
    const first = uniqueCard(`ORG:${org}\r\n`);
    const made = await importFile(Buffer.from(first.text));
    expect(made.json.results[0].company).toMatchObject({ status: 'created', name: org });
    const companyId = made.json.results[0].company.id;
    // a retry of the whole file with one more card: the first is the same card, the second takes its company
    // another person of the company (a first name of her own: the same name in the same company would be a duplicate warning)
    const second = uniqueCard(`ORG:${org}\r\n`, 'Bernd');
    const again = await importFile(Buffer.from(first.text + second.text));
    expect(again.json.results[0].status).toBe('duplicate');
    expect(again.json.results[1]).toMatchObject({ status: 'created', company: { status: 'linked', id: companyId } });
    // two requests at once, each with a card of a company new to both: one company
    const other = `Doppelstart ${uniqueCard().last} AG`;
    const [a, b] = await Promise.all(
      [uniqueCard(`ORG:${other};Lager\r\n`), uniqueCard(`ORG:${other};Lager\r\n`, 'Bernd')].map((c) =>
        importFile(Buffer.from(c.text)),
      ),
    );
    const ids = [a?.json.results[0], b?.json.results[0]].map((r) => {
      expect(r.status).toBe('created');
      return r.company.id;
    });
    expect(ids[0]).toBe(ids[1]);
    const persons = await send('GET /v1/persons', { query: { companyId: ids[0] } });
    expect(persons.json.items.map((p: { department: string }) => p.department)).toEqual(['Lager', 'Lager']);
  });

  it('takes a company’s own card as the company, filling in the one its people’s cards made, and names what it cannot keep', async () => {
    const org = `Weinhaus ${uniqueCard().last} GmbH`;
    const person = uniqueCard(`ORG:${org};Verkauf\r\n`);
    // sorted by name, a person of the company comes before the company's own card
    const companyCard = [
      'BEGIN:VCARD',
      'VERSION:3.0',
      'N:;;;;',
      `FN:${org}`,
      `ORG:${org};Keller`,
      'X-ABShowAs:COMPANY',
      'TEL;TYPE=WORK:+49 6131 123456',
      'ADR;TYPE=WORK:;;Rheinallee 5;Mainz;;55116;Deutschland',
      'URL:https://weinhaus.example',
      'URL:https://shop.weinhaus.example',
      'NOTE:Lieferant seit 2019',
      'END:VCARD',
      '',
    ].join('\r\n');
    const res = await importFile(Buffer.from(person.text + companyCard));
    const [made, company] = res.json.results;
    expect(made).toMatchObject({ kind: 'person', status: 'created', company: { status: 'created' } });
    expect(company).toMatchObject({
      kind: 'company',
      status: 'duplicate',
      name: org,
      company: { status: 'linked', id: made.company.id },
      candidates: [{ kind: 'company', id: made.company.id, level: 'match' }],
    });
    expect(company.warnings.map((w: { property: string; line: number }) => `${w.property}:${w.line}`).sort()).toEqual([
      'NOTE:18',
      'ORG:12',
      'URL:17',
    ]);
    const stored = await send('GET /v1/companies/{id}', {
      path: `/v1/companies/${made.company.id}`,
      pathParameters: { id: made.company.id },
    });
    expect(stored.json).toMatchObject({
      name: org,
      phones: ['+496131123456'],
      website: 'https://weinhaus.example',
      address: { street: 'Rheinallee 5', city: 'Mainz', postalCode: '55116' },
    });
    // a card of a company alone, with no N and no FN, is the company too
    const alone = `Nur Firma ${uniqueCard().last} AG`;
    const only = await importFile(Buffer.from(`BEGIN:VCARD\r\nVERSION:3.0\r\nORG:${alone}\r\nEND:VCARD\r\n`));
    expect(only.json.results[0]).toMatchObject({ kind: 'company', status: 'created', name: alone });
  });

  it('inlines photos in a company’s file up to a budget, and says how many it left out', async () => {
    const org = `Fotostudio ${uniqueCard().last} KG`;
    // three people with photos of 900 KB each: 2.7 MB of photos, over the 2 MB a file inlines
    const photo = () =>
      Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), randomBytes(900 * 1024), Buffer.from([0xff, 0xd9])]);
    // three different people of one company: first names of their own, so duplicate protection
    // never takes two of them (same first name, same company, random last names) for one person
    const file = ['Karla', 'Bernd', 'Ute']
      .map(
        (first) => uniqueCard(`ORG:${org}\r\nPHOTO;ENCODING=b;TYPE=JPEG:${photo().toString('base64')}\r\n`, first).text,
      )
      .join('');
    const imported = await importFile(Buffer.from(file));
    expect(imported.json.results.map((r: { status: string }) => r.status)).toEqual(['created', 'created', 'created']);
    const companyId = imported.json.results[0].company.id;
    const exported = await send('GET /v1/companies/{id}/vcards', {
      path: `/v1/companies/${companyId}/vcards`,
      pathParameters: { id: companyId },
    });
    expect(exported.status).toBe(200);
    expect(exported.headers['x-kontakt-photos-omitted']).toBe('1');
    expect(exported.raw.match(/^PHOTO/gm)).toHaveLength(2);
    expect(exported.raw.length).toBeLessThan(4 * 1024 * 1024);
  });

  it('refuses a text body whose bytes were not UTF-8 on the way (replaced), pointing to octet-stream', async () => {
    const event = apiEvent({
      routeKey: 'POST /v1/contacts/vcards',
      path: '/v1/contacts/vcards',
      sub,
      headers: { 'content-type': 'text/vcard' },
      body: 'BEGIN:VCARD\r\nVERSION:2.1\r\nN:M\uFFFDller;J\uFFFDrgen\r\nEND:VCARD\r\n',
    });
    const res = await requests.filesHandler()(event, lambdaContext());
    expect(res.statusCode).toBe(400);
    expect(JSON.parse(res.body ?? '{}').errors).toEqual([
      expect.objectContaining({ field: 'body', message: expect.stringContaining('application/octet-stream') }),
    ]);
  });

  it('refuses what is no vCard file, naming the body', async () => {
    const res = await importFile(Buffer.from('Name;Email\nMax;max@example.org\n'));
    expect(res.status).toBe(400);
    expect(res.json.errors).toEqual([expect.objectContaining({ field: 'body' })]);
    const json = await send('POST /v1/contacts/vcards', { json: { cards: [] } });
    expect(json.status).toBe(415);
  });
});

describe('a person exported and imported again', () => {
  it('is a duplicate of itself, and reads back to the same fields, the photo included', async () => {
    const jpeg = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), randomBytes(300), Buffer.from([0xff, 0xd9])]);
    const card = uniqueCard(
      [
        'ORG:Rundreise AG;Außendienst',
        'TITLE:Gebietsleiterin',
        'ROLE:Entscheiderin',
        'TEL;TYPE=CELL:0171 9988776',
        'ADR;TYPE=WORK:;Gebäude B;Am Ring 1;Würzburg;;97070;Deutschland',
        'BDAY:1979-11-30',
        'URL:https://rundreise.example',
        'NOTE:Zwei Zeilen\\, mit Komma\\; und Semikolon\\nzweite Zeile',
        'CATEGORIES:Messe,Rückruf',
        `PHOTO;ENCODING=b;TYPE=JPEG:${jpeg.toString('base64')}`,
        '',
      ].join('\r\n'),
    );
    const imported = await importFile(Buffer.from(card.text));
    const id = imported.json.results[0].id;
    const person = await getPerson(id);
    expect(person).toMatchObject({
      role: 'Entscheiderin',
      note: 'Zwei Zeilen, mit Komma; und Semikolon\nzweite Zeile',
    });
    for (const version of ['3.0', '4.0']) {
      const exported = await send('GET /v1/persons/{id}/vcard', {
        path: `/v1/persons/${id}/vcard`,
        pathParameters: { id },
        query: { version },
      });
      expect(exported.status).toBe(200);
      // what the export says reads back to the person's own fields
      const [raw] = readVCards(exported.raw);
      const reading = raw ? readContact(raw) : null;
      if (!reading?.ok) throw new Error(`the export of ${id} does not read back`);
      const back = personFromContact(reading.contact);
      expect(back).toMatchObject({
        firstName: person.firstName,
        lastName: person.lastName,
        emails: person.emails,
        phones: person.phones,
        address: person.address,
        birthday: person.birthday,
        position: person.position,
        role: person.role,
        urls: person.urls,
        note: person.note,
        tags: person.tags,
        department: person.department,
        companyName: 'Rundreise AG',
      });
      expect(back.photo && 'bytes' in back.photo ? Buffer.from(back.photo.bytes).equals(jpeg) : false).toBe(true);
      // imported again it is the person itself: warned of by duplicate protection, and even when
      // forced not created twice, since it is the very card the person was created from
      const dry = await importFile(Buffer.from(exported.raw), { dryRun: 'true' });
      expect(dry.json.results[0]).toMatchObject({
        status: 'duplicate',
        candidates: [expect.objectContaining({ kind: 'person', id })],
      });
      const forced = await importFile(Buffer.from(exported.raw), { force: 'true' });
      expect(forced.json.results[0]).toMatchObject({
        status: 'duplicate',
        candidates: [{ kind: 'person', id, level: 'match', reasons: ['the same card was imported before'] }],
      });
    }
  });
});

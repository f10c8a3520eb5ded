// Persons, companies and the duplicate check through the contacts API's handler against DynamoDB
// Local: what a CRM user sees when creating, reading, changing and listing contacts, and the
// warning that comes before a duplicate exists (409, nothing stored) rather than after.
import { randomBytes } from 'node:crypto';
import { unzipSync } from 'fflate';
import { ulid } from 'ulid';
import { beforeAll, describe, expect, it } from 'vitest';
import { type Contact, createInboxEntry } from '../../domain/inbox/inbox-entry.ts';
import { personFromContact } from '../../domain/vcards/person-vcard.ts';
import { readContact } from '../../domain/vcards/vcard-contact.ts';
import { readVCards } from '../../domain/vcards/vcard-lines.ts';
import { createPersonRepository } from '../../functions/contacts/person.repository.ts';
import { createInboxEntryRepository } from '../../functions/inbox/inbox-entry.repository.ts';
import { createUserRepository } from '../../functions/users/user.repository.ts';
import { documentClient, tableName } from '../support/aws.ts';
import { apiEvent, lambdaContext } from '../support/events.ts';
import { eventually } from '../support/eventually.ts';
import { aPerson } from '../support/fixtures.ts';

const doc = documentClient();
const sub = 'contacts-tester';

// imported in beforeAll, once the environment it reads at import is set
let handler: typeof import('../../functions/contacts/contacts-api.handler.ts')['handler'];
/** the vCard routes: a function of their own */
let filesHandler: typeof import('../../functions/contacts/contact-files.handler.ts')['handler'];

// biome-ignore lint/suspicious/noExplicitAny: the tests read answers of many shapes; the assertions check them
type Answer = { status: number; headers: Record<string, string>; json: any };

const call = async (
  routeKey: string,
  options: { id?: string; body?: unknown; query?: Record<string, string> } = {},
): Promise<Answer> => {
  const path = routeKey.split(' ')[1]?.replace('{id}', options.id ?? '') ?? '/';
  const res = await handler(
    apiEvent({
      routeKey,
      path,
      sub,
      ...(options.id ? { pathParameters: { id: options.id } } : {}),
      ...(options.query ? { query: options.query } : {}),
      ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
    }),
    lambdaContext(),
  );
  return { status: res.statusCode, headers: res.headers, json: res.body ? JSON.parse(res.body) : undefined };
};

/**
 * A capitalised word of random letters, so each test's names, emails and search words are its own:
 * the integration table is shared by every test file, and two "Hans Müller" would warn of each other.
 */
const word = (): string => {
  const letters = Array.from(randomBytes(9), (b) => String.fromCharCode(97 + (b % 26))).join('');
  return `Q${letters}`;
};

/** A Berlin number nobody else in the table has, written the German way. */
const berlinPhone = (): { local: string; e164: string } => {
  const subscriber = `${2 + ((randomBytes(1)[0] ?? 0) % 8)}${String(randomBytes(4).readUInt32BE() % 10_000_000).padStart(7, '0')}`;
  return { local: `030/${subscriber}`, e164: `+4930${subscriber}` };
};

const createPerson = async (body: Record<string, unknown>) => {
  const res = await call('POST /v1/persons', { body });
  expect(res.status).toBe(201);
  return res.json;
};

const createCompany = async (body: Record<string, unknown>) => {
  const res = await call('POST /v1/companies', { body });
  expect(res.status).toBe(201);
  return res.json;
};

const ids = (answer: Answer): string[] => answer.json.items.map((item: { id: string }) => item.id);

beforeAll(async () => {
  await createUserRepository(doc, tableName).save(
    { id: sub, email: 'contacts@example.com', name: 'Contacts Tester', roles: ['sales'] },
    { upsert: true },
  );
  ({ handler } = await import('../../functions/contacts/contacts-api.handler.ts'));
  ({ handler: filesHandler } = await import('../../functions/contacts/contact-files.handler.ts'));
});

describe('creating persons and companies', () => {
  it('creates a person with phones in E.164 and each email once, and says where the person lives', async () => {
    const name = word();
    const phone = berlinPhone();

    const created = await call('POST /v1/persons', {
      body: {
        title: 'Dr.',
        firstName: 'Hans',
        lastName: `Müller-${name}`,
        emails: [`Hans.${name}@Example.de`, `hans.${name.toLowerCase()}@example.de`, `h.${name}@example.org`],
        phones: [phone.local, phone.e164.replace('+4930', '0049 30 ')],
      },
    });
    const read = await call('GET /v1/persons/{id}', { id: created.json.id });

    expect(created.status).toBe(201);
    expect(created.headers.location).toBe(`/v1/persons/${created.json.id}`);
    expect(created.json).toMatchObject({
      title: 'Dr.',
      firstName: 'Hans',
      lastName: `Müller-${name}`,
      emails: [`Hans.${name}@Example.de`, `h.${name}@example.org`],
      phones: [phone.e164],
      isMainContact: false,
      addressInherited: false,
      version: 1,
    });
    expect(read).toMatchObject({ status: 200, json: created.json });
  });

  it('warns with the first person instead of creating a second Hans Müller, and creates him when forced', async () => {
    const name = word();
    const phone = berlinPhone();
    const first = await createPerson({
      title: 'Dr.',
      firstName: 'Hans',
      lastName: `Müller-${name}`,
      emails: [`hans.${name}@example.de`],
      phones: [phone.local],
    });
    const again = {
      firstName: 'Hans',
      lastName: `Mueller-${name}`,
      phones: [phone.e164.replace('+4930', '+49 30 ')],
    };

    const warned = await call('POST /v1/persons', { body: again });
    const afterWarning = await call('GET /v1/persons', { query: { q: name } });
    const forced = await call('POST /v1/persons', { body: { ...again, force: true } });
    const afterForce = await call('GET /v1/persons', { query: { q: name } });

    expect(warned.status).toBe(409);
    expect(warned.headers['content-type']).toBe('application/problem+json');
    expect(warned.json).toMatchObject({
      type: '/problems/possible-duplicates',
      status: 409,
      candidates: [
        {
          kind: 'person',
          id: first.id,
          level: 'match',
          score: expect.closeTo(1, 2),
          reasons: expect.arrayContaining(['phone_equal', 'first_name_equal', 'last_name_equal']),
        },
      ],
    });
    expect(ids(afterWarning)).toEqual([first.id]);
    expect(forced.status).toBe(201);
    expect(forced.json.phones).toEqual([phone.e164]);
    expect(ids(afterForce).sort()).toEqual([first.id, forced.json.id].sort());
  });

  it('creates a person known by last name only, and warns when "Herr Kempton" of the same postcode comes again', async () => {
    const lastName = `Kempton${word()}`;
    const address = { street: 'Domstraße 3', postalCode: '50668', city: 'Köln' };

    const created = await call('POST /v1/persons', { body: { salutation: 'Herr', lastName, address } });
    const again = await call('POST /v1/persons', {
      body: { salutation: 'Herr', lastName, address: { postalCode: '50668' } },
    });
    const missingLastName = await call('POST /v1/persons', { body: { firstName: 'Klaus' } });

    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ salutation: 'Herr', lastName });
    expect(created.json).not.toHaveProperty('firstName');
    expect(again.status).toBe(409);
    expect(again.json.candidates).toEqual([expect.objectContaining({ id: created.json.id, kind: 'person' })]);
    expect(missingLastName.status).toBe(400);
    expect(missingLastName.json.errors).toEqual([expect.objectContaining({ field: 'lastName' })]);
  });

  it('removes a person’s first name with a null in the patch', async () => {
    const person = await createPerson({ firstName: 'Klaus', lastName: `Vorname${word()}` });

    const res = await call('PATCH /v1/persons/{id}', {
      id: person.id,
      body: { version: person.version, firstName: null },
    });

    expect(res.status).toBe(200);
    expect(res.json).not.toHaveProperty('firstName');
  });

  it('warns with the first company when "MUELLER Maschinenbau GmbH" follows "Müller Maschinenbau GmbH & Co. KG"', async () => {
    const name = word();
    const first = await createCompany({ name: `Müller Maschinenbau ${name} GmbH & Co. KG` });

    const warned = await call('POST /v1/companies', { body: { name: `MUELLER Maschinenbau ${name} GmbH` } });
    const listed = await call('GET /v1/companies', { query: { q: name } });

    expect(warned.status).toBe(409);
    expect(warned.json).toMatchObject({
      type: '/problems/possible-duplicates',
      candidates: [
        {
          kind: 'company',
          id: first.id,
          level: expect.stringMatching(/^(match|possible)$/),
          reasons: expect.arrayContaining(['company_name_equal']),
        },
      ],
    });
    expect(ids(listed)).toEqual([first.id]);
  });

  it('shows a person without an address at their company’s address, and one with their own at theirs', async () => {
    const name = word();
    const companyAddress = { street: 'Hauptstraße 5', postalCode: '10115', city: 'Berlin', country: 'DE' };
    const ownAddress = { street: 'Gartenweg 2', postalCode: '14467', city: 'Potsdam' };
    const company = await createCompany({ name: `${name} Logistik GmbH`, address: companyAddress });

    const without = await createPerson({ firstName: 'Anna', lastName: name, companyId: company.id });
    const withOwn = await createPerson({
      firstName: 'Bernd',
      lastName: name,
      companyId: company.id,
      address: ownAddress,
    });
    const readWithout = await call('GET /v1/persons/{id}', { id: without.id });
    const readWithOwn = await call('GET /v1/persons/{id}', { id: withOwn.id });

    expect(without).toMatchObject({ address: companyAddress, addressInherited: true });
    expect(readWithout.json).toMatchObject({ address: companyAddress, addressInherited: true });
    expect(readWithOwn.json).toMatchObject({ address: ownAddress, addressInherited: false });
  });
});

describe('changing a person', () => {
  it('refuses a stale or missing version and changes nothing', async () => {
    const person = await createPerson({ firstName: 'Clara', lastName: word() });
    const current = await call('PATCH /v1/persons/{id}', { id: person.id, body: { version: 1, position: 'CEO' } });

    const stale = await call('PATCH /v1/persons/{id}', { id: person.id, body: { version: 1, position: 'CFO' } });
    const missing = await call('PATCH /v1/persons/{id}', { id: person.id, body: { position: 'CTO' } });
    const read = await call('GET /v1/persons/{id}', { id: person.id });

    expect(current.json).toMatchObject({ position: 'CEO', version: 2 });
    expect(stale.status).toBe(409);
    expect(stale.json.type).toBe('/problems/stale-version');
    expect(missing.status).toBe(400);
    expect(missing.json.errors).toEqual([{ field: 'version', message: expect.any(String) }]);
    expect(read.json).toEqual(current.json);
  });

  it('shows the company’s address again once the person’s own is removed', async () => {
    const name = word();
    const companyAddress = { street: 'Industriestraße 1', postalCode: '70565', city: 'Stuttgart' };
    const company = await createCompany({ name: `${name} Werkzeuge GmbH`, address: companyAddress });
    const person = await createPerson({
      firstName: 'Gerd',
      lastName: name,
      companyId: company.id,
      address: { street: 'Lindenallee 3', postalCode: '70173', city: 'Stuttgart' },
    });

    const res = await call('PATCH /v1/persons/{id}', { id: person.id, body: { version: 1, address: null } });

    expect(person.addressInherited).toBe(false);
    expect(res.json).toMatchObject({ address: companyAddress, addressInherited: true, version: 2 });
  });

  it('refuses read-only fields, naming each', async () => {
    const person = await createPerson({ firstName: 'Dora', lastName: word() });

    const withId = await call('PATCH /v1/persons/{id}', { id: person.id, body: { version: 1, id: ulid() } });
    const withCreatedAt = await call('PATCH /v1/persons/{id}', {
      id: person.id,
      body: { version: 1, createdAt: '2020-01-01T00:00:00.000Z', lastName: 'Neu' },
    });
    const read = await call('GET /v1/persons/{id}', { id: person.id });

    expect(withId.status).toBe(400);
    expect(withId.json.errors).toEqual([{ field: 'id', message: 'is read-only' }]);
    expect(withCreatedAt.status).toBe(400);
    expect(withCreatedAt.json.errors).toEqual([{ field: 'createdAt', message: 'is read-only' }]);
    expect(read.json).toEqual(person);
  });

  it('refuses a company that does not exist, naming companyId, on change and on creation', async () => {
    const name = word();
    const person = await createPerson({ firstName: 'Emil', lastName: name });

    const patched = await call('PATCH /v1/persons/{id}', { id: person.id, body: { version: 1, companyId: ulid() } });
    const created = await call('POST /v1/persons', { body: { firstName: 'Erna', lastName: name, companyId: ulid() } });
    const read = await call('GET /v1/persons/{id}', { id: person.id });
    const listed = await call('GET /v1/persons', { query: { q: name } });

    expect(patched.status).toBe(422);
    expect(patched.json.errors).toEqual([{ field: 'companyId', message: expect.any(String) }]);
    expect(created.status).toBe(422);
    expect(created.json.errors).toEqual([{ field: 'companyId', message: expect.any(String) }]);
    expect(read.json).toEqual(person);
    expect(ids(listed)).toEqual([person.id]);
  });

  it('refuses a supervisor that would make a cycle, directly or up the chain', async () => {
    const name = word();
    const a = await createPerson({ firstName: 'Anton', lastName: name });
    const b = await createPerson({ firstName: 'Berta', lastName: name });
    const c = await createPerson({ firstName: 'Carl', lastName: name });
    const aUnderB = await call('PATCH /v1/persons/{id}', { id: a.id, body: { version: 1, supervisorId: b.id } });

    const bUnderA = await call('PATCH /v1/persons/{id}', { id: b.id, body: { version: 1, supervisorId: a.id } });
    const bUnderC = await call('PATCH /v1/persons/{id}', { id: b.id, body: { version: 1, supervisorId: c.id } });
    const cUnderA = await call('PATCH /v1/persons/{id}', { id: c.id, body: { version: 1, supervisorId: a.id } });
    const readB = await call('GET /v1/persons/{id}', { id: b.id });
    const readC = await call('GET /v1/persons/{id}', { id: c.id });

    expect(aUnderB.json).toMatchObject({ supervisorId: b.id, version: 2 });
    expect(bUnderA.status).toBe(422);
    expect(bUnderA.json.errors).toEqual([{ field: 'supervisorId', message: expect.any(String) }]);
    expect(bUnderC.json).toMatchObject({ supervisorId: c.id, version: 2 });
    expect(cUnderA.status).toBe(422);
    expect(cUnderA.json.errors[0].field).toBe('supervisorId');
    expect(readB.json.supervisorId).toBe(c.id);
    expect(readC.json).toEqual(c);
  });

  it('refuses phones that are no phone numbers, naming the entry', async () => {
    const person = await createPerson({ firstName: 'Frieda', lastName: word() });

    const letters = await call('PATCH /v1/persons/{id}', { id: person.id, body: { version: 1, phones: ['abc'] } });
    const tooShort = await call('PATCH /v1/persons/{id}', {
      id: person.id,
      body: { version: 1, phones: [berlinPhone().local, '12'] },
    });
    const read = await call('GET /v1/persons/{id}', { id: person.id });

    expect(letters.status).toBe(400);
    expect(letters.json.errors).toEqual([{ field: 'phones.0', message: expect.any(String) }]);
    expect(tooShort.status).toBe(400);
    expect(tooShort.json.errors).toEqual([{ field: 'phones.1', message: expect.any(String) }]);
    expect(read.json).toEqual(person);
  });

  it('moves a person’s duplicate lookup with a changed email: the old one no longer finds them, the new one does', async () => {
    const name = word();
    const oldEmail = `ina.${name}@example.de`;
    const newEmail = `ina.${name}@example.org`;
    const person = await createPerson({ firstName: 'Ina', lastName: name, emails: [oldEmail] });
    const check = async (email: string) =>
      (await call('POST /v1/duplicates/check', { body: { person: { emails: [email] } } })).json.candidates;
    const before = await check(oldEmail);

    const patched = await call('PATCH /v1/persons/{id}', { id: person.id, body: { version: 1, emails: [newEmail] } });
    const byOld = await check(oldEmail);
    const byNew = await check(newEmail);

    expect(before).toEqual([expect.objectContaining({ kind: 'person', id: person.id })]);
    expect(patched.json.emails).toEqual([newEmail]);
    expect(byOld).toEqual([]);
    expect(byNew).toEqual([
      expect.objectContaining({
        kind: 'person',
        id: person.id,
        level: 'match',
        reasons: expect.arrayContaining(['email_equal']),
      }),
    ]);
  });
});

describe('a person who changes companies (seed 003)', () => {
  it('keeps where they worked: the old employment ends, the new one starts, and the lists follow', async () => {
    const first = await createCompany({ name: `${word()} Alt GmbH` });
    const second = await createCompany({ name: `${word()} Neu GmbH` });
    const person = await createPerson({ firstName: 'Jana', lastName: word(), companyId: first.id });
    expect(person.employments).toEqual([{ companyId: first.id, from: person.createdAt, to: null }]);

    const moved = await call('PATCH /v1/persons/{id}', {
      id: person.id,
      body: { companyId: second.id, version: person.version },
    });
    expect(moved.status).toBe(200);
    expect(moved.json.employments).toEqual([
      { companyId: first.id, from: person.createdAt, to: moved.json.updatedAt },
      { companyId: second.id, from: moved.json.updatedAt, to: null },
    ]);
    const read = await call('GET /v1/persons/{id}', { id: person.id });
    expect(read.json.employments).toEqual(moved.json.employments);
    await eventually(async () => {
      expect(ids(await call('GET /v1/persons', { query: { companyId: first.id } }))).not.toContain(person.id);
      expect(ids(await call('GET /v1/persons', { query: { companyId: second.id } }))).toContain(person.id);
      return true;
    });
  });
});

describe('a person’s origin (Herkunft)', () => {
  it('is one of the origins list when set or changed (422 naming origin); a stored free text stays readable', async () => {
    const person = await createPerson({ lastName: word(), origin: 'Messe' });
    expect(person.origin).toBe('Messe');

    const unknown = await call('POST /v1/persons', { body: { lastName: word(), origin: 'Flurfunk' } });
    expect(unknown.status).toBe(422);
    expect(unknown.json.errors).toEqual([
      { field: 'origin', message: expect.stringContaining('"Flurfunk" is not one of Kaltakquise') },
    ]);

    const changed = await call('PATCH /v1/persons/{id}', {
      id: person.id,
      body: { version: person.version, origin: 'Empfehlung' },
    });
    expect(changed.status).toBe(200);
    expect(changed.json.origin).toBe('Empfehlung');
    const bad = await call('PATCH /v1/persons/{id}', {
      id: person.id,
      body: { version: changed.json.version, origin: 'Zufall' },
    });
    expect(bad.status).toBe(422);

    // a value stored before the list existed: readable, and a patch of something else keeps it
    const older = aPerson({ firstName: 'Alt', lastName: word(), origin: 'Telefonbuch 1998' });
    await createPersonRepository(doc, tableName).create(older);
    const read = await call('GET /v1/persons/{id}', { id: older.id });
    expect(read.json.origin).toBe('Telefonbuch 1998');
    const other = await call('PATCH /v1/persons/{id}', {
      id: older.id,
      body: { version: older.version, position: 'Leitung' },
    });
    expect(other.status).toBe(200);
    expect(other.json.origin).toBe('Telefonbuch 1998');
  });
});

describe('changing a company', () => {
  it('refuses a parent company that would make a cycle of holdings', async () => {
    const name = word();
    const holding = await createCompany({ name: `${name} Holding SE` });
    const branch = await createCompany({ name: `${name} Service GmbH`, parentCompanyId: holding.id });

    const res = await call('PATCH /v1/companies/{id}', {
      id: holding.id,
      body: { version: 1, parentCompanyId: branch.id },
    });
    const read = await call('GET /v1/companies/{id}', { id: holding.id });

    expect(res.status).toBe(422);
    expect(res.json.errors).toEqual([{ field: 'parentCompanyId', message: expect.any(String) }]);
    expect(read.json).toEqual(holding);
  });
});

describe('the lifecycle stage by hand (Allgemeiner Kontakt → Lead → Interessent → Kunde)', () => {
  it('sets a company’s stage with its history, keeps the relationship in step, and lists by stage', async () => {
    const company = await createCompany({ name: `${word()} Stufen GmbH` });
    const prospect = await call('PATCH /v1/companies/{id}', {
      id: company.id,
      body: { version: 1, lifecycleStage: 'prospect' },
    });
    const customer = await call('PATCH /v1/companies/{id}', {
      id: company.id,
      body: { version: 2, relationship: 'customer' },
    });
    const contradicting = await call('PATCH /v1/companies/{id}', {
      id: company.id,
      body: { version: 3, relationship: 'partner', lifecycleStage: 'customer' },
    });
    const customers = await call('GET /v1/companies', {
      query: { relationship: 'customer', lifecycleStage: 'customer' },
    });
    const wrongStage = await call('GET /v1/companies', { query: { lifecycleStage: 'kunde' } });

    expect(company).toMatchObject({
      lifecycleStage: 'general',
      stageHistory: [{ from: null, to: 'general', by: 'user', userId: sub }],
    });
    expect(prospect.json).toMatchObject({ lifecycleStage: 'prospect', relationship: 'prospect' });
    expect(customer.json).toMatchObject({ lifecycleStage: 'customer', relationship: 'customer', version: 3 });
    expect(customer.json.stageHistory.slice(1)).toEqual([
      { from: 'general', to: 'prospect', at: prospect.json.updatedAt, by: 'user', userId: sub },
      { from: 'prospect', to: 'customer', at: customer.json.updatedAt, by: 'relationship', userId: sub },
    ]);
    expect(contradicting).toMatchObject({ status: 422, json: { errors: [{ field: 'relationship' }] } });
    expect(ids(customers)).toContain(company.id);
    expect(wrongStage).toMatchObject({ status: 400, json: { errors: [{ field: 'lifecycleStage' }] } });
  });

  it('gives a person without a company a stage of their own and refuses one for a person with a company', async () => {
    const company = await createCompany({ name: `${word()} Arbeitgeber GmbH` });
    const alone = await createPerson({ lastName: word(), lifecycleStage: 'lead' });
    const employed = await createPerson({ lastName: word(), companyId: company.id });
    const raised = await call('PATCH /v1/persons/{id}', {
      id: alone.id,
      body: { version: 1, lifecycleStage: 'customer' },
    });
    const refused = await call('PATCH /v1/persons/{id}', {
      id: employed.id,
      body: { version: 1, lifecycleStage: 'lead' },
    });
    const refusedNew = await call('POST /v1/persons', {
      body: { lastName: word(), companyId: company.id, lifecycleStage: 'lead' },
    });

    expect(alone).toMatchObject({ lifecycleStage: 'lead', stageHistory: [{ from: null, to: 'lead', by: 'user' }] });
    expect(employed).not.toHaveProperty('lifecycleStage');
    expect(raised.json).toMatchObject({ lifecycleStage: 'customer' });
    expect(raised.json.stageHistory.at(-1)).toMatchObject({ from: 'lead', to: 'customer', by: 'user', userId: sub });
    for (const res of [refused, refusedNew]) {
      expect(res).toMatchObject({ status: 422, json: { errors: [{ field: 'lifecycleStage' }] } });
    }
  });
});

describe('the main contact (Hauptkontakt, seed 003)', () => {
  it('is one person per company: naming another unsets the first in the same change, and the company shows their address', async () => {
    const company = await createCompany({
      name: `${word()} Haupt GmbH`,
      address: { street: 'Am Markt 1', postalCode: '28195', city: 'Bremen' },
    });
    const first = await createPerson({
      lastName: word(),
      companyId: company.id,
      isMainContact: true,
      address: { street: 'Lindenweg 4', postalCode: '28199', city: 'Bremen' },
    });
    const afterFirst = await call('GET /v1/companies/{id}', { id: company.id });
    const second = await createPerson({ lastName: word(), companyId: company.id });
    const named = await call('PATCH /v1/persons/{id}', { id: second.id, body: { version: 1, isMainContact: true } });
    const [readFirst, readSecond, afterSecond, list] = await Promise.all([
      call('GET /v1/persons/{id}', { id: first.id }),
      call('GET /v1/persons/{id}', { id: second.id }),
      call('GET /v1/companies/{id}', { id: company.id }),
      call('GET /v1/persons', { query: { companyId: company.id } }),
    ]);

    expect(first.isMainContact).toBe(true);
    expect(afterFirst.json).toMatchObject({
      mainContactId: first.id,
      address: first.address,
      addressFromMainContact: true,
    });
    expect(named).toMatchObject({ status: 200, json: { isMainContact: true } });
    expect(readFirst.json.isMainContact).toBe(false);
    expect(readSecond.json).toMatchObject({ isMainContact: true, address: company.address, addressInherited: true });
    // the second has no address of their own: the company shows its own
    expect(afterSecond.json).toMatchObject({
      mainContactId: second.id,
      address: company.address,
      addressFromMainContact: false,
      version: company.version + 2,
    });
    expect(list.json.items.filter((p: { isMainContact: boolean }) => p.isMainContact)).toHaveLength(1);

    // stepping down and joining a new department in one change writes the company once
    const stepDown = await call('PATCH /v1/persons/{id}', {
      id: second.id,
      body: { version: named.json.version, isMainContact: false, department: 'Neue Abteilung' },
    });
    const afterStepDown = await call('GET /v1/companies/{id}', { id: company.id });
    expect(stepDown).toMatchObject({ status: 200, json: { isMainContact: false, department: 'Neue Abteilung' } });
    expect(afterStepDown.json).toMatchObject({
      mainContactId: null,
      departments: [{ name: 'Neue Abteilung' }],
      version: company.version + 3,
    });
  });

  it('is set on the company for one of its persons only, and leaves with a person who changes company', async () => {
    const company = await createCompany({ name: `${word()} Eins GmbH` });
    const other = await createCompany({ name: `${word()} Zwei GmbH` });
    const inside = await createPerson({ lastName: word(), companyId: company.id });
    const outside = await createPerson({ lastName: word(), companyId: other.id });

    const wrong = await call('PATCH /v1/companies/{id}', {
      id: company.id,
      body: { version: 1, mainContactId: outside.id },
    });
    const unknown = await call('PATCH /v1/companies/{id}', {
      id: company.id,
      body: { version: 1, mainContactId: 'nobody' },
    });
    const named = await call('PATCH /v1/companies/{id}', {
      id: company.id,
      body: { version: 1, mainContactId: inside.id },
    });
    const readInside = await call('GET /v1/persons/{id}', { id: inside.id });
    const moved = await call('PATCH /v1/persons/{id}', { id: inside.id, body: { version: 1, companyId: other.id } });
    const left = await call('GET /v1/companies/{id}', { id: company.id });
    const noCompany = await call('POST /v1/persons', { body: { lastName: word(), isMainContact: true } });

    for (const res of [wrong, unknown]) {
      expect(res).toMatchObject({ status: 422, json: { errors: [{ field: 'mainContactId' }] } });
    }
    expect(named.json).toMatchObject({ mainContactId: inside.id, version: 2 });
    expect(readInside.json.isMainContact).toBe(true);
    expect(moved.json).toMatchObject({ companyId: other.id, isMainContact: false });
    expect(left.json).toMatchObject({ mainContactId: null, version: 3 });
    expect(noCompany).toMatchObject({ status: 422, json: { errors: [{ field: 'isMainContact' }] } });
  });
});

describe('departments and the company’s structure (seed 003)', () => {
  it('keeps departments as the company’s list: persons join by name, a rename renames it for all, one in use stays', async () => {
    const company = await createCompany({ name: `${word()} Abteilungen GmbH` });
    const head = await createPerson({ lastName: word(), companyId: company.id, department: 'Einkauf' });
    const buyer = await createPerson({
      lastName: word(),
      companyId: company.id,
      department: 'EINKAUF',
      supervisorId: head.id,
    });
    const withList = await call('GET /v1/companies/{id}', { id: company.id });
    const departmentId = withList.json.departments[0]?.id;
    const renamed = await call('PATCH /v1/companies/{id}', {
      id: company.id,
      body: {
        version: withList.json.version,
        departments: [{ id: departmentId, name: 'Beschaffung' }, { name: 'Lager' }],
      },
    });
    const [readHead, readBuyer] = await Promise.all([
      call('GET /v1/persons/{id}', { id: head.id }),
      call('GET /v1/persons/{id}', { id: buyer.id }),
    ]);
    const removeInUse = await call('PATCH /v1/companies/{id}', {
      id: company.id,
      body: { version: renamed.json.version, departments: [] },
    });
    const unknown = await call('PATCH /v1/persons/{id}', { id: buyer.id, body: { version: 1, departmentId: 'nope' } });

    expect(withList.json.departments).toEqual([{ id: expect.any(String), name: 'Einkauf' }]);
    expect(head).toMatchObject({ department: 'Einkauf', departmentId });
    expect(buyer).toMatchObject({ department: 'Einkauf', departmentId });
    expect(renamed.json.departments).toEqual([
      { id: departmentId, name: 'Beschaffung' },
      { id: expect.any(String), name: 'Lager' },
    ]);
    for (const person of [readHead, readBuyer])
      expect(person.json).toMatchObject({ department: 'Beschaffung', departmentId });
    expect(removeInUse).toMatchObject({ status: 422, json: { errors: [{ field: 'departments' }] } });
    expect(unknown).toMatchObject({ status: 422, json: { errors: [{ field: 'departmentId' }] } });
  });

  it('answers the people by department as supervisor trees, and the holding structure below a company', async () => {
    const name = word();
    const holding = await createCompany({ name: `${name} Holding SE` });
    const branch = await createCompany({ name: `${name} Nord GmbH`, parentCompanyId: holding.id });
    const subBranch = await createCompany({ name: `${name} Kiel GmbH`, parentCompanyId: branch.id });
    const boss = await createPerson({ lastName: `${name}a`, companyId: holding.id, department: 'Vertrieb' });
    const seller = await createPerson({
      lastName: `${name}b`,
      companyId: holding.id,
      department: 'Vertrieb',
      supervisorId: boss.id,
    });
    const buyer = await createPerson({
      lastName: `${name}c`,
      companyId: holding.id,
      department: 'Einkauf',
      supervisorId: boss.id,
    });
    const loner = await createPerson({ lastName: `${name}d`, companyId: holding.id });

    const tree = await call('GET /v1/companies/{id}/persons', { id: holding.id, query: { view: 'tree' } });
    const page = await call('GET /v1/companies/{id}/persons', { id: holding.id, query: { limit: '2' } });
    const branches = await call('GET /v1/companies/{id}/branches', { id: holding.id, query: { view: 'tree' } });
    const flat = await call('GET /v1/companies/{id}/branches', { id: holding.id });
    const badView = await call('GET /v1/companies/{id}/persons', { id: holding.id, query: { view: 'graph' } });

    const shape = (nodes: { person: { id: string }; reports: unknown[] }[]): unknown[] =>
      nodes.map((n) => (n.reports.length ? { [n.person.id]: shape(n.reports as typeof nodes) } : n.person.id));
    expect(tree.status).toBe(200);
    expect(tree.json.departments.map((d: { name: string | null; people: [] }) => [d.name, shape(d.people)])).toEqual([
      ['Vertrieb', [{ [boss.id]: [seller.id] }]],
      ['Einkauf', [buyer.id]],
      [null, [loner.id]],
    ]);
    expect(tree.json.truncated).toBe(false);
    expect(page.json.items).toHaveLength(2);
    expect(page.json.nextCursor).toEqual(expect.any(String));
    expect(branches.json).toMatchObject({
      company: { id: holding.id },
      branches: [{ company: { id: branch.id }, branches: [{ company: { id: subBranch.id }, branches: [] }] }],
      truncated: false,
    });
    expect(ids(flat)).toEqual([branch.id]);
    expect(badView).toMatchObject({ status: 400, json: { errors: [{ field: 'view' }] } });
  });
});

describe('a person’s vCard', () => {
  it('exports the person as Outlook reads it, the main contact with the company’s address, and as 4.0 when asked', async () => {
    const company = await createCompany({
      name: `${word()} Visitenkarten GmbH`,
      address: { street: 'Lange Straße 8', postalCode: '26122', city: 'Oldenburg', country: 'DE' },
    });
    const person = await createPerson({
      salutation: 'Frau',
      title: 'Dr.',
      firstName: 'Jördis',
      lastName: word(),
      emails: [`joerdis.${word().toLowerCase()}@example.de`],
      phones: [berlinPhone().local],
      companyId: company.id,
      isMainContact: true,
      department: 'Geschäftsführung',
      position: 'Geschäftsführerin',
      birthday: '1975-06-30',
    });
    const raw = async (query?: Record<string, string>) => {
      const res = await filesHandler(
        apiEvent({
          routeKey: 'GET /v1/persons/{id}/vcard',
          path: `/v1/persons/${person.id}/vcard`,
          sub,
          pathParameters: { id: person.id },
          ...(query ? { query } : {}),
        }),
        lambdaContext(),
      );
      return { status: res.statusCode, headers: res.headers ?? {}, body: String(res.body ?? '') };
    };

    const v3 = await raw();
    const v4 = await raw({ version: '4.0' });
    const wrong = await raw({ version: '2.1' });
    const [card] = readVCards(v3.body);
    const reading = card ? readContact(card) : null;

    expect(v3.status).toBe(200);
    expect(v3.headers['content-type']).toBe('text/vcard; charset=utf-8');
    expect(v3.headers['content-disposition']).toContain('.vcf');
    expect(v3.body).toContain('VERSION:3.0\r\n');
    expect(v4.body).toContain('VERSION:4.0\r\n');
    expect(wrong.status).toBe(400);
    expect(reading?.ok && personFromContact(reading.contact)).toEqual({
      salutation: 'Frau',
      title: 'Dr.',
      firstName: 'Jördis',
      lastName: person.lastName,
      emails: person.emails,
      phones: person.phones,
      address: company.address,
      birthday: '1975-06-30',
      position: 'Geschäftsführerin',
      department: 'Geschäftsführung',
      companyName: company.name,
    });
  });
});

describe('a company’s vCards', () => {
  it('exports the company’s people as one file by name, and as a zip of one file each', async () => {
    const company = await createCompany({ name: `${word()} Kartei KG` });
    const last = word();
    const berta = await createPerson({ firstName: 'Berta', lastName: `${last}b`, companyId: company.id });
    const anton = await createPerson({ firstName: 'Anton', lastName: `${last}a`, companyId: company.id });
    const raw = async (query?: Record<string, string>) =>
      filesHandler(
        apiEvent({
          routeKey: 'GET /v1/companies/{id}/vcards',
          path: `/v1/companies/${company.id}/vcards`,
          sub,
          pathParameters: { id: company.id },
          ...(query ? { query } : {}),
        }),
        lambdaContext(),
      );

    const file = await raw();
    const zip = await raw({ split: 'true' });
    const cards = readVCards(String(file.body));
    const files = unzipSync(Buffer.from(String(zip.body), 'base64'));

    expect(file.headers?.['content-type']).toBe('text/vcard; charset=utf-8');
    expect(cards.map((c) => c.properties.find((p) => p.name === 'FN')?.value)).toEqual([
      `Anton ${anton.lastName}`,
      `Berta ${berta.lastName}`,
    ]);
    expect(zip).toMatchObject({
      statusCode: 200,
      isBase64Encoded: true,
      headers: { 'content-type': 'application/zip' },
    });
    expect(Object.keys(files).sort()).toEqual([`Anton ${anton.lastName}.vcf`, `Berta ${berta.lastName}.vcf`]);
    const [only] = readVCards(files[`Berta ${berta.lastName}.vcf`] ?? new Uint8Array());
    expect(only?.properties.find((p) => p.name === 'ORG')?.value).toBe(company.name);
  });
});

describe('listing persons and companies', () => {
  it('lists a company’s persons', async () => {
    const name = word();
    const company = await createCompany({ name: `${name} Bau AG` });
    const other = await createCompany({ name: `${name} Holz KG` });
    const anna = await createPerson({ firstName: 'Anna', lastName: name, companyId: company.id });
    const bernd = await createPerson({ firstName: 'Bernd', lastName: name, companyId: company.id });
    await createPerson({ firstName: 'Carla', lastName: name, companyId: other.id });

    const res = await call('GET /v1/persons', { query: { companyId: company.id } });

    expect(res.status).toBe(200);
    expect(ids(res).sort()).toEqual([anna.id, bernd.id].sort());
    expect(res.json.nextCursor).toBeNull();
  });

  it('lists a company’s persons by last name, those known by last name only among them', async () => {
    const name = word();
    const company = await createCompany({ name: `${name} Handel GmbH` });
    const zander = await createPerson({ firstName: 'Anna', lastName: `Zander${name}`, companyId: company.id });
    const kempton = await createPerson({ salutation: 'Herr', lastName: `Kempton${name}`, companyId: company.id });
    const baum = await createPerson({ firstName: 'Carla', lastName: `Baum${name}`, companyId: company.id });

    const res = await call('GET /v1/persons', { query: { companyId: company.id } });

    expect(ids(res)).toEqual([baum.id, kempton.id, zander.id]);
    expect(res.json.items[1]).not.toHaveProperty('firstName');
  });

  it('finds persons by a prefix of their name with umlauts folded: "mül" and "MUELLER" find Müller', async () => {
    const firstName = word();
    const mueller = await createPerson({ firstName, lastName: 'Müller', emails: [`${firstName}@example.de`] });
    await createPerson({ firstName, lastName: 'Schmidt' });

    const byUmlaut = await call('GET /v1/persons', { query: { q: `mül ${firstName}` } });
    const bySpelledOut = await call('GET /v1/persons', { query: { q: `MUELLER ${firstName.toLowerCase()}` } });
    const byFirstName = await call('GET /v1/persons', { query: { q: firstName.slice(0, 8) } });

    expect(ids(byUmlaut)).toEqual([mueller.id]);
    expect(ids(bySpelledOut)).toEqual([mueller.id]);
    expect(byFirstName.json.items).toHaveLength(2);
  });

  it('lists companies by relationship and by parent company', async () => {
    const name = word();
    const holding = await createCompany({ name: `${name} Holding AG`, relationship: 'customer' });
    const north = await createCompany({
      name: `${name} Nord GmbH`,
      relationship: 'supplier',
      parentCompanyId: holding.id,
    });
    const south = await createCompany({
      name: `${name} Süd GmbH`,
      relationship: 'partner',
      parentCompanyId: holding.id,
    });
    const suppliers: { id: string; relationship: string }[] = [];
    let cursor: string | undefined;
    do {
      const page = await call('GET /v1/companies', {
        query: { relationship: 'supplier', limit: '100', ...(cursor ? { cursor } : {}) },
      });
      suppliers.push(...page.json.items);
      cursor = page.json.nextCursor ?? undefined;
    } while (cursor);

    const branches = await call('GET /v1/companies', { query: { parentCompanyId: holding.id } });
    const supplierBranches = await call('GET /v1/companies', {
      query: { parentCompanyId: holding.id, relationship: 'supplier' },
    });

    expect(suppliers.map((c) => c.id)).toContain(north.id);
    expect(suppliers.map((c) => c.id)).not.toContain(south.id);
    expect(suppliers.every((c) => c.relationship === 'supplier')).toBe(true);
    expect(ids(branches).sort()).toEqual([north.id, south.id].sort());
    expect(ids(supplierBranches)).toEqual([north.id]);
  });

  it('refuses a limit above 100, naming it', async () => {
    const persons = await call('GET /v1/persons', { query: { limit: '101' } });
    const companies = await call('GET /v1/companies', { query: { limit: '101' } });

    expect(persons.status).toBe(400);
    expect(persons.json.errors).toEqual([{ field: 'limit', message: expect.any(String) }]);
    expect(companies.status).toBe(400);
    expect(companies.json.errors).toEqual([{ field: 'limit', message: expect.any(String) }]);
  });

  it('answers 400 naming the cursor for one this list never returned, also one from another list', async () => {
    const forged = Buffer.from(JSON.stringify({ pk: 'x', sk: 'y' })).toString('base64url');
    const page = await call('GET /v1/companies', { query: { relationship: 'supplier', limit: '1' } });
    const fromAnotherList: string | null = page.json.nextCursor;

    const withForged = await call('GET /v1/persons', { query: { cursor: forged } });
    const withForeign = fromAnotherList ? await call('GET /v1/persons', { query: { cursor: fromAnotherList } }) : null;

    expect(withForged.status).toBe(400);
    expect(withForged.json.errors).toEqual([{ field: 'cursor', message: expect.any(String) }]);
    if (withForeign) expect(withForeign.status).toBe(400);
  });
});

describe('the duplicate check for UIs', () => {
  it('finds the person and an open inbox entry of the same person', async () => {
    const name = word();
    const email = `petra.${name}@example.de`;
    const phone = berlinPhone();
    const person = await createPerson({
      firstName: 'Petra',
      lastName: `Schäfer-${name}`,
      emails: [email],
      phones: [phone.local],
    });
    const contact: Contact = { firstName: 'Petra', lastName: `Schaefer-${name}`, email, phone: phone.e164 };
    const now = new Date();
    const entry = createInboxEntry(
      { id: ulid(), source: 'webform', priority: 'normal', responsibleUserId: null, contact, raw: {}, createdBy: null },
      now,
    );
    const inbox = createInboxEntryRepository(doc, tableName);
    await inbox.create(entry);
    // the duplicate-check worker indexes the stored entry before anything finds it
    await inbox.index(entry);

    const res = await call('POST /v1/duplicates/check', {
      body: { person: { firstName: 'petra', lastName: `SCHÄFER-${name}`, emails: [email.toUpperCase()] } },
    });

    expect(res.status).toBe(200);
    expect(res.json.candidates).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'person', id: person.id, reasons: expect.arrayContaining(['email_equal']) }),
        expect.objectContaining({ kind: 'inboxEntry', id: entry.id, reasons: expect.arrayContaining(['email_equal']) }),
      ]),
    );
    expect(res.json.candidates).toHaveLength(2);
  });

  it('finds a company by its name with another legal form', async () => {
    const name = word();
    const company = await createCompany({ name: `Bäckerei ${name} e.K.` });

    const res = await call('POST /v1/duplicates/check', { body: { company: { name: `Baeckerei ${name} GmbH` } } });

    expect(res.status).toBe(200);
    expect(res.json.candidates).toEqual([
      expect.objectContaining({
        kind: 'company',
        id: company.id,
        reasons: expect.arrayContaining(['company_name_equal']),
      }),
    ]);
  });

  it('finds "Elektro Schmitz GmbH" when "Schmitz Elektro" is checked, word order ignored', async () => {
    const name = word();
    const company = await createCompany({
      name: `Elektro ${name} GmbH`,
      address: { postalCode: '50667', city: 'Köln' },
    });

    const res = await call('POST /v1/duplicates/check', {
      body: { company: { name: `${name} Elektro`, address: { postalCode: '50667', city: 'Köln' } } },
    });

    expect(res.status).toBe(200);
    expect(res.json.candidates).toEqual([
      expect.objectContaining({ kind: 'company', id: company.id, level: expect.stringMatching(/^(match|possible)$/) }),
    ]);
  });

  it('does not take "Timo Weass" in another street of the same postcode for "Timo Heinrich"', async () => {
    const postalCode = '50667';
    await call('POST /v1/persons', {
      body: {
        firstName: 'Timo',
        lastName: `Heinrich${word()}`,
        address: { street: 'Bahnhofstraße 11', postalCode, city: 'Köln' },
        force: true,
      },
    });

    const res = await call('POST /v1/duplicates/check', {
      body: {
        person: {
          firstName: 'Timo',
          lastName: `Weass${word()}`,
          address: { street: 'Waldstraße 73', postalCode, city: 'Köln' },
        },
      },
    });

    expect(res.status).toBe(200);
    expect(res.json.candidates.filter((c: { level: string }) => c.level === 'match')).toEqual([]);
  });

  it('refuses a check with neither person nor company', async () => {
    const res = await call('POST /v1/duplicates/check', { body: {} });

    expect(res.status).toBe(400);
    expect(res.json.errors).toEqual([{ field: 'person', message: expect.any(String) }]);
  });
});

// Duplicate protection in DynamoDB Local where a regional customer base crowds it: a lookup partition
// with more persons than one read returns, and the value counts that make the company's home
// postcode weak evidence (the Timo Heinrich and Timo Weass).
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ulid } from 'ulid';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import type { FoundRecord } from '../../domain/duplicates/duplicate-check.ts';
import { contactLookups } from '../../domain/duplicates/record-profiles.ts';
import { createPerson, type PersonFields } from '../../domain/persons/person.ts';
import { createPersonRepository } from '../../functions/contacts/person.repository.ts';
import { tableCandidateFinder } from '../../functions/duplicates/find-candidates.ts';
import { createLookupReader, crowdedPartitions } from '../../functions/duplicates/match-lookups.ts';
import { ensureTable } from '../../infra/local/provision.ts';
import { recountFrequencies } from '../../infra/scripts/match-backfill.ts';
import { useLocalAwsEnv } from '../support/aws.ts';

// a table of its own: the counts must be those of this file's persons only
const table = `kontakt-regional-${process.pid}`;
let doc: DynamoDBDocumentClient;
const now = new Date('2026-05-04T08:00:00Z');

const firstNames = [
  'Anna',
  'Bernd',
  'Claudia',
  'Dieter',
  'Eva',
  'Frank',
  'Gabi',
  'Hans',
  'Ines',
  'Jörg',
  'Karin',
  'Lars',
];
const streets = ['Hohe Straße', 'Severinstraße', 'Ehrenstraße', 'Breite Straße', 'Schildergasse', 'Apostelnstraße'];

const store = async (fields: Partial<PersonFields>[]) => {
  const persons = createPersonRepository(doc, table);
  for (let i = 0; i < fields.length; i += 20) {
    await Promise.all(
      fields
        .slice(i, i + 20)
        .map((f) =>
          persons.create(
            createPerson(ulid(), { lastName: 'X', emails: [], phones: [], isMainContact: false, ...f }, now),
          ),
        ),
    );
  }
};

beforeAll(async () => {
  useLocalAwsEnv();
  const dynamo = new DynamoDBClient({ endpoint: inject('dynamoEndpoint') });
  await ensureTable(dynamo, table);
  doc = DynamoDBDocumentClient.from(dynamo, { marshallOptions: { removeUndefinedValues: true } });
  // 50667 Köln, the company's home: 240 customers, 72 of them called Müller, Möller or Miller
  const home: Partial<PersonFields>[] = Array.from({ length: 240 }, (_, i) => ({
    firstName: firstNames[i % firstNames.length] ?? 'Anna',
    lastName: i % 10 < 3 ? (['Müller', 'Möller', 'Miller'][i % 3] ?? 'Müller') : `Kunde${i}`,
    address: {
      street: `${streets[i % streets.length] ?? 'Hohe Straße'} ${1 + (i % 97)}`,
      postalCode: '50667',
      city: 'Köln',
    },
  }));
  await store(home);
}, 600_000);

describe('a lookup partition crowded beyond one read', () => {
  it('still finds Sebastian Müller among the 70 Müllers of his postcode, by reading the partition narrowed to his first name', async () => {
    // his first name's code (8…) sorts after every other of the partition: the first read of 50 misses him
    await store([
      {
        firstName: 'Sebastian',
        lastName: 'Müller',
        address: { street: 'Domkloster 4', postalCode: '50667', city: 'Köln' },
      },
    ]);
    await recountFrequencies(doc, table);
    const probe = contactLookups({ firstName: 'Sebastian', lastName: 'Mueller', postalCode: '50667' });
    const [nameAndPostcode] = probe.keys;
    if (!nameAndPostcode) throw new Error('no key');

    const read = await createLookupReader(doc, table).find([nameAndPostcode]);
    const candidates = await tableCandidateFinder(doc, table)(probe, { kinds: ['person'] });

    expect(nameAndPostcode.key).toMatch(/^NAMEPLZ#/);
    expect(read.overCap).toBe(1);
    expect(read.found.map((f) => f.profiles.person?.firstName)).toContain('sebastian');
    // the one Sebastian among them; his namesakes' Müller and postcode alone weigh too little in this base
    expect(candidates).toEqual([
      expect.objectContaining({
        kind: 'person',
        reasons: expect.arrayContaining(['first_name_equal', 'last_name_equal']),
      }),
    ]);
  });
});

describe('a reader that knows the crowds', () => {
  const idsOf = (found: readonly { kind: string; id: string }[]) => found.map((f) => `${f.kind}#${f.id}`).sort();
  const nameKeys = (firstName: string, lastName: string) =>
    contactLookups({ firstName, lastName, postalCode: '50667' }).keys.filter((k) => k.key.startsWith('NAMEPLZ#'));

  it('reads a crowd it met before narrowed at once, and finds exactly what it found the first time', async () => {
    await store([{ firstName: 'Xaver', lastName: 'Müller', address: { postalCode: '50667', city: 'Köln' } }]);
    const reader = createLookupReader(doc, table);
    const muellerKey = nameKeys('Xaver', 'Müller').find((k) => k.key === 'NAMEPLZ#657#50667');
    if (!muellerKey) throw new Error('no Müller key');

    const firstTime = await reader.find([muellerKey]);
    const again = await reader.find([muellerKey]);

    // the whole read shows the crowd, then the narrowed read (persons and companies, inbox entries)
    expect(firstTime).toMatchObject({ requests: 3, overCap: 1, knownCrowded: 0, largestLookup: 51 });
    // known: the narrowed reads and the Müllers without a first name, no whole read
    expect(again).toMatchObject({ requests: 3, overCap: 1, knownCrowded: 1 });
    expect(idsOf(again.found)).toEqual(idsOf(firstTime.found));
    // the crowd's arbitrary first 50 are not taken: only the Müllers called Xaver
    expect(firstTime.found.map((f) => f.profiles.person?.firstName)).toEqual(['xaver']);
  });

  it('leaves a crowded name key to its mirror when the other name’s partition is read whole', async () => {
    await store([{ firstName: 'Yannick', lastName: 'Möller', address: { postalCode: '50667', city: 'Köln' } }]);
    const reader = createLookupReader(doc, table);
    const keys = nameKeys('Yannick', 'Mueller');
    expect(keys).toHaveLength(2);

    const firstTime = await reader.find(keys);
    const again = await reader.find(keys);

    // two whole reads, no narrowed one: Yannick's partition holds every Yannick Müller
    expect(firstTime).toMatchObject({ requests: 2, overCap: 1, stillOverCap: 0 });
    // then the crowded Müller partition is read for its Müllers without a first name only
    expect(again).toMatchObject({ requests: 2, overCap: 1, knownCrowded: 1 });
    expect(idsOf(again.found)).toEqual(idsOf(firstTime.found));
    expect(firstTime.found.map((f) => f.profiles.person?.lastName)).toEqual(['moeller']);
  });

  it('narrows one of two crowded mirrors, never both', async () => {
    // 60 persons called Anna in 50667 now, 40 of them Möller: both of Anna Müller's name keys are crowded
    await store(
      Array.from({ length: 40 }, (_, i) => ({
        firstName: 'Anna',
        lastName: 'Möller',
        address: { street: `Domkloster ${i + 1}`, postalCode: '50667', city: 'Köln' },
      })),
    );
    const reader = createLookupReader(doc, table);
    const keys = nameKeys('Anna', 'Müller');

    const firstTime = await reader.find(keys);
    const again = await reader.find(keys);

    expect(firstTime).toMatchObject({ requests: 4, overCap: 2 });
    // Anna's key narrowed (persons and companies, inbox entries); Müller's left to it but for its Müllers without first name
    expect(again).toMatchObject({ requests: 3, overCap: 2, knownCrowded: 2 });
    expect(idsOf(again.found)).toEqual(idsOf(firstTime.found));
    // the narrowed read holds every Anna of the Müller sound there: the 40 Möllers and the Müllers among the 240
    const names = firstTime.found.map((f) => f.profiles.person);
    expect(names.filter((p) => p?.lastName === 'moeller')).toHaveLength(40);
    expect(names.every((p) => p?.firstName === 'anna')).toBe(true);
    expect(firstTime.stillOverCap).toBe(0);
  });

  it('still finds a Müller known by last name only behind the crowd, whether the crowd is known or found now', async () => {
    await store([{ lastName: 'Müller', address: { street: 'Domkloster 9', postalCode: '50667', city: 'Köln' } }]);
    const reader = createLookupReader(doc, table);
    const keys = nameKeys('Thomas', 'Müller');

    const firstTime = await reader.find(keys);
    const again = await reader.find(keys);

    const withoutFirstName = (found: readonly FoundRecord[]) =>
      found.filter((f) => f.profiles.person?.lastName === 'mueller' && f.profiles.person.firstName === undefined);
    expect(withoutFirstName(firstTime.found)).toHaveLength(1);
    expect(again.knownCrowded).toBeGreaterThan(0);
    expect(idsOf(again.found)).toEqual(idsOf(firstTime.found));
  });

  it('reads a partition of exactly 50 whole, as no crowd', async () => {
    const fifty = Array.from({ length: 50 }, (_, i) => ({
      firstName: 'Quirin',
      lastName: `Fuenfzig${String.fromCharCode(97 + (i % 26))}${i}`,
      address: { postalCode: '50999', city: 'Köln' },
    }));
    await store(fifty);
    // Quirin's first-name key in 50999 holds the fifty, one read of 51 shows it is not crowded
    const key = contactLookups({ firstName: 'Quirin', lastName: 'Zander', postalCode: '50999' }).keys.find(
      (k) => k.key.startsWith('NAMEPLZ#') && k.refinedOnly,
    );
    if (!key) throw new Error('no first-name key');

    const read = await createLookupReader(doc, table).find([key]);

    expect(read).toMatchObject({ overCap: 0, requests: 1, largestLookup: 50 });
    expect(read.found).toHaveLength(50);
  });

  it('forgets a crowd after its time, and the oldest first when full', () => {
    let clock = 0;
    const memory = crowdedPartitions({ capacity: 2, ttlMs: 1_000, now: () => clock });
    memory.add('A');
    memory.add('B');
    memory.add('C');
    expect([memory.has('A'), memory.has('B'), memory.has('C')]).toEqual([false, true, true]);
    clock = 1_001;
    expect(memory.has('B')).toBe(false);
  });
});

describe('the issue’s example against counted data', () => {
  it('does not warn of Timo Heinrich when Timo Weass of another street in 50667 Köln is checked', async () => {
    await store([
      {
        firstName: 'Timo',
        lastName: 'Heinrich',
        address: { street: 'Bahnhofstraße 11', postalCode: '50667', city: 'Köln' },
      },
      {
        firstName: 'Timo',
        lastName: 'Brandt',
        address: { street: 'Schildergasse 20', postalCode: '50667', city: 'Köln' },
      },
    ]);
    await recountFrequencies(doc, table);

    const weass = contactLookups({
      firstName: 'Timo',
      lastName: 'Weass',
      street: 'Waldstraße 73',
      postalCode: '50667',
      city: 'Köln',
    });
    const candidates = await tableCandidateFinder(doc, table)(weass, { kinds: ['person'] });
    const again = await tableCandidateFinder(doc, table)(
      contactLookups({
        firstName: 'Timo',
        lastName: 'Heinrich',
        street: 'Bahnhofstr. 11',
        postalCode: '50667',
        city: 'Köln',
      }),
      { kinds: ['person'] },
    );

    expect(candidates).toEqual([]);
    expect(again).toEqual([expect.objectContaining({ level: 'match' })]);
  });
});

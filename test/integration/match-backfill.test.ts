// The backfill brings data stored by an earlier version up to the current duplicate protection:
// lookup items of the old layout are replaced, and the value counts are made from the records.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { ulid } from 'ulid';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { createCompany } from '../../domain/companies/company.ts';
import { companyValue, personValue, totalOf } from '../../domain/duplicates/frequencies.ts';
import { contactLookups } from '../../domain/duplicates/record-profiles.ts';
import { absorbPerson, createPerson } from '../../domain/persons/person.ts';
import { createCompanyRepository } from '../../functions/contacts/company.repository.ts';
import { createPersonRepository } from '../../functions/contacts/person.repository.ts';
import { createRecordMerger } from '../../functions/contacts/record-merge.ts';
import { tableCandidateFinder } from '../../functions/duplicates/find-candidates.ts';
import { createFrequencyReader } from '../../functions/duplicates/match-frequencies.ts';
import { ensureTable } from '../../infra/local/provision.ts';
import { backfillMatching, matchingUpToDate } from '../../infra/scripts/match-backfill.ts';
import { useLocalAwsEnv } from '../support/aws.ts';

const table = `kontakt-backfill-${process.pid}`;
let doc: DynamoDBDocumentClient;

beforeAll(async () => {
  useLocalAwsEnv();
  const dynamo = new DynamoDBClient({ endpoint: inject('dynamoEndpoint') });
  await ensureTable(dynamo, table);
  doc = DynamoDBDocumentClient.from(dynamo, { marshallOptions: { removeUndefinedValues: true } });
});

const now = new Date('2026-02-02T10:00:00Z');

describe('npm run backfill-matching', () => {
  it('replaces lookup items of the earlier layout, counts the records, and changes nothing when run again', async () => {
    const persons = createPersonRepository(doc, table);
    const companies = createCompanyRepository(doc, table);
    const person = createPerson(
      ulid(),
      {
        firstName: 'Greta',
        lastName: 'Altbestand',
        emails: ['greta.altbestand@example.de'],
        phones: [],
        address: { postalCode: '50667', city: 'Köln' },
        isMainContact: false,
      },
      now,
    );
    // stored by the earlier version: the record and a lookup item without refinement (layout 1), no counts
    await doc.send(new PutCommand({ TableName: table, Item: persons.item(person) }));
    await doc.send(
      new PutCommand({
        TableName: table,
        Item: {
          pk: 'LOOKUP#EMAIL#greta.altbestand%40example.de',
          sk: `1#PERSON#${person.id}`,
          _et: 'match-lookup',
          _v: 1,
          kind: 'PERSON',
          id: person.id,
          profiles: { person: { lastName: 'altbestand', emails: ['greta.altbestand@example.de'] } },
        },
      }),
    );
    await companies.create(
      createCompany(
        ulid(),
        { name: 'Schmitz Elektro', type: 'company', relationship: 'customer', emails: [], phones: [] },
        now,
      ),
    );
    const find = tableCandidateFinder(doc, table);
    const probe = contactLookups({ firstName: 'Greta', lastName: 'Altbestand', email: 'greta.altbestand@example.de' });
    // until the backfill runs, the item of the earlier layout still finds her
    expect(await find(probe, { kinds: ['person'] })).toEqual([expect.objectContaining({ id: person.id })]);
    expect(await matchingUpToDate(doc, table)).toBe(false);

    const first = await backfillMatching(doc, table);

    expect(first).toMatchObject({ persons: 1, companies: 1, recordsRelinked: 2, staleLookupItemsDeleted: 1 });
    // a new container's finder: the first one keeps the counts it read for a minute
    const findAfter = tableCandidateFinder(doc, table);
    expect(await findAfter(probe, { kinds: ['person'] })).toEqual([
      expect.objectContaining({ id: person.id, level: 'match' }),
    ]);
    const counts = (
      await createFrequencyReader(doc, table).read([
        totalOf('P'),
        personValue('ln', 'altbestand'),
        personValue('pc', '50667'),
        companyValue('cn', 'elektro schmitz'),
      ])
    ).frequencies;
    expect(counts.total('P')).toBe(1);
    expect(counts.count(personValue('ln', 'altbestand'))).toBe(1);
    expect(counts.count(personValue('pc', '50667'))).toBe(1);
    expect(counts.count(companyValue('cn', 'elektro schmitz'))).toBe(1);
    const oldItems = await doc.send(
      new QueryCommand({
        TableName: table,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': 'LOOKUP#EMAIL#greta.altbestand%40example.de' },
      }),
    );
    expect((oldItems.Items ?? []).map((i) => i._v)).toEqual([2]);
    expect(await matchingUpToDate(doc, table)).toBe(true);

    const second = await backfillMatching(doc, table);

    expect(second).toMatchObject({
      staleLookupItemsDeleted: 0,
      staleCountersDeleted: 0,
      countedValues: first.countedValues,
    });
    expect((await createFrequencyReader(doc, table).read([totalOf('P')])).frequencies.total('P')).toBe(1);
  });

  it('never brings a person being merged away back as a candidate, even when it runs in the middle of the merge', async () => {
    const persons = createPersonRepository(doc, table);
    const fields = {
      lastName: 'Geistermann',
      emails: ['klaus.geistermann@example.de'],
      phones: [],
      address: { postalCode: '50667' },
      isMainContact: false,
    };
    const survivor = createPerson(ulid(), { ...fields, salutation: 'Herr' }, now);
    const duplicate = createPerson(ulid(), { ...fields, firstName: 'Klaus' }, now);
    await persons.create(survivor);
    await persons.create(duplicate);
    const merger = createRecordMerger(doc, table, persons);
    const absorbed = absorbPerson(survivor, duplicate, now);

    await merger.start(survivor, absorbed, duplicate, now);
    await backfillMatching(doc, table);
    await merger.moveLinks(duplicate.id, survivor.id, new Set());
    await merger.finish(duplicate, survivor.id, now);

    const found = await tableCandidateFinder(doc, table)(
      contactLookups({ firstName: 'Klaus', lastName: 'Geistermann', email: 'klaus.geistermann@example.de' }),
      { kinds: ['person'] },
    );
    expect(found.map((c) => c.id)).toEqual([survivor.id]);
  });
});

// The lean indexes: a table made before them (gsi1…gsi4, every attribute projected) is brought to
// them by local provisioning with its data, and lists read whole records through them.
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { ulid } from 'ulid';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { startScratchDynamo } from '../../bench/scratch-dynamo.ts';
import { createPerson } from '../../domain/persons/person.ts';
import { persons } from '../../functions/contacts/person.entity.ts';
import { createPersonRepository } from '../../functions/contacts/person.repository.ts';
import { indexNames, readIndexName, tableDefinition } from '../../functions/shared/table.ts';
import { ensureTable } from '../../infra/local/provision.ts';
import { useLocalAwsEnv } from '../support/aws.ts';

let dynamo: DynamoDBClient;
let doc: DynamoDBDocumentClient;

beforeAll(() => {
  useLocalAwsEnv();
  dynamo = new DynamoDBClient({ endpoint: inject('dynamoEndpoint') });
  doc = DynamoDBDocumentClient.from(dynamo, { marshallOptions: { removeUndefinedValues: true } });
});

/** A table as the first version of Kontakt made it. */
const createFirstTable = async (client: DynamoDBClient, name: string): Promise<void> => {
  await client.send(
    new CreateTableCommand({
      TableName: name,
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      AttributeDefinitions: ['pk', 'sk', ...indexNames.flatMap((i) => [`${i}pk`, `${i}sk`])].map((n) => ({
        AttributeName: n,
        AttributeType: 'S',
      })),
      GlobalSecondaryIndexes: indexNames.map((index) => ({
        IndexName: index,
        KeySchema: [
          { AttributeName: `${index}pk`, KeyType: 'HASH' },
          { AttributeName: `${index}sk`, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      })),
    }),
  );
};

const aPerson = (lastName: string, companyId: string) =>
  createPerson(
    ulid(),
    {
      firstName: 'Ilse',
      lastName,
      emails: [`${lastName.toLowerCase()}@example.de`],
      phones: [],
      companyId,
      isMainContact: false,
    },
    new Date('2026-03-01T09:00:00Z'),
  );

/** What the migration test checks, against the DynamoDB Local given. */
const migratesAnExistingTable = async (client: DynamoDBClient, docClient: DynamoDBDocumentClient): Promise<void> => {
  const table = `kontakt-lean-${process.pid}-${Date.now()}`;
  await createFirstTable(client, table);
  const companyId = ulid();
  const stored = aPerson('Altbestand', companyId);
  await docClient.send(new PutCommand({ TableName: table, Item: persons.item(stored) }));

  await ensureTable(client, table);

  const described = (await client.send(new DescribeTableCommand({ TableName: table }))).Table;
  const indexes = (described?.GlobalSecondaryIndexes ?? []).map((i) => ({
    name: i.IndexName,
    projection: i.Projection?.ProjectionType,
    attributes: [...(i.Projection?.NonKeyAttributes ?? [])].sort(),
  }));
  expect(indexes.sort((a, b) => String(a.name).localeCompare(String(b.name)))).toEqual(
    indexNames.map((index) => ({
      name: tableDefinition.indexes[index].name,
      projection: tableDefinition.indexes[index].projected.length === 0 ? 'KEYS_ONLY' : 'INCLUDE',
      attributes: [...tableDefinition.indexes[index].projected].sort(),
    })),
  );
  // the person stored before the change is in the company's list and in the list of everyone, whole
  const repo = createPersonRepository(docClient, table);
  const ofCompany = await repo.list(repo.patterns.byCompany(companyId), { limit: 10 });
  expect(ofCompany.items).toEqual([stored]);
  const everyone = await repo.list(repo.patterns.all(), { limit: 10, newestFirst: true });
  expect(everyone.items.map((p) => p.id)).toEqual([stored.id]);
  expect(everyone.items[0]?.emails).toEqual(['altbestand@example.de']);

  // provisioning again changes nothing
  await ensureTable(client, table);
  const again = (await client.send(new DescribeTableCommand({ TableName: table }))).Table;
  expect(again?.GlobalSecondaryIndexes?.map((i) => i.IndexName).sort()).toEqual(
    indexNames.map((index) => tableDefinition.indexes[index].name).sort(),
  );
};

describe('lean indexes', () => {
  it('replaces the first indexes of an existing table, keeping what was stored findable in every list', async () => {
    // a DynamoDB Local of its own: index changes on the one all test files share wait behind their load
    const own = await startScratchDynamo('lean-indexes');
    try {
      await migratesAnExistingTable(own.client, own.doc);
    } finally {
      await own.stop();
    }
  }, 600_000);

  it('answers a list with whole records, though the index holds only keys and the filtered attributes', async () => {
    const table = `kontakt-lean-read-${process.pid}-${Date.now()}`;
    await ensureTable(dynamo, table);
    const repo = createPersonRepository(doc, table);
    const companyId = ulid();
    const first = aPerson('Erster', companyId);
    const second = aPerson('Zweiter', companyId);
    for (const person of [first, second])
      await doc.send(new PutCommand({ TableName: table, Item: persons.item(person) }));
    const page = await repo.list(repo.patterns.byCompany(companyId), { limit: 10 });
    // every field of the record, though the index holds only keys
    expect(page.items.map((p) => p.lastName).sort()).toEqual(['Erster', 'Zweiter']);
    expect(page.items.every((p) => p.emails.length === 1 && p.createdAt === first.createdAt)).toBe(true);
    // what the index itself holds of them
    const pattern = persons.patterns.byCompany(companyId);
    const raw = await doc.send(
      new QueryCommand({
        TableName: table,
        IndexName: readIndexName('gsi1'),
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': pattern.partition },
      }),
    );
    expect(raw.Items?.length).toBe(2);
    for (const item of raw.Items ?? []) expect(Object.keys(item).sort()).toEqual(['gsi1pk', 'gsi1sk', 'pk', 'sk']);
  });
});

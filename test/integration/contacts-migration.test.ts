// Persons and companies stored before lifecycle stages and main contacts are brought to them once,
// on a table of their own (the migration scans a whole table).
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { ulid } from 'ulid';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import type { Company } from '../../domain/companies/company.ts';
import type { Person } from '../../domain/persons/person.ts';
import { companies } from '../../functions/contacts/company.entity.ts';
import { createCompanyRepository } from '../../functions/contacts/company.repository.ts';
import { persons } from '../../functions/contacts/person.entity.ts';
import { createPersonRepository } from '../../functions/contacts/person.repository.ts';
import { mergePersonInto } from '../../functions/contacts/persons.ts';
import { createRecordMerger } from '../../functions/contacts/record-merge.ts';
import { companyTimeline, referenceFrom, references } from '../../functions/contacts/reference.entity.ts';
import { createStore } from '../../functions/shared/store.ts';
import { ensureTable } from '../../infra/local/provision.ts';
import { contactsUpToDate, migrateContacts } from '../../infra/scripts/contacts-migration.ts';
import { useLocalAwsEnv } from '../support/aws.ts';

let doc: DynamoDBDocumentClient;
let table: string;

beforeAll(async () => {
  useLocalAwsEnv();
  const dynamo = new DynamoDBClient({ endpoint: inject('dynamoEndpoint') });
  doc = DynamoDBDocumentClient.from(dynamo, { marshallOptions: { removeUndefinedValues: true } });
  table = `contacts-migration-${ulid().toLowerCase()}`;
  await ensureTable(dynamo, table);
});

const at = (day: number) => `2025-0${day}-01T08:00:00.000Z`;

/** A company as an earlier version stored it: no stage, no history, no main contact. */
const oldCompany = (name: string, relationship: Company['relationship']): Company => ({
  id: ulid(),
  name,
  type: 'company',
  relationship,
  emails: [],
  phones: [],
  createdAt: at(1),
  updatedAt: at(1),
  version: 3,
});

const oldPerson = (lastName: string, companyId: string, isMainContact: boolean, day: number): Person => ({
  id: ulid(),
  lastName,
  emails: [],
  phones: [],
  companyId,
  isMainContact,
  createdAt: at(day),
  updatedAt: at(day),
  version: 1,
});

const store = async (items: Record<string, unknown>[]) => {
  for (const item of items) await doc.send(new PutCommand({ TableName: table, Item: item }));
};

describe('the contacts migration', () => {
  it('gives old companies the stage their relationship implies and the main contact their persons named, once', async () => {
    const customer = oldCompany('Altkunde GmbH', 'customer');
    const supplier = oldCompany('Zulieferer KG', 'supplier');
    const later = oldPerson('Später', supplier.id, true, 3);
    const first = oldPerson('Früher', supplier.id, true, 2);
    const plain = oldPerson('Ohne', supplier.id, false, 1);
    // an opportunity's link to the customer as stored before timelines: no timeline index keys
    const oppId = ulid();
    const oldReference = references.itemAt(
      references.key({ kind: 'COMPANY', id: customer.id }, { kind: 'OPP', id: oppId }, 'companyId'),
      {
        fromKind: 'OPP',
        fromId: oppId,
        field: 'companyId',
      },
    );
    await store([
      companies.item(customer),
      companies.item(supplier),
      ...[later, first, plain].map(persons.item),
      oldReference,
    ]);
    const timelineBefore = await createStore(doc, table).queryItems(companyTimeline(customer.id), { keysOnly: true });

    expect(await contactsUpToDate(doc, table)).toBe(false);
    const result = await migrateContacts(doc, table);
    const again = await migrateContacts(doc, table);
    const companyRepo = createCompanyRepository(doc, table);
    const [readCustomer, readSupplier] = await Promise.all([
      companyRepo.load(customer.id, { consistent: true }),
      companyRepo.load(supplier.id, { consistent: true }),
    ]);

    const timelineAfter = await createStore(doc, table).queryItems(companyTimeline(customer.id), { keysOnly: true });

    expect(result).toEqual({ stagesSet: 2, mainContactsSet: 1, timelineEntries: 1, changedMeanwhile: 0 });
    expect(again).toEqual({ stagesSet: 0, mainContactsSet: 0, timelineEntries: 0, changedMeanwhile: 0 });
    expect(timelineBefore.items).toEqual([]);
    expect(timelineAfter.items.map(referenceFrom)).toEqual([{ kind: 'OPP', id: oppId }]);
    expect(await contactsUpToDate(doc, table)).toBe(true);
    // a new version: a change that read the company before cannot write over what the migration set
    expect(readCustomer).toMatchObject({ record: { lifecycleStage: 'customer', stageHistory: [], version: 4 } });
    expect(readSupplier).toMatchObject({
      record: { lifecycleStage: 'general', relationship: 'supplier', mainContactId: first.id },
    });

    // a main contact a user removes stays removed when the migration runs again (the persons' old flags named it once)
    if (readSupplier?.state !== 'active') throw new Error('supplier gone');
    const { mainContactId: _, ...without } = readSupplier.record;
    await companyRepo.update(readSupplier.record, { ...without, version: readSupplier.record.version + 1 });
    expect(await migrateContacts(doc, table)).toMatchObject({ mainContactsSet: 0 });
    expect(await companyRepo.load(supplier.id, { consistent: true })).not.toHaveProperty('record.mainContactId');
    await companyRepo.update(
      { ...without, version: readSupplier.record.version + 1 },
      {
        ...readSupplier.record,
        version: readSupplier.record.version + 2,
      },
    );

    // the reference item it wrote lets a merge of the main contact move the company's link
    const personRepo = createPersonRepository(doc, table);
    await mergePersonInto(
      { persons: personRepo, personMerger: createRecordMerger(doc, table, personRepo), now: () => new Date() },
      later.id,
      first.id,
    );
    expect(await companyRepo.load(supplier.id, { consistent: true })).toMatchObject({
      record: { mainContactId: later.id },
    });
  });
});

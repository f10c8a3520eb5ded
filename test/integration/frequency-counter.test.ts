import { resolve } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ulid } from 'ulid';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createCompany } from '../../domain/companies/company.ts';
import { companyValue, personValue, totalOf } from '../../domain/duplicates/frequencies.ts';
import { personProfiles } from '../../domain/duplicates/record-profiles.ts';
import { personScorer, personWeightsFor } from '../../domain/duplicates/scoring.ts';
import type { Contact } from '../../domain/inbox/inbox-entry.ts';
import { createPerson, type Person, type PersonFields, patchPerson } from '../../domain/persons/person.ts';
import { createCompanyRepository } from '../../functions/contacts/company.repository.ts';
import { createPersonRepository } from '../../functions/contacts/person.repository.ts';
import { createRecordMerger } from '../../functions/contacts/record-merge.ts';
import { createFrequencyCounter, createFrequencyReader } from '../../functions/duplicates/match-frequencies.ts';
import { createInboxEntryRepository } from '../../functions/inbox/inbox-entry.repository.ts';
import { storeLead } from '../../functions/inbox/intake.ts';
import { createFunctionHost } from '../../infra/local/function-host.ts';
import { ensureTable } from '../../infra/local/provision.ts';
import { startStreamPoller } from '../../infra/local/stream-poller.ts';
import { queueUrl, sqsClient } from '../support/aws.ts';
import { eventually } from '../support/local-stack-process.ts';

// A table of its own: the counters and the stream see only this file's records, whatever other files store.
const table = `kontakt-frequencies-${process.pid}`;
const root = resolve(import.meta.dirname, '../..');

let doc: DynamoDBDocumentClient;
let stopPoller: () => Promise<void>;

beforeAll(async () => {
  const sqs = sqsClient();
  // after the shared clients (which set the shared table's name): the handler reads its table at import
  process.env.TABLE_NAME = table;
  const dynamo = new DynamoDBClient({ endpoint: inject('dynamoEndpoint') });
  await ensureTable(dynamo, table);
  doc = DynamoDBDocumentClient.from(dynamo, { marshallOptions: { removeUndefinedValues: true } });
  // the real handler, as the local stack's stream poller invokes it
  const poller = startStreamPoller({
    dynamo,
    tableName: table,
    host: createFunctionHost(root),
    sqs,
    failureQueueUrl: queueUrl('stream-failures'),
    idleMillis: 100,
    onError: () => undefined,
  });
  stopPoller = poller.stop;
});

afterAll(async () => {
  await stopPoller?.();
});

const now = new Date('2026-01-05T09:00:00Z');
const counts = () => createFrequencyReader(doc, table);
const count = async (value: string): Promise<number> => (await counts().read([value])).frequencies.count(value);
const waitForCount = async (value: string, expected: number): Promise<void> => {
  let last = -1;
  await eventually(async () => {
    last = await count(value);
    return last === expected ? true : undefined;
  }, 180_000).catch((error: unknown) => {
    throw new Error(`${value} stayed at ${last}, expected ${expected}: ${String(error)}`);
  });
};

const newPerson = (fields: Partial<PersonFields>): Person =>
  createPerson(
    ulid(),
    { firstName: 'Anna', lastName: 'Beispiel', emails: [], phones: [], isMainContact: false, ...fields },
    now,
  );

describe('the frequency counter (table stream → sharded counters)', () => {
  it('counts a stored person under each of her values, and the persons total', async () => {
    const persons = createPersonRepository(doc, table);
    const postcode = '91001';
    await persons.create(newPerson({ lastName: 'Zählmann', address: { postalCode: postcode, city: 'Zählstadt' } }));

    await waitForCount(personValue('ln', 'zaehlmann'), 1);
    expect(await count(personValue('pc', postcode))).toBe(1);
    expect(await count(personValue('ci', 'zaehlstadt'))).toBe(1);
    expect(await count(personValue('fn', 'anna'))).toBeGreaterThanOrEqual(1);
    expect(await count(totalOf('P'))).toBeGreaterThanOrEqual(1);
  });

  it('moves the counts when a person changes, and takes a merged duplicate out', async () => {
    const persons = createPersonRepository(doc, table);
    const before = newPerson({ lastName: 'Umzugmann', address: { postalCode: '91002' } });
    await persons.create(before);
    await waitForCount(personValue('pc', '91002'), 1);

    await persons.update(before, patchPerson(before, { address: { postalCode: '91003' } }, now));
    await waitForCount(personValue('pc', '91003'), 1);
    expect(await count(personValue('pc', '91002'))).toBe(0);

    const survivor = newPerson({ lastName: 'Doppelmann', address: { postalCode: '91004' } });
    const duplicate = newPerson({ lastName: 'Doppelmann', address: { postalCode: '91004' } });
    await persons.create(survivor);
    await persons.create(duplicate);
    await waitForCount(personValue('ln', 'doppelmann'), 2);
    const merger = createRecordMerger(doc, table, persons);
    await merger.start(survivor, { ...survivor, version: survivor.version + 1 }, duplicate, now);
    await merger.moveLinks(duplicate.id, survivor.id, new Set());
    await merger.finish(duplicate, survivor.id, now);
    await waitForCount(personValue('ln', 'doppelmann'), 1);
  });

  it('never counts inbox entries (leads and spam must not make a value look common)', async () => {
    const persons = createPersonRepository(doc, table);
    const inbox = createInboxEntryRepository(doc, table);
    const contact: Contact = { firstName: 'Lea', lastName: 'Kampagnenfrau', postalCode: '91005' };
    const intake = {
      inbox,
      doc,
      tableName: table,
      now: () => now,
      duplicateCheckQueueUrl: 'none',
      publisher: { publish: async () => undefined },
    };
    for (let i = 0; i < 3; i++) {
      await storeLead(intake, {
        source: 'webform',
        priority: 'normal',
        responsibleUserId: null,
        contact,
        raw: { i },
        createdBy: null,
      });
    }
    // a person written after the leads: once she is counted, the leads before her would have been too
    await persons.create(newPerson({ lastName: 'Nachzüglerin', address: { postalCode: '91005' } }));
    await waitForCount(personValue('ln', 'nachzueglerin'), 1);
    expect(await count(personValue('ln', 'kampagnenfrau'))).toBe(0);
    expect(await count(personValue('pc', '91005'))).toBe(1);
  });

  it('counts companies apart from persons: the whole name regardless of word order, and each word', async () => {
    const companies = createCompanyRepository(doc, table);
    const company = (name: string) =>
      createCompany(
        ulid(),
        { name, type: 'company', relationship: 'prospect', emails: [], phones: [], address: { postalCode: '91006' } },
        now,
      );
    await companies.create(company('Elektro Zählwerk GmbH'));
    await companies.create(company('Zählwerk Elektro'));

    await waitForCount(companyValue('cn', 'elektro zaehlwerk'), 2);
    expect(await count(companyValue('ct', 'zaehlwerk'))).toBe(2);
    expect(await count(companyValue('pc', '91006'))).toBe(2);
    expect(await count(personValue('pc', '91006'))).toBe(0);
  });

  it('applies one change once, however often its stream record is delivered', async () => {
    const counter = createFrequencyCounter(doc, table);
    const value = personValue('ln', `redelivered${Date.now()}`);
    const delta = new Map([[value, 1]]);

    expect(await counter.apply('event-redelivered-1', 2, delta, now)).toBe('applied');
    expect(await counter.apply('event-redelivered-1', 2, delta, now)).toBe('already-applied');

    expect(await count(value)).toBe(1);
  });

  it('lowers the weight of a value as more stored persons carry it', async () => {
    const persons = createPersonRepository(doc, table);
    const postcode = '91010';
    const stored = newPerson({ lastName: 'Seltenberg', address: { postalCode: postcode, city: 'Hausen' } });
    await persons.create(stored);
    await waitForCount(personValue('pc', postcode), 1);
    // "Herr Seltenberg" of the same postcode: the postcode is much of the evidence
    const probe = personProfiles(newPerson({ lastName: 'Seltenberg', address: { postalCode: postcode } })).person;
    const storedProfile = personProfiles(stored).person;
    if (!probe || !storedProfile) throw new Error('no profile');
    const read = async () =>
      (await counts().read([personValue('pc', postcode), personValue('ln', 'seltenberg'), totalOf('P')])).frequencies;
    const before = await read();
    const weightBefore = personWeightsFor(probe, before).postcode.exact ?? 0;
    const scoreBefore = personScorer(probe, before)(storedProfile).score;

    // the company's home postcode: 200 more persons live there
    for (let i = 0; i < 200; i += 25) {
      await Promise.all(
        Array.from({ length: 25 }, (_, j) =>
          persons.create(
            newPerson({
              firstName: `Vorname${i + j}`,
              lastName: `Nachbar${i + j}`,
              address: { postalCode: postcode, city: 'Hausen' },
            }),
          ),
        ),
      );
    }
    await waitForCount(personValue('pc', postcode), 201);
    const after = await read();

    expect(personWeightsFor(probe, after).postcode.exact ?? 0).toBeLessThan(weightBefore - 2);
    expect(personScorer(probe, after)(storedProfile).score).toBeLessThan(scoreBefore);
  }, 300_000);

  it('hands a change it cannot count to the failure queue after its retries, and goes on', async () => {
    // a person item whose stored shape is broken: the counter cannot read it (a bug, never the client's fault)
    await doc.send(
      new (await import('@aws-sdk/lib-dynamodb')).PutCommand({
        TableName: table,
        Item: { pk: 'PERSON#broken', sk: 'PERSON', _et: 'person', _v: 1, id: 'broken', lastName: 42 },
      }),
    );
    const persons = createPersonRepository(doc, table);
    await persons.create(newPerson({ lastName: 'Nachdembruch', address: { postalCode: '91011' } }));

    await waitForCount(personValue('ln', 'nachdembruch'), 1);
    const failed = await eventually(async () => {
      const res = await sqsClient().send(
        new ReceiveMessageCommand({
          QueueUrl: queueUrl('stream-failures'),
          MaxNumberOfMessages: 10,
          WaitTimeSeconds: 1,
        }),
      );
      return (res.Messages ?? []).find((m) => m.Body?.includes('PERSON#broken'));
    }, 60_000);
    expect(failed.Body).not.toContain('lastName');
  }, 300_000);
});

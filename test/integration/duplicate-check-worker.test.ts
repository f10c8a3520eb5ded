import { DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { ulid } from 'ulid';
import { describe, expect, it, vi } from 'vitest';
import { type Contact, createInboxEntry } from '../../domain/inbox/inbox-entry.ts';
import type { LeadReceivedV1 } from '../../events/lead-received.v1.ts';
import { createCompanyRepository } from '../../functions/contacts/company.repository.ts';
import { createPersonRepository } from '../../functions/contacts/person.repository.ts';
import { createBatchIndexer } from '../../functions/duplicates/batch-indexing.ts';
import { checkDuplicates, indexBatch } from '../../functions/duplicates/check-duplicates.ts';
import { tableCandidateFinder } from '../../functions/duplicates/find-candidates.ts';
import { importedRows } from '../../functions/imports/import.entity.ts';
import { createInboxEntryRepository } from '../../functions/inbox/inbox-entry.repository.ts';
import { storeLead } from '../../functions/inbox/intake.ts';
import { LeadGuardRecord } from '../../functions/inbox/lead-guard.entity.ts';
import { documentClient, tableName } from '../support/aws.ts';
import { lambdaContext, sqsEvent } from '../support/events.ts';
import { aCompany, aPerson } from '../support/fixtures.ts';

const doc = documentClient();
const inbox = createInboxEntryRepository(doc, tableName);
const persons = createPersonRepository(doc, tableName);
const companies = createCompanyRepository(doc, tableName);
const worker = checkDuplicates({
  inbox,
  findCandidates: tableCandidateFinder(doc, tableName),
  now: () => new Date(),
});

const requested: LeadReceivedV1[] = [];
const intake = {
  inbox,
  doc,
  tableName,
  now: () => new Date(),
  duplicateCheckQueueUrl: 'captured',
  publisher: {
    publish: async (_url: string, message: LeadReceivedV1) => {
      requested.push(message);
    },
  },
};

/** A lead through the shared intake, and the message it asked the worker with. */
const lead = async (
  contact: Contact,
  origin: { source: string; raw: Record<string, unknown> } = { source: 'webform', raw: {} },
): Promise<{ id: string; message: LeadReceivedV1 }> => {
  const stored = await storeLead(intake, {
    source: origin.source,
    priority: 'normal',
    responsibleUserId: null,
    contact,
    raw: origin.raw,
    createdBy: null,
  });
  if (stored.status !== 'created') throw new Error('not created');
  const message = requested.find((m) => m.inboxEntryId === stored.entry.id);
  if (!message) throw new Error('no check requested');
  return { id: stored.entry.id, message };
};

const candidatesOf = async (id: string) => (await inbox.get(id, { consistent: true }))?.duplicateCheck.candidates ?? [];

/** A phone number no other test uses, in Berlin. */
const phone = (): { local: string; e164: string } => {
  const digits = String(2_000_000 + Math.floor(Math.random() * 7_000_000));
  return { local: `030/${digits}`, e164: `+4930${digits}` };
};

describe('the duplicate-check worker', () => {
  it('finds the person behind another spelling and another phone format, and says why', async () => {
    const number = phone();
    const surname = `Müller${ulid().slice(-6).toLowerCase()}`;
    const person = aPerson({ firstName: 'Jürgen', lastName: surname, phones: [number.e164] });
    await persons.create(person);

    const { id, message } = await lead({
      firstName: 'Juergen',
      lastName: surname.replace('ü', 'ue'),
      phone: `0049 ${number.local.slice(1).replace('/', ' ')}`,
    });
    await worker(message);
    const [candidate] = await candidatesOf(id);

    expect(candidate).toMatchObject({ kind: 'person', id: person.id, level: 'match' });
    expect(candidate?.reasons).toEqual(expect.arrayContaining(['phone_equal', 'first_name_equal', 'last_name_equal']));
  });

  it('finds an earlier open entry of the same person, but not an archived one or spam', async () => {
    const email = `lena.${ulid()}@example.de`;
    const contact = { firstName: 'Lena', lastName: 'Schröder', email };
    const first = await lead(contact);
    await worker(first.message);
    const archived = await lead(contact);
    await worker(archived.message);
    const archivedEntry = await inbox.get(archived.id, { consistent: true });
    if (!archivedEntry) throw new Error('missing');
    await inbox.update(
      archivedEntry,
      {
        ...archivedEntry,
        processingStatus: 'archived',
        archiveReason: 'no_interest',
        version: archivedEntry.version + 1,
      },
      { contactChanged: false },
    );
    const spam = createInboxEntry(
      {
        id: ulid(),
        source: 'webform',
        priority: 'normal',
        responsibleUserId: null,
        contact,
        raw: {},
        createdBy: null,
        spam: true,
      },
      new Date(),
    );
    await inbox.create(spam);

    const again = await lead(contact);
    await worker(again.message);
    const found = await candidatesOf(again.id);

    expect(found.map((c) => [c.kind, c.id])).toEqual([['inboxEntry', first.id]]);
    expect(found[0]?.reasons).toContain('email_equal');
  });

  it('finds the company an entry names under another legal form', async () => {
    const name = `Mühlenbau ${ulid().slice(-8)}`;
    const company = aCompany({ name: `${name} GmbH & Co. KG`, address: { postalCode: '28195', city: 'Bremen' } });
    await companies.create(company);

    const { id, message } = await lead({
      lastName: 'Weber',
      companyName: `${name.replace('ü', 'ue')} GmbH`,
      postalCode: '28195',
    });
    await worker(message);

    expect(await candidatesOf(id)).toContainEqual(
      expect.objectContaining({
        kind: 'company',
        id: company.id,
        reasons: expect.arrayContaining(['company_name_equal']),
      }),
    );
  });

  it('changes nothing when the same message is delivered twice', async () => {
    const number = phone();
    const person = aPerson({ firstName: 'Karl', lastName: `Doppelt${ulid().slice(-6)}`, phones: [number.e164] });
    await persons.create(person);
    const { id, message } = await lead({ firstName: 'Karl', lastName: person.lastName, phone: number.local });

    await worker(message);
    const once = await inbox.get(id, { consistent: true });
    await worker(message);
    const twice = await inbox.get(id, { consistent: true });

    expect(once?.duplicateCheck.candidates.map((c) => c.id)).toEqual([person.id]);
    expect(twice).toEqual(once);
  });
});

describe('store first, index next', () => {
  const lookupItemsOf = async (email: string) =>
    (
      await doc.send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': `LOOKUP#EMAIL#${encodeURIComponent(email)}` },
          ConsistentRead: true,
        }),
      )
    ).Items ?? [];
  const searched = async (token: string) => (await inbox.list({ q: token, limit: 10 })).items.map((e) => e.id);

  it('stores a lead alone; the worker writes its search and lookup items, then checks', async () => {
    const token = `Idx${ulid().slice(-8).toLowerCase()}`;
    const email = `${token.toLowerCase()}@example.de`;
    const { id, message } = await lead({ firstName: 'Ida', lastName: token, email });

    expect(await lookupItemsOf(email)).toEqual([]);
    expect(await searched(token.toLowerCase())).toEqual([]);

    await worker(message);

    expect(await lookupItemsOf(email)).toEqual([expect.objectContaining({ kind: 'INBOX', id })]);
    expect(await searched(token.toLowerCase())).toEqual([id]);
    expect((await inbox.get(id, { consistent: true }))?.duplicateCheck.status).toBe('done');
  });

  it('indexes an entry as it is when the worker comes: an entry converted meanwhile is searchable but no candidate', async () => {
    const token = `Cnv${ulid().slice(-8).toLowerCase()}`;
    const email = `${token.toLowerCase()}@example.de`;
    const { id, message } = await lead({ firstName: 'Carl', lastName: token, email });
    const stored = await inbox.get(id, { consistent: true });
    if (!stored) throw new Error('missing');
    // an entry of this version is stale once the edit below is stored
    const edited = { ...stored, title: 'called back', version: stored.version + 1 };
    await inbox.update(stored, edited, { contactChanged: false });
    expect(await inbox.index(stored)).toBe('changed');

    const archived = {
      ...edited,
      processingStatus: 'archived' as const,
      archiveReason: 'no_interest',
      version: edited.version + 1,
    };
    await inbox.update(edited, archived, { contactChanged: false });
    await worker(message);

    expect(await searched(token.toLowerCase())).toEqual([id]);
    expect(await lookupItemsOf(email)).toEqual([]);
  });

  it('indexes a batch’s entries in one transaction, then checks them one by one: two leads of one person list each other once', async () => {
    const { handler } = await import('../../functions/duplicates/duplicate-check-worker.handler.ts');
    const email = `jonas.${ulid()}@example.de`;
    const first = await lead({ firstName: 'Jonas', lastName: 'Wagner', email });
    const second = await lead({ firstName: 'Jonas', lastName: 'Wagner', email });
    const other = await lead({ firstName: 'Greta', lastName: 'Lindqvist', email: `greta.${ulid()}@example.se` });
    const send = vi.spyOn(DynamoDBDocumentClient.prototype, 'send');
    const batch = sqsEvent(
      [first, second, other].map(({ message }) => ({ id: message.inboxEntryId, body: JSON.stringify(message) })),
    );

    const res = await handler(batch, lambdaContext());
    const transactions = send.mock.calls.filter(([command]) => command.constructor.name === 'TransactWriteCommand');
    send.mockRestore();
    // a redelivered batch changes nothing
    await handler(batch, lambdaContext());

    expect(res.batchItemFailures).toEqual([]);
    expect(transactions).toHaveLength(1);
    expect((await candidatesOf(first.id)).map((c) => [c.kind, c.id])).toEqual([['inboxEntry', second.id]]);
    expect((await candidatesOf(second.id)).map((c) => [c.kind, c.id])).toEqual([['inboxEntry', first.id]]);
    expect(await candidatesOf(other.id)).toEqual([]);
    for (const { id } of [first, second, other]) {
      expect((await inbox.get(id, { consistent: true }))?.duplicateCheck.status).toBe('done');
    }
    expect((await inbox.list({ q: 'Lindqvist', limit: 10 })).items.map((e) => e.id)).toContain(other.id);
  });

  it('indexes an entry that changed after its batch read it on its own, and the rest of the batch together', async () => {
    const a = await lead({ firstName: 'Ole', lastName: `Brandt${ulid()}`, email: `ole.${ulid()}@example.de` });
    const b = await lead({ firstName: 'Ida', lastName: `Vogt${ulid()}`, email: `ida.${ulid()}@example.de` });
    const c = await lead({ firstName: 'Tom', lastName: `Kühn${ulid()}`, email: `tom.${ulid()}@example.de` });
    const indexed = new Map<string, number>();
    // b as an earlier read saw it: its version is no longer the stored one
    const stale = {
      ...inbox,
      getManyForCheck: async (ids: readonly string[]) =>
        (await inbox.getManyForCheck(ids)).map((e) => (e.id === b.id ? { ...e, version: e.version - 1 } : e)),
    };

    await indexBatch(
      { inbox: stale, indexMany: createBatchIndexer(doc, tableName) },
      indexed,
    )([a.message, b.message, c.message]);
    const batchIndexed = [...indexed.keys()].sort();
    const check = checkDuplicates(
      { inbox, findCandidates: tableCandidateFinder(doc, tableName), now: () => new Date() },
      indexed,
    );
    for (const { message } of [a, b, c]) await check(message);

    // b's condition failed: a and c were indexed together without it, b by its own check
    expect(batchIndexed).toEqual([a.id, c.id].sort());
    expect([...indexed.keys()]).toEqual([]); // each check took its own out
    for (const { id } of [a, b, c]) {
      const entry = await inbox.get(id, { consistent: true });
      expect(entry?.duplicateCheck.status).toBe('done');
      expect((await inbox.list({ q: entry?.contact.lastName ?? '?', limit: 10 })).items.map((e) => e.id)).toEqual([id]);
    }
  });

  it('indexes two imports’ entries of one CSV row in one batch: both checked, each lists the other, one holds the row’s guard', async () => {
    const { handler } = await import('../../functions/duplicates/duplicate-check-worker.handler.ts');
    const rowHash = ulid().toLowerCase();
    const contact = { firstName: 'Lotte', lastName: 'Engel', email: `lotte.${ulid()}@example.de` };
    const first = await lead(contact, { source: 'csv', raw: { importId: ulid(), row: 2, rowHash, fields: {} } });
    const second = await lead(contact, { source: 'csv', raw: { importId: ulid(), row: 2, rowHash, fields: {} } });

    const res = await handler(
      sqsEvent([first, second].map(({ message }) => ({ id: message.inboxEntryId, body: JSON.stringify(message) }))),
      lambdaContext(),
    );

    expect(res.batchItemFailures).toEqual([]);
    expect((await candidatesOf(first.id)).map((c) => c.id)).toEqual([second.id]);
    expect((await candidatesOf(second.id)).map((c) => c.id)).toEqual([first.id]);
    const guard = await doc.send(
      new GetCommand({ TableName: tableName, Key: importedRows.key(rowHash), ConsistentRead: true }),
    );
    expect([first.id, second.id]).toContain(LeadGuardRecord.parse(guard.Item).inboxEntryId);
  });

  it('adds a later lead to the candidates of an earlier one checked before it, once, whichever is checked first', async () => {
    const email = `nina.${ulid()}@example.de`;
    const contact = { firstName: 'Nina', lastName: 'Krüger', email };
    const earlier = await lead(contact);
    await worker(earlier.message);
    expect(await candidatesOf(earlier.id)).toEqual([]);

    const later = await lead(contact);
    await worker(later.message);
    // a redelivered message changes nothing
    await worker(later.message);

    expect((await candidatesOf(later.id)).map((c) => [c.kind, c.id])).toEqual([['inboxEntry', earlier.id]]);
    const found = await candidatesOf(earlier.id);
    expect(found.map((c) => [c.kind, c.id])).toEqual([['inboxEntry', later.id]]);
    expect(found[0]?.reasons).toContain('email_equal');
  });
});

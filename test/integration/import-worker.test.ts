// The import worker against DynamoDB Local and the emulator's S3: encodings, quoting, per-row
// errors, re-runs, runs handed over for time, a run that crashes mid-chunk, and racing runs.
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { ulid } from 'ulid';
import { describe, expect, inject, it } from 'vitest';
import { importReport, newImport } from '../../domain/imports/csv-import.ts';
import type { ExplicitMapping } from '../../domain/imports/header-mapping.ts';
import type { CsvImportRequestedV1 } from '../../events/csv-import-requested.v1.ts';
import type { LeadReceivedV1 } from '../../events/lead-received.v1.ts';
import { importedRows } from '../../functions/imports/import.entity.ts';
import { createImportRepository } from '../../functions/imports/import.repository.ts';
import type { ImportFileStore } from '../../functions/imports/import-file-store.ts';
import { createImportFileStore, importObjectKey } from '../../functions/imports/import-file-store.ts';
import { giveUpImport, importWorker, type RunOutcome, runImport } from '../../functions/imports/run-import.ts';
import { createInboxEntryRepository } from '../../functions/inbox/inbox-entry.repository.ts';
import { LeadGuardRecord } from '../../functions/inbox/lead-guard.entity.ts';
import { consumerOf } from '../../infra/manifest.ts';
import { documentClient, mailBucket, s3Client, tableName } from '../support/aws.ts';
import { indexPendingEntries } from '../support/indexing.ts';

const doc = documentClient();
const s3 = s3Client();
const inbox = createInboxEntryRepository(doc, tableName);
const imports = createImportRepository(doc, tableName);
const files = createImportFileStore({ s3, bucket: mailBucket });

/** A word no other test's rows contain: every row carries it, so `q` finds exactly this file's entries. */
const newToken = (): string =>
  `zq${randomUUID()
    .replace(/[^a-z]/g, '')
    .slice(0, 10)}`;

/** A fixture with `{{token}}` replaced; latin1 round-trips every byte, so Windows-1252 files stay intact. */
const fixture = async (name: string, token: string): Promise<Buffer> => {
  const bytes = await readFile(new URL(`../fixtures/csv/${name}`, import.meta.url));
  return Buffer.from(bytes.toString('latin1').replaceAll('{{token}}', token), 'latin1');
};

/** A DynamoDB client whose batch and transaction writes fail after the first `okWrites`: a worker dying mid-chunk. */
const crashingDoc = (okWrites: number): DynamoDBDocumentClient => {
  const client = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: inject('dynamoEndpoint') }), {
    marshallOptions: { removeUndefinedValues: true },
  });
  let writes = 0;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (/^(TransactWrite|BatchWrite)/.test(context.commandName ?? '')) {
        writes += 1;
        if (writes > okWrites) throw new Error('worker killed');
      }
      return next(args);
    },
    { step: 'initialize', name: 'killAfterWrites' },
  );
  return client;
};

type WorkerOptions = {
  chunkSize?: number;
  concurrency?: number;
  budgetMs?: number;
  client?: DynamoDBDocumentClient;
  files?: ImportFileStore;
};

/** Receives of a message before it goes to the DLQ, as the import worker's queue is deployed. */
const maxReceives = consumerOf('csv-imports')[1].maxReceiveCount;

const worker = (options: WorkerOptions = {}) => {
  const sent: (CsvImportRequestedV1 | LeadReceivedV1)[] = [];
  const client = options.client ?? doc;
  const publisher = {
    publish: async (_url: string, event: CsvImportRequestedV1 | LeadReceivedV1) => void sent.push(event),
  };
  const deps = {
    imports: createImportRepository(client, tableName),
    files: options.files ?? files,
    // duplicate-check requests stay in memory: that queue is shared with other tests and not under test here
    intake: {
      inbox: createInboxEntryRepository(client, tableName),
      doc: client,
      tableName,
      publisher,
      duplicateCheckQueueUrl: 'duplicate-check',
      now: () => new Date(),
    },
    publisher,
    csvImportsQueueUrl: 'csv-imports',
    now: () => new Date(),
    chunkSize: options.chunkSize ?? 500,
    concurrency: options.concurrency ?? 10,
    reserveMs: 0,
  };
  const run = runImport(deps);
  const receive = importWorker(deps, maxReceives);
  const budget = { remainingMs: () => options.budgetMs ?? 300_000 };
  return {
    sent,
    handOvers: () => sent.filter((e) => e.type === 'csv-import-requested'),
    run: (importId: string) => run(importId, budget),
    /** the run as the handler makes it for the `receiveCount`th receive of the import's message */
    receive: (importId: string, receiveCount: number) => receive(importId, receiveCount, budget),
  };
};

/** An import created, its file uploaded and started, as the API leaves it for the worker. */
const queuedImport = async (bytes: Buffer, mapping: ExplicitMapping | null = null): Promise<string> => {
  const id = ulid();
  await imports.create(newImport({ id, filename: 'kontakte.csv', mapping, createdBy: 'importer', now: new Date() }));
  await s3.send(new PutObjectCommand({ Bucket: mailBucket, Key: importObjectKey(id), Body: bytes }));
  await imports.markQueued(id, new Date());
  return id;
};

/** Runs the worker again for every hand-over, as the queue would, until the import ends. */
const runToEnd = async (w: ReturnType<typeof worker>, importId: string): Promise<RunOutcome[]> => {
  const outcomes: RunOutcome[] = [];
  for (let i = 0; i < 100; i += 1) {
    const outcome = await w.run(importId);
    outcomes.push(outcome);
    if (outcome !== 'continued') return outcomes;
  }
  throw new Error('the import never ended');
};

const reportOf = async (importId: string) => {
  const state = await imports.get(importId);
  if (!state) throw new Error(`no import ${importId}`);
  return importReport(state, await imports.listErrors(importId));
};

/** The guard of an imported row, as the duplicate-check worker's indexing writes it. */
const guardOf = async (rowHash: string) => {
  const res = await doc.send(
    new GetCommand({ TableName: tableName, Key: importedRows.key(rowHash), ConsistentRead: true }),
  );
  return res.Item ? LeadGuardRecord.parse(res.Item) : undefined;
};

const entriesWith = async (token: string) => {
  // the worker indexes what intake stored: searched only once it has
  await indexPendingEntries(doc, tableName);
  return (await inbox.list({ q: token, limit: 100 })).items;
};

describe('the CSV import worker (emulator S3 + DynamoDB Local)', () => {
  it('imports a German Outlook export in UTF-8 with BOM: quoted fields with ; and line breaks, failed rows reported by record', async () => {
    const token = newToken();
    const id = await queuedImport(await fixture('outlook-de.csv', token));

    const outcomes = await runToEnd(worker(), id);
    const entries = await entriesWith(token);
    const gabler = entries.find((e) => e.contact.lastName === 'Gabler');

    expect(outcomes).toEqual(['done']);
    expect(await reportOf(id)).toEqual({
      id,
      status: 'done',
      rowsTotal: 5,
      rowsImported: 3,
      rowsSkipped: 0,
      rowsFailed: 2,
      errors: [
        // the multi-line note of row 3 makes these records 4 and 5, on lines 5 and 6
        { row: 4, field: 'E-Mail-Adresse', message: 'not a valid email address' },
        {
          row: 5,
          field: 'row',
          message:
            'gives no way to reach anyone: fill at least one of Nachname, Firma, Telefon geschäftlich, Mobiltelefon, E-Mail-Adresse',
        },
      ],
    });
    expect(entries.map((e) => e.contact.lastName).sort()).toEqual(['Gabler', 'Mustermann', 'Şahin']);
    expect(gabler).toMatchObject({
      source: 'csv',
      priority: 'normal',
      processingStatus: 'new',
      contact: {
        salutation: 'Frau',
        firstName: 'Erika',
        companyName: `Gabler; Söhne ${token} KG`,
        street: 'Königsallee 12',
        postalCode: '40212',
        city: 'Düsseldorf',
        country: 'Deutschland',
        phone: '0170 5556667',
        email: 'erika.gabler@example.com',
      },
      message: 'Erste Zeile\r\nzweite Zeile mit "Zitat"',
      raw: { importId: id, row: 3, fields: expect.objectContaining({ Abteilung: '', Mobiltelefon: '0170 5556667' }) },
    });
  });

  it('imports an English Outlook export with commas', async () => {
    const token = newToken();
    const id = await queuedImport(await fixture('outlook-en.csv', token));

    await runToEnd(worker(), id);
    const entries = await entriesWith(token);

    expect(await reportOf(id)).toMatchObject({ status: 'done', rowsImported: 2, rowsFailed: 0, errors: [] });
    expect(entries.find((e) => e.contact.lastName === 'Smith')).toMatchObject({
      contact: { salutation: 'Mr.', companyName: `Smith ${token}, Inc.`, phone: '+1 555 0100', city: 'Springfield' },
      message: 'Call back, please',
    });
  });

  it('reads a Windows-1252 file with umlauts, ß, € and German quotes', async () => {
    const token = newToken();
    const bytes = await fixture('kontakte-windows-1252.csv', token);
    const id = await queuedImport(bytes);

    await runToEnd(worker(), id);
    const entries = await entriesWith(token);

    expect(bytes.includes(Buffer.from('ü', 'utf8'))).toBe(false); // really not UTF-8
    expect(await reportOf(id)).toMatchObject({ status: 'done', rowsImported: 2 });
    expect(entries.find((e) => e.contact.lastName === 'Weiß')).toMatchObject({
      contact: {
        firstName: 'Jürgen',
        companyName: `Bäckerei Größe ${token}`,
        street: 'Königstraße 5',
        city: 'München',
      },
      message: 'Preis 5 € – „sofort“',
    });
    expect(entries.find((e) => e.contact.lastName === 'Öztürk')?.contact.street).toBe('Schloßallee 2');
  });

  it('skips every row when the same file is imported again, storing nothing twice', async () => {
    const token = newToken();
    const bytes = await fixture('outlook-de.csv', token);
    const first = await queuedImport(bytes);
    await runToEnd(worker(), first);
    // the duplicate-check worker's indexing writes each row's guard
    await indexPendingEntries(doc, tableName);

    const second = await queuedImport(bytes);
    await runToEnd(worker(), second);

    expect(await reportOf(second)).toMatchObject({
      status: 'done',
      rowsTotal: 5,
      rowsImported: 0,
      rowsSkipped: 3,
      rowsFailed: 2,
    });
    expect(await entriesWith(token)).toHaveLength(3);
  });

  it('stores a file imported again before the first import was indexed twice; the first import keeps the guards, so a third import skips every row', async () => {
    const token = newToken();
    const bytes = await fixture('outlook-de.csv', token);
    const first = await queuedImport(bytes);
    await runToEnd(worker(), first);
    const second = await queuedImport(bytes);
    await runToEnd(worker(), second);

    const entries = await entriesWith(token); // indexes every pending entry, oldest first
    const third = await queuedImport(bytes);
    await runToEnd(worker(), third);

    expect(await reportOf(second)).toMatchObject({ status: 'done', rowsImported: 3, rowsSkipped: 0 });
    expect(entries).toHaveLength(6);
    expect(await reportOf(third)).toMatchObject({ status: 'done', rowsImported: 0, rowsSkipped: 3 });
    expect(await entriesWith(token)).toHaveLength(6);
    // each row's guard names the entry of the first import, which was indexed first
    const firstIds = new Set(entries.filter((e) => e.raw.importId === first).map((e) => e.id));
    const guards = await Promise.all(
      entries
        .filter((e) => e.raw.importId === first)
        .map(async (e) => (await guardOf(String(e.raw.rowHash)))?.inboxEntryId),
    );
    expect(new Set(guards)).toEqual(firstIds);
  });

  it('counts a row rescued from a crashed run as imported even when a twin of another import took its guard meanwhile', async () => {
    const token = newToken();
    const bytes = await fixture('outlook-de.csv', token);
    const first = await queuedImport(bytes);
    await runToEnd(worker(), first);
    // the second import stores its entries, then dies writing its failed rows, before its checkpoint
    const second = await queuedImport(bytes);
    await expect(worker({ client: crashingDoc(1) }).run(second)).rejects.toThrow('worker killed');
    // the first import's entries are indexed first and take the rows' guards
    const indexed = await entriesWith(token);

    const outcomes = await runToEnd(worker(), second);

    expect(indexed).toHaveLength(6);
    expect(outcomes).toEqual(['done']);
    expect(await reportOf(second)).toMatchObject({ status: 'done', rowsImported: 3, rowsSkipped: 0, rowsFailed: 2 });
    expect(await entriesWith(token)).toHaveLength(6);
  });

  it('skips a row repeated later in the same file: the entry of its first occurrence is found by its id', async () => {
    const token = newToken();
    const rows = Array.from({ length: 12 }, (_, i) => `Person${i % 9};Firma ${token};p${i % 9}@example.com`);
    const id = await queuedImport(Buffer.from(['Nachname;Firma;E-Mail', ...rows].join('\n'), 'utf8'));

    await runToEnd(worker({ chunkSize: 5 }), id);

    // rows 10, 11 and 12 repeat rows 1, 2 and 3 of the first chunk, in other chunks
    expect(await reportOf(id)).toMatchObject({ status: 'done', rowsTotal: 12, rowsImported: 9, rowsSkipped: 3 });
    expect(await entriesWith(token)).toHaveLength(9);
  });

  it('follows an explicit mapping over detection', async () => {
    const token = newToken();
    const bytes = Buffer.from(
      `Kd-Name;Kontakt;Vorname\nMeyer ${token};meyer@example.com;Notiz statt Vorname\n`,
      'utf8',
    );
    const id = await queuedImport(bytes, { 'Kd-Name': 'companyName', Kontakt: 'email', Vorname: 'message' });

    await runToEnd(worker(), id);

    expect(await reportOf(id)).toMatchObject({ status: 'done', rowsImported: 1 });
    expect((await entriesWith(token))[0]).toMatchObject({
      contact: { companyName: `Meyer ${token}`, email: 'meyer@example.com' },
      message: 'Notiz statt Vorname',
    });
  });

  it('hands over to the next run after a chunk when time runs short, then finishes where it stopped', async () => {
    const token = newToken();
    const rows = Array.from({ length: 23 }, (_, i) => `Person${i};Firma ${token};p${i}@example.com`);
    const id = await queuedImport(Buffer.from(['Nachname;Firma;E-Mail', ...rows].join('\n'), 'utf8'));
    const w = worker({ chunkSize: 5, budgetMs: 0 });

    const first = await w.run(id);
    const afterFirst = await reportOf(id);
    const rest = await runToEnd(w, id);

    expect(first).toBe('continued');
    expect(afterFirst).toMatchObject({ status: 'running', rowsTotal: 5, rowsImported: 5 });
    expect(w.handOvers()).toHaveLength(4); // chunks of 5, 5, 5, 5 and 3 rows
    expect(w.handOvers()[0]).toMatchObject({ type: 'csv-import-requested', version: 1, importId: id });
    expect(rest.at(-1)).toBe('done');
    expect(await reportOf(id)).toMatchObject({ status: 'done', rowsTotal: 23, rowsImported: 23, rowsSkipped: 0 });
    expect(await entriesWith(token)).toHaveLength(23);
  });

  it('resumes a run killed mid-chunk from its last checkpoint: every valid row exactly once, counted once', async () => {
    const token = newToken();
    const rows = Array.from({ length: 30 }, (_, i) =>
      i % 7 === 3 ? `Kaputt${i};Firma ${token};keine-adresse` : `Person${i};Firma ${token};p${i}@example.com`,
    );
    const id = await queuedImport(Buffer.from(['Nachname;Firma;E-Mail', ...rows].join('\r\n'), 'utf8'));
    const valid = rows.filter((r) => !r.startsWith('Kaputt')).length;

    // the first chunk of 10 rows completes; the second dies after writing its entries, before their guards
    const firstChunk = await worker({ chunkSize: 10, budgetMs: 0 }).run(id);
    const dying = worker({ chunkSize: 10, client: crashingDoc(1), concurrency: 2 });
    await expect(dying.run(id)).rejects.toThrow('worker killed');
    const afterCrash = await reportOf(id);
    const outcomes = await runToEnd(worker({ chunkSize: 10 }), id);

    expect(firstChunk).toBe('continued');
    expect(afterCrash).toMatchObject({ status: 'running', rowsTotal: 10 });
    expect(outcomes).toEqual(['done']);
    expect(await reportOf(id)).toMatchObject({
      status: 'done',
      rowsTotal: 30,
      rowsImported: valid,
      rowsSkipped: 0,
      rowsFailed: 30 - valid,
    });
    const entries = await entriesWith(token);
    expect(entries).toHaveLength(valid);
    expect(new Set(entries.map((e) => e.contact.lastName)).size).toBe(valid);
  });

  it('stores and counts every row once when two runs of one import race (a redelivered message)', async () => {
    const token = newToken();
    const rows = Array.from({ length: 40 }, (_, i) => `Person${i};Firma ${token};r${i}@example.com`);
    const id = await queuedImport(Buffer.from(['Nachname;Firma;E-Mail', ...rows].join('\n'), 'utf8'));

    await worker({ chunkSize: 8, budgetMs: 0 }).run(id);

    // both start from the same checkpoint; the first to write the next one goes on, the other stops
    const outcomes = await Promise.all([worker({ chunkSize: 8 }).run(id), worker({ chunkSize: 8 }).run(id)]);

    expect(outcomes.sort()).toEqual(['done', 'overtaken']);
    expect(await reportOf(id)).toMatchObject({ status: 'done', rowsTotal: 40, rowsImported: 40, rowsSkipped: 0 });
    expect(await entriesWith(token)).toHaveLength(40);
  });

  it('imports the rows before broken quoting, then fails naming the record and the reason', async () => {
    const token = newToken();
    const id = await queuedImport(await fixture('broken-quote.csv', token));

    const outcomes = await runToEnd(worker(), id);

    expect(outcomes).toEqual(['failed']);
    expect(await reportOf(id)).toEqual({
      id,
      status: 'failed',
      rowsTotal: 2,
      rowsImported: 2,
      rowsSkipped: 0,
      rowsFailed: 0,
      errors: [{ row: 4, field: 'file', message: expect.stringContaining('never closed') }],
    });
    expect((await entriesWith(token)).map((e) => e.contact.lastName).sort()).toEqual([
      `Alt ${token}`,
      `Bauer ${token}`,
    ]);
  });

  it('fails a file that is not CSV (a PNG image) with the reason, storing nothing', async () => {
    const id = await queuedImport(await readFile(new URL('../fixtures/csv/pixel.png', import.meta.url)));

    await runToEnd(worker(), id);

    expect(await reportOf(id)).toMatchObject({
      status: 'failed',
      rowsTotal: 0,
      errors: [{ row: 1, field: 'file', message: 'the file is a PNG image, not a CSV text file' }],
    });
  });

  it('fails a file without a recognisable header row, storing nothing', async () => {
    const token = newToken();
    const id = await queuedImport(Buffer.from(`Max;Muster ${token};max@example.com\nErika;Muster;e@example.com\n`));

    await runToEnd(worker(), id);

    expect(await reportOf(id)).toMatchObject({
      status: 'failed',
      errors: [{ row: 1, field: 'file', message: expect.stringContaining('no column header is recognised') }],
    });
    expect(await entriesWith(token)).toHaveLength(0);
  });

  it('fails when the explicit mapping names a column the file lacks', async () => {
    const id = await queuedImport(Buffer.from('Name;E-Mail\nMuster;m@example.com\n'), { Kundennummer: null });

    await runToEnd(worker(), id);

    expect((await reportOf(id)).errors).toEqual([
      { row: 1, field: 'file', message: expect.stringContaining('"Kundennummer"') },
    ]);
  });

  it('fails when the file is uploaded again mid-import, keeping the rows read from the first upload', async () => {
    const token = newToken();
    const rows = Array.from({ length: 12 }, (_, i) => `Person${i};Firma ${token};u${i}@example.com`);
    const id = await queuedImport(Buffer.from(['Nachname;Firma;E-Mail', ...rows].join('\n'), 'utf8'));
    const w = worker({ chunkSize: 5, budgetMs: 0 });
    await w.run(id);

    await s3.send(
      new PutObjectCommand({ Bucket: mailBucket, Key: importObjectKey(id), Body: `Nachname\nAnders ${token}\n` }),
    );
    const outcome = await w.run(id);

    expect(outcome).toBe('failed');
    expect(await reportOf(id)).toMatchObject({
      status: 'failed',
      rowsImported: 5,
      errors: [{ row: 7, field: 'file', message: expect.stringContaining('uploaded again') }],
    });
    expect(await entriesWith(token)).toHaveLength(5);
  });

  it('marks an import failed at the row it could not get past when its worker kept failing', async () => {
    const token = newToken();
    const rows = Array.from({ length: 8 }, (_, i) => `Person${i};Firma ${token};g${i}@example.com`);
    const id = await queuedImport(Buffer.from(['Nachname;Firma;E-Mail', ...rows].join('\n'), 'utf8'));
    await worker({ chunkSize: 5, budgetMs: 0 }).run(id);

    await giveUpImport({ imports, now: () => new Date() })(id, 5);

    expect(await reportOf(id)).toMatchObject({
      status: 'failed',
      rowsImported: 5,
      errors: [{ row: 7, field: 'file', message: expect.stringContaining('after 5 failed attempts') }],
    });
    expect(await worker().run(id)).toBe('nothing-to-do');
  });

  it('fails an import whose file cannot be read through every receive, at the row it got to, instead of leaving it running', async () => {
    const token = newToken();
    const rows = Array.from({ length: 8 }, (_, i) => `Person${i};Firma ${token};s${i}@example.com`);
    const id = await queuedImport(Buffer.from(['Nachname;Firma;E-Mail', ...rows].join('\n'), 'utf8'));
    await worker({ chunkSize: 5, budgetMs: 0 }).run(id);
    const s3Down = worker({
      files: {
        ...files,
        open: async () => {
          throw new Error('S3 unavailable');
        },
      },
    });

    await expect(s3Down.receive(id, maxReceives - 1)).rejects.toThrow('S3 unavailable');
    const beforeLastReceive = await reportOf(id);
    await expect(s3Down.receive(id, maxReceives)).rejects.toThrow('S3 unavailable');

    expect(beforeLastReceive).toMatchObject({ status: 'running', rowsImported: 5 });
    expect(await reportOf(id)).toMatchObject({
      status: 'failed',
      rowsImported: 5,
      errors: [{ row: 7, field: 'file', message: expect.stringContaining(`after ${maxReceives} failed attempts`) }],
    });
    expect(await worker().run(id)).toBe('nothing-to-do');
  });

  it('does nothing for an import that is finished, and fails (toward the DLQ) for one that does not exist', async () => {
    const id = await queuedImport(Buffer.from('Nachname\nMuster\n'));
    const w = worker();
    await runToEnd(w, id);

    expect(await w.run(id)).toBe('nothing-to-do');
    await expect(w.run('no-such-import')).rejects.toMatchObject({ name: 'UnknownRecordError' });
  });
});

/**
 * A CSV import of `BENCH_CSV_ROWS` rows (default 100,000) through the import worker's core,
 * in-process, against DynamoDB Local and the emulator: rows per second as a ratio to raw
 * BatchWriteItem of the same rows in the same run, and the worker process's peak memory.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DynamoDBClient, UpdateTableCommand } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { Upload } from '@aws-sdk/lib-storage';
import { build } from 'esbuild';
import { ulid } from 'ulid';
import { newImport } from '../domain/imports/csv-import.ts';
import { mapColumns, mapRow } from '../domain/imports/header-mapping.ts';
import { readRecords } from '../functions/imports/csv-records.ts';
import { createImportRepository } from '../functions/imports/import.repository.ts';
import { importObjectKey } from '../functions/imports/import-file-store.ts';
import { workerSettings } from '../functions/imports/run-import.ts';
import { functionBundleOptions, functionEntryFile } from '../infra/bundling.ts';
import { ensureBucket, ensureQueues, ensureTable, localNames } from '../infra/local/provision.ts';
import { localAwsEnv, startDynamoDbLocal, startEmulator } from '../infra/local/services.ts';
import { functionSpec } from '../infra/manifest.ts';
import { freePort } from '../test/support/ports.ts';
import type { WorkerChildResult, WorkerChildSettings } from './csv-import-worker.ts';
import { seeded } from './german-persons.ts';

export type CsvImportFigures = {
  rows: number;
  fileBytes: number;
  importMs: number;
  rowsPerSecond: number;
  rowsImported: number;
  rowsFailed: number;
  /** worker invocations the import took (each hands over before the Lambda timeout) */
  invocations: number;
  batchWriteMs: number;
  batchWriteRowsPerSecond: number;
  /** RSS of this process (the worker; the services run in child processes) */
  rssBeforeMb: number;
  peakRssMb: number;
  peakHeapUsedMb: number;
  /** the worker's heap limit (manifest `heapMb`), as deployed */
  heapMb: number | undefined;
};

const emulatorChildFlag = '--csv-import-emulator';
const rawTable = 'kontakt-bench-raw';
/** BatchWriteItem's limit */
const batchSize = 25;

// --- the data -------------------------------------------------------------------------------------

const firstNames = [
  'Anna',
  'Jürgen',
  'Lena',
  'Max',
  'Sophie',
  'Lukas',
  'Marie',
  'Jörg',
  'Özlem',
  'Paul',
  'Emma',
  'Björn',
];
const lastNames = [
  'Müller',
  'Schmidt',
  'Schneider',
  'Fischer',
  'Weber',
  'Meyer',
  'Wagner',
  'Becker',
  'Schulz',
  'Hoffmann',
  'Schäfer',
  'Koch',
  'Bauer',
  'Weiß',
  'Groß',
];
const companies = [
  'Bäckerei',
  'Autohaus',
  'Steuerkanzlei',
  'Gartenbau',
  'Elektro',
  'Malerbetrieb',
  'Zahnarztpraxis',
  'Metallbau',
];
const legalForms = ['GmbH', 'AG', 'KG', 'e.K.', 'GmbH & Co. KG'];
const streets = [
  'Hauptstraße',
  'Bahnhofstraße',
  'Schillerstraße',
  'Goethestraße',
  'Lindenallee',
  'Gartenweg',
  'Königsallee',
];
const cities: [string, string, string][] = [
  ['10115', 'Berlin', '30'],
  ['20095', 'Hamburg', '40'],
  ['80331', 'München', '89'],
  ['50667', 'Köln', '221'],
  ['60311', 'Frankfurt am Main', '69'],
  ['70173', 'Stuttgart', '711'],
  ['40213', 'Düsseldorf', '211'],
  ['04109', 'Leipzig', '341'],
];
const header = 'Anrede;Vorname;Nachname;Firma;Straße;PLZ;Ort;Land;Telefon;E-Mail;Notizen';

const ascii = (text: string): string =>
  text
    .toLowerCase()
    .replaceAll('ä', 'ae')
    .replaceAll('ö', 'oe')
    .replaceAll('ü', 'ue')
    .replaceAll('ß', 'ss')
    .replace(/[^a-z0-9]+/g, '-');

/** One row as Excel writes it: semicolons, quotes where a value needs them; some notes span two lines. */
const row = (n: number, random: () => number): string => {
  const pick = <T>(list: readonly T[]): T => {
    const value = list[Math.floor(random() * list.length)];
    if (value === undefined) throw new Error('pick from an empty list');
    return value;
  };
  const first = pick(firstNames);
  const last = pick(lastNames);
  const company = `${pick(companies)} ${pick(lastNames)} ${pick(legalForms)}`;
  const [postalCode, city, area] = pick(cities);
  // one row in 200 has an address no one can write to: the import reports it and goes on
  const email =
    n % 200 === 199 ? `${ascii(first)}(at)example.de` : `${ascii(first)}.${ascii(last)}.${n}@${ascii(company)}.de`;
  const note =
    random() < 0.05
      ? '"Rückruf erbeten; bitte ""dringend"" markieren\nAngebot folgt"'
      : random() < 0.3
        ? 'Messe 2026'
        : '';
  return [
    first.endsWith('a') || first.endsWith('e') ? 'Frau' : 'Herr',
    first,
    last,
    company,
    `${pick(streets)} ${1 + Math.floor(random() * 120)}`,
    postalCode,
    city,
    'Deutschland',
    `+49 ${area} ${1_000_000 + Math.floor(random() * 8_999_999)}`,
    email,
    note,
  ].join(';');
};

/** Written as Excel's "CSV UTF-8" (with BOM), streamed to disk: the file is never held whole. */
const writeCsv = async (file: string, rows: number): Promise<number> => {
  const out = createWriteStream(file);
  const random = seeded(42);
  out.write(`\ufeff${header}\r\n`);
  for (let n = 0; n < rows; n += 1) {
    if (!out.write(`${row(n, random)}\r\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return (await stat(file)).size;
};

// --- the emulator, in a child process ---------------------------------------------------------------

/**
 * fauxqs runs in-process wherever it is started, and a 100,000-row import queues 100,000 duplicate
 * checks in it: in a child process, its memory is not counted as the worker's.
 */
export const startEmulatorChild = async (dataDir: string): Promise<{ endpoint: string; stop: () => Promise<void> }> => {
  const port = await freePort();
  const child: ChildProcess = spawn(
    process.execPath,
    [fileURLToPath(import.meta.url), emulatorChildFlag, String(port), dataDir],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const exited = once(child, 'exit');
  await new Promise<void>((ready, fail) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('ready')) ready();
    });
    void exited.then(() => fail(new Error('the emulator child exited before it was ready')));
  });
  return {
    endpoint: `http://127.0.0.1:${port}`,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
};

if (process.argv[2] === emulatorChildFlag) {
  const emulator = await startEmulator({ port: Number(process.argv[3]), dataDir: process.argv[4] ?? tmpdir() });
  process.once('SIGTERM', () => {
    void emulator.stop().finally(() => process.exit(0));
  });
  process.stdout.write('ready\n');
}

// --- the two paths ------------------------------------------------------------------------------

const writeBatch = async (doc: DynamoDBDocumentClient, items: Record<string, unknown>[]): Promise<void> => {
  let requests: { PutRequest: { Item: Record<string, unknown> } }[] = items.map((Item) => ({ PutRequest: { Item } }));
  for (let attempt = 0; requests.length > 0; attempt += 1) {
    if (attempt > 0) await new Promise((done) => setTimeout(done, Math.min(1000, 20 * 2 ** attempt)));
    const res = await doc.send(new BatchWriteCommand({ RequestItems: { [rawTable]: requests } }));
    requests = (res.UnprocessedItems?.[rawTable] ?? []).flatMap((r) =>
      r.PutRequest?.Item ? [{ PutRequest: { Item: r.PutRequest.Item } }] : [],
    );
  }
};

/**
 * The floor: the same rows, read the same way, written as plain items (no entry, no search items,
 * no guard, no duplicate-check message), 25 per BatchWriteItem, as many requests in flight as the
 * worker has rows in flight.
 */
const batchWriteRows = async (doc: DynamoDBDocumentClient, file: string, concurrency: number): Promise<number> => {
  const inFlight = new Set<Promise<void>>();
  let batch: Record<string, unknown>[] = [];
  let columns: ReturnType<typeof mapColumns>['columns'] = [];
  let written = 0;
  const flush = async (): Promise<void> => {
    const items = batch;
    batch = [];
    written += items.length;
    const write: Promise<void> = writeBatch(doc, items).finally(() => inFlight.delete(write));
    inFlight.add(write);
    if (inFlight.size >= concurrency) await Promise.race(inFlight);
  };
  const bom = 3;
  for await (const record of readRecords(
    createReadStream(file, { start: bom }),
    { encoding: 'utf-8', delimiter: ';' },
    { offset: bom, row: 1 },
  )) {
    if (record.row === 1) {
      columns = mapColumns(record.values).columns;
      continue;
    }
    batch.push({ pk: `ROW#${record.row}`, sk: 'ROW', row: record.row, ...mapRow(columns, record.values) });
    if (batch.length === batchSize) await flush();
  }
  if (batch.length > 0) await flush();
  await Promise.all(inFlight);
  return written;
};

// --- the import worker, in a child process -----------------------------------------------------------

/**
 * The import runs in a process of its own, as in a Lambda container: bundled as deployed and
 * started with the function's heap limit (manifest `heapMb`), so its peak RSS
 * (`process.resourceUsage().maxRSS`, exact, not sampled) is the worker's alone, without the
 * bench's TypeScript loader, figures and services.
 */
const runWorkerChild = async (
  dataDir: string,
  settings: Pick<WorkerChildSettings, 'dynamo' | 'emulator' | 'importId' | 'queues'>,
): Promise<WorkerChildResult & { heapMb: number | undefined }> => {
  const spec = functionSpec('import-worker');
  const bundle = join(dataDir, 'csv-import-worker', functionEntryFile);
  await build({
    ...functionBundleOptions(
      fileURLToPath(new URL('./csv-import-worker.ts', import.meta.url)),
      join(dataDir, 'csv-import-worker'),
    ),
    logLevel: 'error',
  });
  const full: WorkerChildSettings = {
    ...settings,
    table: localNames.table,
    bucket: localNames.mailBucket,
    region: localAwsEnv.AWS_REGION,
    credentials: { accessKeyId: localAwsEnv.AWS_ACCESS_KEY_ID, secretAccessKey: localAwsEnv.AWS_SECRET_ACCESS_KEY },
    invocationMs: spec.timeoutSeconds * 1000,
  };
  const heapLimit = spec.heapMb === undefined ? [] : [`--max-old-space-size=${spec.heapMb}`];
  const child = spawn(process.execPath, [...heapLimit, bundle, JSON.stringify(full)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  const [code] = (await once(child, 'exit')) as [number | null];
  if (code !== 0) throw new Error(`the import worker child exited with ${code}`);
  return { ...(JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as WorkerChildResult), heapMb: spec.heapMb };
};

export const measureCsvImport = async (options: { rows: number }): Promise<CsvImportFigures> => {
  const dataDir = await mkdtemp(join(tmpdir(), 'kontakt-bench-csv-'));
  const stops: (() => Promise<void>)[] = [];
  try {
    const dynamo = await startDynamoDbLocal({ port: await freePort(), dataDir: join(dataDir, 'dynamodb') });
    stops.push(dynamo.stop);
    const emulator = await startEmulatorChild(dataDir);
    stops.push(emulator.stop);

    const credentials = {
      accessKeyId: localAwsEnv.AWS_ACCESS_KEY_ID,
      secretAccessKey: localAwsEnv.AWS_SECRET_ACCESS_KEY,
    };
    const region = localAwsEnv.AWS_REGION;
    const dynamoClient = new DynamoDBClient({ endpoint: dynamo.endpoint, region, credentials });
    const doc = DynamoDBDocumentClient.from(dynamoClient, {
      marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
    });
    const sqs = new SQSClient({ endpoint: emulator.endpoint, region, credentials, useQueueUrlAsEndpoint: false });
    const s3 = new S3Client({ endpoint: emulator.endpoint, region, credentials, forcePathStyle: true });
    await ensureTable(dynamoClient, localNames.table);
    await ensureTable(dynamoClient, rawTable);
    // DynamoDB Local slows every operation on a table whose stream records pile up, an effect AWS
    // does not have (bench/duplicate-check.ts measured it): no stream consumer is part of the import
    for (const table of [localNames.table, rawTable]) {
      await dynamoClient.send(
        new UpdateTableCommand({ TableName: table, StreamSpecification: { StreamEnabled: false } }),
      );
    }
    const queues = await ensureQueues(sqs);
    await ensureBucket(s3, localNames.mailBucket);

    const file = join(dataDir, 'kontakte.csv');
    const fileBytes = await writeCsv(file, options.rows);
    const importId = ulid();
    await new Upload({
      client: s3,
      params: { Bucket: localNames.mailBucket, Key: importObjectKey(importId), Body: createReadStream(file) },
    }).done();

    const imports = createImportRepository(doc, localNames.table);
    const now = () => new Date();
    await imports.create(
      newImport({ id: importId, filename: 'kontakte.csv', mapping: null, createdBy: 'bench', now: now() }),
    );
    await imports.markQueued(importId, now());

    const worker = await runWorkerChild(dataDir, {
      dynamo: dynamo.endpoint,
      emulator: emulator.endpoint,
      importId,
      queues,
    });
    const { outcome, invocations, importMs } = worker;
    const result = await imports.get(importId);
    if (outcome !== 'done' || !result) throw new Error(`the import ended ${outcome}`);

    const batchStarted = performance.now();
    const written = await batchWriteRows(doc, file, workerSettings.concurrency);
    const batchWriteMs = performance.now() - batchStarted;
    for (const client of [dynamoClient, sqs, s3]) client.destroy();

    return {
      rows: result.rowsTotal,
      fileBytes,
      importMs,
      rowsPerSecond: result.rowsTotal / (importMs / 1000),
      rowsImported: result.rowsImported,
      rowsFailed: result.rowsFailed,
      invocations,
      batchWriteMs,
      batchWriteRowsPerSecond: written / (batchWriteMs / 1000),
      rssBeforeMb: worker.rssBeforeMb,
      peakRssMb: worker.peakRssMb,
      peakHeapUsedMb: worker.peakHeapUsedMb,
      heapMb: worker.heapMb,
    };
  } finally {
    for (const stop of stops.reverse()) {
      await stop().catch((error: unknown) => console.error('could not stop a local service:', error));
    }
    await rm(dataDir, { recursive: true, force: true });
  }
};

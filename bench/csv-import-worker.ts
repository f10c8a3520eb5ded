/**
 * The CSV import worker as the bench runs it: in a process of its own, bundled as deployed
 * (bench/csv-import.ts bundles this file with the functions' esbuild options and starts it with the
 * function's heap limit), so its peak RSS is what a Lambda container of the worker would hold:
 * no TypeScript loader, none of the bench's own modules, no services.
 *
 * argv[2]: the settings as JSON. Prints one line of JSON with the figures.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createImportRepository } from '../functions/imports/import.repository.ts';
import { createImportFileStore } from '../functions/imports/import-file-store.ts';
import { type RunOutcome, runImport, workerSettings } from '../functions/imports/run-import.ts';
import { createInboxEntryWriter } from '../functions/inbox/inbox-entry-writer.ts';
import { createQueuePublisher } from '../functions/shared/queue-publisher.ts';

export type WorkerChildSettings = {
  dynamo: string;
  emulator: string;
  importId: string;
  queues: Record<string, string>;
  table: string;
  bucket: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  /** each run gets the worker's Lambda timeout, as an invocation would, and hands over before it */
  invocationMs: number;
};

export type WorkerChildResult = {
  outcome: RunOutcome;
  invocations: number;
  importMs: number;
  peakRssMb: number;
  rssBeforeMb: number;
  peakHeapUsedMb: number;
};

const mb = (bytes: number): number => Math.round((bytes / 1024 / 1024) * 10) / 10;

/** Peak heap in use, sampled every 100 ms (peak RSS is exact: maxRSS). */
const sampleHeap = () => {
  let peak = 0;
  const sample = (): void => {
    peak = Math.max(peak, process.memoryUsage().heapUsed);
  };
  sample();
  const timer = setInterval(sample, 100);
  return {
    stop: (): number => {
      clearInterval(timer);
      sample();
      return peak;
    },
  };
};

const settings = JSON.parse(process.argv[2] ?? '{}') as WorkerChildSettings;
const { region, credentials } = settings;
const doc = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: settings.dynamo, region, credentials }), {
  marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
});
const sqs = new SQSClient({ endpoint: settings.emulator, region, credentials, useQueueUrlAsEndpoint: false });
const s3 = new S3Client({ endpoint: settings.emulator, region, credentials, forcePathStyle: true });
const publisher = createQueuePublisher(sqs);
const now = () => new Date();
const run = runImport({
  imports: createImportRepository(doc, settings.table),
  files: createImportFileStore({ s3, bucket: settings.bucket }),
  intake: {
    inbox: createInboxEntryWriter(doc, settings.table),
    doc,
    tableName: settings.table,
    publisher,
    duplicateCheckQueueUrl: settings.queues['duplicate-check'] ?? '',
    now,
  },
  publisher,
  csvImportsQueueUrl: settings.queues['csv-imports'] ?? '',
  now,
  ...workerSettings,
});
const rssBefore = process.memoryUsage.rss();
const heap = sampleHeap();
const started = performance.now();
let outcome: RunOutcome;
let invocations = 0;
do {
  const deadline = Date.now() + settings.invocationMs;
  outcome = await run(settings.importId, { remainingMs: () => deadline - Date.now() });
  invocations += 1;
} while (outcome === 'continued');
const importMs = performance.now() - started;
const result: WorkerChildResult = {
  outcome,
  invocations,
  importMs,
  // maxRSS is in kilobytes
  peakRssMb: mb(process.resourceUsage().maxRSS * 1024),
  rssBeforeMb: mb(rssBefore),
  peakHeapUsedMb: mb(heap.stop()),
};
for (const client of [sqs, s3]) client.destroy();
process.stdout.write(`${JSON.stringify(result)}\n`);
process.exit(0);

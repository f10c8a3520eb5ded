/** `npm run bench`: bundle sizes, cold-start import times against a bare SDK floor, the AWS cost of one web-form submission, web-form throughput against a direct SDK floor, duplicate protection's quality (FEBRL and a regional customer base) and its cost at 1,000 vs 100,000 persons (national and regional), and a CSV import. */

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { initDeferred } from '../domain/shared/deferred-init.ts';
import { functionEntries } from '../infra/manifest.ts';
import { type Bundle, bareEntrySource, bundleBare, bundleFunction, bundleSingleFile } from './bundle.ts';
import { measureConversion } from './conversion.ts';
import { measureCsvImport } from './csv-import.ts';
import { measureDuplicateCheck } from './duplicate-check.ts';
import { measureEmailMemory } from './email-memory.ts';
import { measureFebrlQuality } from './febrl-quality.ts';
import { compareInit } from './init-time.ts';
import { measureRegionalQuality, regionalSeeds } from './regional-quality.ts';
import { describeRun, type Figure, writeRun } from './results.ts';
import { measureWebformSubmission } from './webform-submission.ts';
import { measureWebformThroughput } from './webform-throughput.ts';

// the phone numbering plan and whatever else modules defer from a cold start, as handlers load it
await initDeferred();

const repoRoot = resolve(fileURLToPath(new URL('..', import.meta.url)));
/** odd, so the median is one measured run; 7 keeps the whole bench well under two minutes on 2 cores */
/** imports of each bundle and of its bare floor, alternating; the medians are compared (`BENCH_IMPORT_RUNS`) */
const importRuns = Number(process.env.BENCH_IMPORT_RUNS ?? 11);
/** `BENCH_FUNCTIONS=inbox-api,settings-api`: bundle and time only these functions */
const onlyFunctions = (process.env.BENCH_FUNCTIONS ?? '').split(',').filter((name) => name.trim() !== '');
/**
 * 16 in flight is a busy form, not a flood; 900 submissions per path (about 6 s of each on 2 cores)
 * make each round long enough that the worker's first poll is not most of it
 */
const throughput = { count: 900, concurrency: 16, warmUp: 30, rounds: 3 };
/** rows of the CSV import; DynamoDB Local stores about 45 imported rows/s on 2 cores, so 100,000 take ~40 minutes */
const csvRows = Number(process.env.BENCH_CSV_ROWS ?? 100_000);
if (!Number.isInteger(csvRows) || csvRows < 1) throw new Error('BENCH_CSV_ROWS must be a positive whole number');
/** existing persons for the large duplicate check (the small one has 1,000); loading 100,000 takes ~10 minutes */
const dupPersons = Number(process.env.BENCH_DUP_PERSONS ?? 100_000);
if (!Number.isInteger(dupPersons) || dupPersons < 1_000)
  throw new Error('BENCH_DUP_PERSONS must be a whole number ≥ 1000');

/** seeds of the regional quality figure (about ten minutes each on 2 cores); `BENCH_REGIONAL_SEEDS=101` for one */
const regionalSeedsToRun = (process.env.BENCH_REGIONAL_SEEDS ?? regionalSeeds.join(','))
  .split(',')
  .map((s) => Number(s.trim()));
if (regionalSeedsToRun.some((s) => !Number.isInteger(s))) throw new Error('BENCH_REGIONAL_SEEDS must be whole numbers');

/** `BENCH_ONLY=bundle,conversion`: only these groups (bundle, webform, conversion, quality, regional, dup, mail, csv) */
const only = (process.env.BENCH_ONLY ?? '').split(',').filter((g) => g.trim() !== '');
const wanted = (group: string): boolean => only.length === 0 || only.includes(group);

const round = (value: number, digits: number): number => Number(value.toFixed(digits));

const figures: Figure[] = [];
const report = (figure: Figure): void => {
  figures.push(figure);
  process.stdout.write(`${JSON.stringify(figure)}\n`);
};

const started = new Date();
const outDir = await mkdtemp(join(tmpdir(), 'kontakt-bench-bundles-'));
try {
  // Functions with the same SDK clients share one bare bundle.
  const bares = new Map<string, Promise<Bundle>>();
  for (const [name, spec] of wanted('bundle') ? functionEntries() : []) {
    if (onlyFunctions.length > 0 && !onlyFunctions.includes(name)) continue;
    const bundle = await bundleFunction(spec.entry, repoRoot, outDir, name);
    const bareSource = bareEntrySource(bundle);
    const bare = bares.get(bareSource) ?? bundleBare(bundle, repoRoot, outDir, `bare-${bares.size + 1}`);
    bares.set(bareSource, bare);
    const bareBundle = await bare;

    report({
      figure: 'bundle',
      function: name,
      bundleBytes: bundle.bundleBytes,
      awsSdkBytes: bundle.awsSdkBytes,
      otherBytes: bundle.otherBytes,
      // what a cold start loads (the entry and its static imports) and, of it, what is not AWS SDK
      initBytes: bundle.initBytes,
      initOtherBytes: bundle.initOtherBytes,
      // the route whose first request loads the most code beyond the cold start's
      heaviestRouteBytes: bundle.heaviestRoute?.bytes ?? 0,
      heaviestRouteOtherBytes: bundle.heaviestRoute?.otherBytes ?? 0,
      sdkClients: bundle.clients,
      topOther: bundle.topOther,
    });

    const servesHttp = (spec.routes ?? []).length > 0;
    const singleFile = servesHttp ? await bundleSingleFile(spec.entry, repoRoot, outDir, name) : undefined;
    const times = await compareInit(bundle, bareBundle.path, importRuns, spec.environment, singleFile);
    report({
      figure: 'init',
      function: name,
      initMs: round(times.initMs, 1),
      bareInitMs: round(times.bareInitMs, 1),
      initRatio: round(times.initMs / times.bareInitMs, 2),
      // the target (≤ 1.2) is for functions that answer HTTP requests: a user waits on their cold start
      servesHttp,
      // the cold start and then the heaviest route's code, as its first request loads it, against the
      // same bare floor: what a user waiting on that request's code pays (no I/O in either)
      ...(times.heaviestRouteMs === null
        ? {}
        : {
            initAndHeaviestRouteMs: round(times.heaviestRouteMs, 1),
            initAndHeaviestRouteRatio: round(times.heaviestRouteMs / times.bareInitMs, 2),
          }),
      // the same, bundled into one file as before code splitting: its init held every route's code
      ...(times.singleFileInitMs === null
        ? {}
        : {
            singleFileInitMs: round(times.singleFileInitMs, 1),
            ...(times.heaviestRouteMs === null
              ? {}
              : { initAndHeaviestRouteVsSingleFile: round(times.heaviestRouteMs / times.singleFileInitMs, 2) }),
          }),
      runs: times.runs,
      bareBundleBytes: bareBundle.bundleBytes,
      bareInitBytes: bareBundle.initBytes,
      bareClients: bareBundle.clients,
    });
  }

  if (wanted('webform')) {
    const submission = await measureWebformSubmission();
    const notes: Record<'warmUp' | 'warm', string> = {
      warmUp: 'first invocation after import (also resolves credentials, opens connections)',
      warm: 'the invocation after the warm-up, as a warm container serves it',
    };
    for (const [label, usage] of [
      ['warmUp', submission.warmUp],
      ['warm', submission.warm],
    ] as const) {
      report({
        figure: 'webform-submission',
        invocation: label,
        note: notes[label],
        statusCode: usage.statusCode,
        awsCalls: { ...usage.calls, total: usage.totalCalls },
        readCapacityUnits: usage.readCapacityUnits,
        writeCapacityUnits: usage.writeCapacityUnits,
        ms: round(usage.ms, 1),
      });
    }

    for (const [label, lead] of Object.entries(submission.capacity)) {
      report({
        figure: 'webform-capacity',
        lead: label,
        note: 'write units as AWS bills them, from the items written (bench/billed-writes.ts: per started KB, ×2 in a transaction, plus each index copy): the README example lead with an Idempotency-Key through the handler, then the duplicate-check worker on its message',
        synchronousUnits: lead.synchronous.units,
        synchronousByKind: lead.synchronous.byKind,
        workerUnits: lead.worker.units,
        workerByKind: lead.worker.byKind,
        totalUnits: lead.total,
      });
    }

    const load = await measureWebformThroughput(throughput);
    report({
      figure: 'webform-throughput',
      note: 'POSTs through the local stack (throttling lifted; its duplicate-check worker runs alongside) against one PutItem plus one SendMessage made directly, same stack, same concurrency',
      submissionsPerSecond: round(load.stack.perSecond, 1),
      directPerSecond: round(load.direct.perSecond, 1),
      ratio: round(load.stack.perSecond / load.direct.perSecond, 3),
      count: load.count,
      concurrency: load.concurrency,
      warmUp: load.warmUp,
      rounds: load.rounds,
      p50Ms: round(load.stack.p50Ms, 1),
      p95Ms: round(load.stack.p95Ms, 1),
      directP50Ms: round(load.direct.p50Ms, 1),
      directP95Ms: round(load.direct.p95Ms, 1),
      errors: load.stack.errors,
      errorsByKind: load.stack.errorsByKind,
      directErrors: load.direct.errors,
      directErrorsByKind: load.direct.errorsByKind,
      checksQueuedBeforeDirect: load.backlogBeforeDirect,
      checksQueuedAfterStack: load.backlogAfterStack,
      workerDrainChecksPerSecond: round(load.drainChecksPerSecond, 1),
    });
    if (load.stack.errorsByKind['429'] !== undefined) {
      process.stderr.write(
        'bench: webform-throughput was throttled (429): it measured the route limit, not the stack\n',
      );
    }
  }

  if (wanted('conversion')) {
    const conversion = await measureConversion();
    report({
      figure: 'conversion',
      note: 'through the deployed handlers against DynamoDB Local and the emulator, warm: one conversion into a deal with a new company and person (duplicate checks, number, one transaction), then the deal plan of ten activities: the request and the worker; capacity as DynamoDB Local reports it',
      conversion: { ...conversion.conversion, ms: round(conversion.conversion.ms, 1) },
      activityPlanRequest: { ...conversion.planRequest, ms: round(conversion.planRequest.ms, 1) },
      activityPlanWorker: { ...conversion.planWorker, ms: round(conversion.planWorker.ms, 1) },
    });
  }

  if (wanted('quality')) {
    const quality = await measureFebrlQuality('dataset2.csv');
    report({
      figure: 'duplicate-quality',
      note: 'febrl dataset2 (weights tuned on dataset1 only): originals as persons except N divisible by 5, every duplicate through storeLead and the check worker; pairs (duplicate, person) counted',
      ...quality,
    });
  }

  for (const seed of wanted('regional') ? regionalSeedsToRun : []) {
    const regional = await measureRegionalQuality(seed);
    report({
      figure: 'duplicate-quality-regional',
      note: 'a generated regional customer base (20,000 persons, most in six Cologne postcodes, households, namesakes; 2,000 companies) through the real write and check paths; 600 true person duplicates, 150 company duplicates, 600 records that are not stored ones (family members, namesakes, juniors, new persons); seeds unseen while the rules were written',
      ...regional,
      loadSeconds: round(regional.loadSeconds, 1),
      checkSeconds: round(regional.checkSeconds, 1),
    });
  }

  for (const distribution of wanted('dup') ? (['national', 'regional'] as const) : []) {
    const dup = await measureDuplicateCheck({
      persons: dupPersons,
      small: 1_000,
      probes: 300,
      rounds: 3,
      distribution,
    });
    report({
      figure: distribution === 'national' ? 'duplicate-check' : 'duplicate-check-regional',
      note: `the same 300 probes (returning persons, new persons, the commonest names) against 1,000 and against BENCH_DUP_PERSONS persons with ${distribution === 'national' ? 'German name and postcode frequencies' : 'a regional distribution (most in six Cologne postcodes)'}; one Query per lookup key and per counted value, narrowed Queries for a crowded lookup (at once for a crowd the reader met before; each round starts with a new reader, as a new container would); capacity as DynamoDB Local reports it (an empty Query reports 0) and as AWS bills it`,
      small: dup.small,
      large: dup.large,
      latencyRatio: round(dup.large.meanMs / dup.small.meanMs, 3),
      // the same plain Query timed in both tables: how much of the latency ratio is DynamoDB Local's own slowdown
      controlLatencyRatio: round(dup.large.controlMeanMs / dup.small.controlMeanMs, 3),
      p95Ratio: round(dup.large.p95Ms / dup.small.p95Ms, 3),
      capacityRatio: round(dup.large.meanReadCapacityUnits / dup.small.meanReadCapacityUnits, 3),
      billedCapacityRatio: round(dup.large.meanBilledReadCapacityUnits / dup.small.meanBilledReadCapacityUnits, 3),
      loadSeconds: round(dup.loadSeconds, 1),
    });
  }

  if (wanted('mail')) {
    const mail = await measureEmailMemory();
    report({
      figure: 'email-memory',
      note: 'the email worker bundled as deployed, in a process of its own, processing one large mail (text, HTML, three base64 attachments) from the emulator S3 into DynamoDB Local; peak RSS is maxRSS of that process',
      mailMb: round(mail.mailBytes / 1024 / 1024, 1),
      rssBeforeMb: mail.rssBeforeMb,
      peakRssMb: mail.peakRssMb,
      targetPeakRssMb: mail.targetPeakRssMb,
      ratioToTarget: round(mail.peakRssMb / mail.targetPeakRssMb, 2),
      processSeconds: round(mail.processMs / 1000, 1),
    });
  }

  if (wanted('csv')) {
    const csv = await measureCsvImport({ rows: csvRows });
    report({
      figure: 'csv-import',
      note: 'the import worker in a process of its own, bundled as deployed and run with its heap limit (chunks of 500 rows, checkpoints; the rows’ guards and entries read, new entries in parallel BatchWriteItem, ten duplicate-check messages per SendMessageBatch; indexing, checks and the rows’ guards left to the duplicate-check worker, not running here) against BatchWriteItem of the same rows as plain items, 25 per request; same DynamoDB Local (streams off on both tables), same concurrency; peak RSS of the worker process (maxRSS; the services run in child processes)',
      rows: csv.rows,
      fileMb: round(csv.fileBytes / 1024 / 1024, 1),
      rowsPerSecond: round(csv.rowsPerSecond, 1),
      batchWriteRowsPerSecond: round(csv.batchWriteRowsPerSecond, 1),
      ratio: round(csv.rowsPerSecond / csv.batchWriteRowsPerSecond, 3),
      importSeconds: round(csv.importMs / 1000, 1),
      invocations: csv.invocations,
      rowsImported: csv.rowsImported,
      rowsFailed: csv.rowsFailed,
      rssBeforeMb: csv.rssBeforeMb,
      peakRssMb: csv.peakRssMb,
      peakHeapUsedMb: csv.peakHeapUsedMb,
      heapLimitMb: csv.heapMb,
    });
  }
} finally {
  await rm(outDir, { recursive: true, force: true });
}

const file = await writeRun(repoRoot, describeRun(repoRoot, started, figures));
process.stderr.write(`bench: wrote ${file}\n`);

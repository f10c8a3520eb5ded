/** `npm run bench`: bundle sizes, cold-start import times against a bare SDK floor, and the AWS cost of one web-form submission. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { functionEntries } from '../infra/manifest.ts';
import { type Bundle, bareEntrySource, bundleBare, bundleFunction } from './bundle.ts';
import { compareInit } from './init-time.ts';
import { describeRun, type Figure, writeRun } from './results.ts';
import { measureWebformSubmission } from './webform-submission.ts';

const repoRoot = resolve(fileURLToPath(new URL('..', import.meta.url)));
/** odd, so the median is one measured run; 7 keeps the whole bench well under two minutes on 2 cores */
const importRuns = 7;

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
  for (const [name, spec] of functionEntries()) {
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
      sdkClients: bundle.clients,
      topOther: bundle.topOther,
    });

    const times = await compareInit(bundle.path, bareBundle.path, importRuns);
    report({
      figure: 'init',
      function: name,
      initMs: round(times.initMs, 1),
      bareInitMs: round(times.bareInitMs, 1),
      initRatio: round(times.initMs / times.bareInitMs, 2),
      runs: times.runs,
      bareBundleBytes: bareBundle.bundleBytes,
      bareAwsSdkBytes: bareBundle.awsSdkBytes,
      bareClients: bareBundle.clients,
    });
  }

  const submission = await measureWebformSubmission();
  const notes: Record<keyof typeof submission, string> = {
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
} finally {
  await rm(outDir, { recursive: true, force: true });
}

const file = await writeRun(repoRoot, describeRun(repoRoot, started, figures));
process.stderr.write(`bench: wrote ${file}\n`);

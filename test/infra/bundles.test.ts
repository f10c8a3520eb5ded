// Every function bundles as the CDK app deploys it (infra/bundling.ts) and its bundle loads in a fresh Node process:
// catches ESM/CommonJS mistakes that only show at a Lambda cold start, in the entry and in every chunk it loads later.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleFunction } from '../../bench/bundle.ts';
import { importMs } from '../../bench/init-time.ts';
import { functionEntries } from '../../infra/manifest.ts';

let outDir: string;

beforeAll(async () => {
  outDir = await mkdtemp(join(tmpdir(), 'kontakt-bundles-'));
});

afterAll(async () => {
  await rm(outDir, { recursive: true, force: true });
});

describe('deployed bundles', () => {
  it.each(functionEntries().map(([name, spec]) => [name, spec]))('%s bundles and loads', async (name, spec) => {
    const bundle = await bundleFunction(spec.entry, resolve('.'), outDir, name);

    // the entry, then every chunk: a route's code (its wiring reads the function's settings) and
    // what the SDK loads on demand
    await expect(importMs(bundle.path, spec.environment, bundle.chunkFiles)).resolves.toBeGreaterThan(0);
    // what is not AWS SDK stays small: every function that writes or matches contacts carries
    // libphonenumber's full metadata (~190 KB), the HTTP edge (validation, problems, CORS) and its
    // use cases and Powertools Metrics (business metrics, ~15 KB), up to about 445 KB for the largest
    // (opportunities-api, in chunks): the bar sits a few KB above, so a new dependency or a second
    // copy of one shows at once (the init ratio is the figure that counts: BENCH_ONLY=bundle); the
    // email worker, MIME parser, AWS SDK and the SDK's on-demand chunks all, stays near 1 MB (its
    // charset and entity tables give way to Node's TextDecoder: infra/bundling.ts)
    if (name === 'email-worker') expect(bundle.bundleBytes).toBeLessThan(1_050_000);
    else expect(bundle.otherBytes).toBeLessThan(460_000);
  });

  // openapi answers one document from memory and reaches no AWS service: its route is all it loads
  it.each(functionEntries().filter(([name, spec]) => (spec.routes ?? []).length > 0 && name !== 'openapi'))(
    '%s starts cold with the router and its SDK clients only: route code, zod and libraries load per route',
    async (name, spec) => {
      const bundle = await bundleFunction(spec.entry, resolve('.'), outDir, `${name}-init`);

      expect(bundle.initPackages).not.toContain('zod');
      expect(bundle.initPackages).not.toContain('libphonenumber-js');
      // the router, its logger and middy: about 40 KB (the AWS SDK apart)
      expect(bundle.initOtherBytes).toBeLessThan(60_000);
      // it has route code to load later, and that code is not in the cold start's files
      expect(bundle.heaviestRoute?.bytes ?? 0).toBeGreaterThan(0);
    },
  );
});

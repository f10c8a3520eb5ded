// Every function bundles as the CDK app deploys it (infra/bundling.ts) and its bundle loads in a fresh Node process:
// catches ESM/CommonJS mistakes that only show at a Lambda cold start.
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

    await expect(importMs(bundle.path, spec.environment)).resolves.toBeGreaterThan(0);
    // what is not AWS SDK stays small: every function that writes or matches contacts carries
    // libphonenumber's full metadata (~190 KB), the HTTP edge (validation, problems, CORS) and its
    // use cases and Powertools Metrics (business metrics, ~15 KB), up to about 416 KB for the largest
    // (opportunities-api): the bar sits a few KB above, so a new dependency or a second copy of one
    // shows at once (the init ratio is the figure that counts: BENCH_ONLY=bundle); the email worker, MIME
    // parser and all, stays under 1 MB (its charset and entity tables give way to Node's TextDecoder:
    // infra/bundling.ts)
    if (name === 'email-worker') expect(bundle.bundleBytes).toBeLessThan(1_000_000);
    else expect(bundle.otherBytes).toBeLessThan(420_000);
  });
});

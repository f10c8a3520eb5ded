// Route contracts are read by the `openapi` function, which has no table access, and by infra: every
// `*.routes.ts` file and the openapi function itself must bundle without the AWS SDK and without any
// entity or repository (an answer's schema is the API's, never the stored item's).
import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { esbuildOptions } from '../../../infra/bundling.ts';

const root = join(import.meta.dirname, '..', '..', '..');

const bundledInputs = async (entry: string): Promise<string[]> => {
  const result = await build({
    ...esbuildOptions,
    sourcemap: false,
    entryPoints: [join(root, entry)],
    write: false,
    metafile: true,
  });
  return Object.keys(result.metafile.inputs);
};

const storage = /@aws-sdk|@smithy|@aws-crypto|\.entity\.ts$|\.repository\.ts$|functions\/shared\/store\.ts$/;

const filesEndingIn = (suffix: string) =>
  readdirSync(join(root, 'functions'), { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .flatMap((d) =>
      readdirSync(join(root, 'functions', d.name))
        .filter((f) => f.endsWith(suffix))
        .map((f) => `functions/${d.name}/${f}`),
    );
const routeFiles = filesEndingIn('.routes.ts');
// infra imports every module file to gather the functions: they must load as quietly as routes files
const moduleFiles = filesEndingIn('.module.ts');

describe('route contracts bundle without storage', () => {
  it('finds the route files and the module of every noun', () => {
    expect(routeFiles.length).toBeGreaterThanOrEqual(14);
    expect(moduleFiles.length).toBeGreaterThanOrEqual(14);
  });

  it.each(routeFiles)('%s bundles no AWS SDK, entity, store or repository', async (entry) => {
    const inputs = await bundledInputs(entry);

    expect(inputs.filter((input) => storage.test(input))).toEqual([]);
  });

  it.each([...routeFiles, ...moduleFiles])(
    '%s loads without any environment (no env parsing, no clients at import)',
    async (entry) => {
      const url = pathToFileURL(join(root, entry)).href;
      const loaded = promisify(execFile)(
        process.execPath,
        ['--input-type=module', '-e', `await import(${JSON.stringify(url)})`],
        {
          env: { PATH: process.env.PATH ?? '' },
        },
      );

      await expect(loaded).resolves.toBeDefined();
    },
  );

  it('the openapi function bundles no AWS SDK, entity, store or repository', async () => {
    const inputs = await bundledInputs('functions/openapi/openapi.handler.ts');

    // it serves the document built from the routes files (docs/openapi.json), not the routes themselves
    expect(inputs).toContain('docs/openapi.json');
    const otherRoutes = (input: string) => input.endsWith('.routes.ts') && !input.endsWith('openapi.routes.ts');
    expect(inputs.filter((input) => storage.test(input) || otherRoutes(input))).toEqual([]);
  });
});

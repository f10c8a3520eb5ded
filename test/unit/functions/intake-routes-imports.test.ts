// The contracts of the inbox, web-form, settings and Facebook routes are read by the `openapi`
// function, which has no table access: they must bundle without the AWS SDK and without any
// entity or repository (an answer's schema is the API's, never the stored item's).
import { join } from 'node:path';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { esbuildOptions } from '../../../infra/bundling.ts';

const root = join(import.meta.dirname, '..', '..', '..');

const bundledInputs = async (entry: string): Promise<string[]> => {
  const result = await build({ ...esbuildOptions, entryPoints: [join(root, entry)], write: false, metafile: true });
  return Object.keys(result.metafile.inputs);
};

describe('the route contracts of the intake', () => {
  it.each([
    'functions/inbox/inbox.routes.ts',
    'functions/webforms/webforms.routes.ts',
    'functions/settings/settings.routes.ts',
    'functions/facebook/facebook.routes.ts',
  ])('%s bundles no AWS SDK, entity or repository', async (entry) => {
    const inputs = await bundledInputs(entry);

    expect(inputs.filter((input) => /@aws-sdk|\.entity\.ts$|\.repository\.ts$/.test(input))).toEqual([]);
  });
});

// The CDK app bundles each function itself (infra/cdk/kontakt-function.ts): a synth that bundles
// stages the entry as index.mjs with its chunks beside it, the template points Lambda at
// index.handler in that asset, and the staged files load — the entry and the route code it imports later.
import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AttributeType, Table } from 'aws-cdk-lib/aws-dynamodb';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importMs } from '../../bench/init-time.ts';
import { KontaktFunction } from '../../infra/cdk/kontakt-function.ts';
import { functionSpec } from '../../infra/manifest.ts';

let outdir: string;
let assetDirs: string[];
let template: Template;

beforeAll(async () => {
  outdir = await mkdtemp(join(tmpdir(), 'kontakt-function-asset-'));
  // bundling is on for every stack unless a test app turns it off (test/infra/synth-kontakt.ts does)
  const app = new App({ outdir });
  const stack = new Stack(app, 'Bundled', { env: { account: '000000000000', region: 'eu-west-1' } });
  const resources = {
    stage: 'test',
    table: new Table(stack, 'Table', { partitionKey: { name: 'pk', type: AttributeType.STRING } }),
    mailBucket: new Bucket(stack, 'Mail'),
    queue: (queue: string): never => {
      throw new Error(`settings-api and pipelines-api send to no queue (${queue})`);
    },
    mailDomain: 'crm.example.com',
    facebookConfigParameter: '/kontakt/facebook',
    recordAddressKeyParameter: '/kontakt/record-address-key',
  };
  // two functions: each must get its own bundle
  for (const name of ['settings-api', 'pipelines-api'] as const) {
    new KontaktFunction(stack, name, { name, spec: functionSpec(name), resources });
  }
  const assembly = app.synth();
  template = Template.fromStack(stack);
  const staged = readdirSync(assembly.directory).filter((entry) => entry.startsWith('asset.'));
  expect(staged).toHaveLength(2);
  assetDirs = staged.map((dir) => join(assembly.directory, dir));
}, 120_000);

afterAll(async () => {
  await rm(outdir, { recursive: true, force: true });
});

const chunksOf = (assetDir: string): string[] =>
  readdirSync(join(assetDir, 'chunks'))
    .filter((file) => file.endsWith('.mjs'))
    .map((file) => join(assetDir, 'chunks', file));

describe('bundled function assets', () => {
  it('hold each function’s own entry as index.mjs, its chunks and their source maps; Lambda runs index.handler', async () => {
    const entries = await Promise.all(assetDirs.map((dir) => readFile(join(dir, 'index.mjs'), 'utf8')));

    for (const dir of assetDirs) {
      expect(existsSync(join(dir, 'index.mjs.map'))).toBe(true);
      expect(chunksOf(dir).length).toBeGreaterThan(0);
    }
    // each entry loads its own routes' module
    expect(entries.filter((entry) => entry.includes('settings-api.wiring'))).toHaveLength(1);
    expect(entries.filter((entry) => entry.includes('pipelines-api.wiring'))).toHaveLength(1);
    const functions = template.findResources('AWS::Lambda::Function');
    expect(Object.values(functions).map((f) => [f.Properties.Handler, f.Properties.Runtime])).toEqual([
      ['index.handler', 'nodejs24.x'],
      ['index.handler', 'nodejs24.x'],
    ]);
  });

  it('load their entry and then every chunk in a fresh Node process', async () => {
    for (const dir of assetDirs) {
      await expect(importMs(join(dir, 'index.mjs'), {}, chunksOf(dir))).resolves.toBeGreaterThan(0);
    }
  });
});

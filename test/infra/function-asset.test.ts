// The CDK app bundles each function itself (infra/cdk/kontakt-function.ts): a synth that bundles
// stages the entry as index.mjs with its chunks beside it, the template points Lambda at
// index.handler in that asset, and the staged files load — the entry and the route code it imports later.
import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
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
let assetDir: string;
let template: Template;

beforeAll(async () => {
  outdir = await mkdtemp(join(tmpdir(), 'kontakt-function-asset-'));
  // bundling is on for every stack unless a test app turns it off (test/infra/synth-kontakt.ts does)
  const app = new App({ outdir });
  const stack = new Stack(app, 'Bundled', { env: { account: '000000000000', region: 'eu-west-1' } });
  new KontaktFunction(stack, 'SettingsApi', {
    name: 'settings-api',
    spec: functionSpec('settings-api'),
    resources: {
      stage: 'test',
      table: new Table(stack, 'Table', { partitionKey: { name: 'pk', type: AttributeType.STRING } }),
      mailBucket: new Bucket(stack, 'Mail'),
      queue: (queue) => {
        throw new Error(`settings-api sends to no queue (${queue})`);
      },
      mailDomain: 'crm.example.com',
      facebookConfigParameter: '/kontakt/facebook',
      recordAddressKeyParameter: '/kontakt/record-address-key',
    },
  });
  const assembly = app.synth();
  template = Template.fromStack(stack);
  const staged = readdirSync(assembly.directory).filter((entry) => entry.startsWith('asset.'));
  expect(staged).toHaveLength(1);
  assetDir = join(assembly.directory, staged[0] ?? '');
}, 120_000);

afterAll(async () => {
  await rm(outdir, { recursive: true, force: true });
});

describe('a bundled function asset', () => {
  it('holds the entry as index.mjs, its chunks and their source maps, and Lambda runs index.handler', () => {
    expect(existsSync(join(assetDir, 'index.mjs'))).toBe(true);
    expect(existsSync(join(assetDir, 'index.mjs.map'))).toBe(true);
    const chunks = readdirSync(join(assetDir, 'chunks')).filter((file) => file.endsWith('.mjs'));
    expect(chunks.length).toBeGreaterThan(0);
    template.hasResourceProperties('AWS::Lambda::Function', { Handler: 'index.handler', Runtime: 'nodejs24.x' });
  });

  it('loads its entry and then every chunk in a fresh Node process', async () => {
    const chunks = readdirSync(join(assetDir, 'chunks'))
      .filter((file) => file.endsWith('.mjs'))
      .map((file) => join(assetDir, 'chunks', file));

    await expect(importMs(join(assetDir, 'index.mjs'), {}, chunks)).resolves.toBeGreaterThan(0);
  });
});

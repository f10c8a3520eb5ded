/** Bundles functions exactly as the CDK app deploys them and splits each bundle's bytes into AWS SDK and the rest. */
import { join } from 'node:path';
import { build, type Metafile } from 'esbuild';
import { esbuildOptions } from '../infra/bundling.ts';

export type SdkClient = 'dynamodb' | 'sqs' | 's3';

export type Bundle = {
  path: string;
  bundleBytes: number;
  awsSdkBytes: number;
  otherBytes: number;
  /** SDK clients the bundle carries; the bare bundle constructs the same ones */
  clients: SdkClient[];
  usesDocumentClient: boolean;
  usesUpload: boolean;
  /** the largest non-SDK packages, with their largest folder, so a reader sees where bytes come from */
  topOther: { source: string; bytes: number; largestDir: string; largestDirBytes: number }[];
};

/**
 * The SDK's own packages. Their helpers (fast-xml-parser, strnum, tslib, uuid, bowser, mnemonist, …)
 * have no fixed list: see `sdkOnlyInputs`.
 */
const sdkPackage = /(?:^|\/)node_modules\/(?:@aws-sdk|@smithy|@aws-crypto|@aws)\//;

const packageOf = (input: string): string | null => {
  const at = input.lastIndexOf('node_modules/');
  if (at < 0) return null;
  const parts = input.slice(at + 'node_modules/'.length).split('/');
  const [first = '', second = ''] = parts;
  return first.startsWith('@') ? `${first}/${second}` : first;
};

/** Where an input lives, for the "largest folder" hint: `zod/v4/locales`, `functions/shared`. */
const dirOf = (input: string): string => {
  const at = input.lastIndexOf('node_modules/');
  const path = at < 0 ? input : input.slice(at + 'node_modules/'.length);
  const slash = path.lastIndexOf('/');
  return slash < 0 ? '.' : path.slice(0, slash);
};

/**
 * The rule for "AWS SDK bytes": an input counts as SDK when it belongs to one of the SDK's packages,
 * or when it is reachable from the entry point only through them. A helper that the project's
 * own code (or another non-SDK package) also imports counts as other, because removing the SDK
 * would not remove it. Reachability follows the metafile's import graph from the entry point and
 * never enters an SDK package; whatever it reaches is "other", the rest of the output is "SDK".
 */
const sdkOnlyInputs = (metafile: Metafile, entryPoint: string, outputInputs: string[]): Set<string> => {
  const reachedWithoutSdk = new Set<string>();
  const queue = [entryPoint];
  for (let next = queue.pop(); next !== undefined; next = queue.pop()) {
    if (reachedWithoutSdk.has(next) || sdkPackage.test(next)) continue;
    reachedWithoutSdk.add(next);
    for (const imported of metafile.inputs[next]?.imports ?? []) {
      if (!imported.external) queue.push(imported.path);
    }
  }
  return new Set(outputInputs.filter((input) => !reachedWithoutSdk.has(input)));
};

const sdkClients: readonly SdkClient[] = ['dynamodb', 'sqs', 's3'];

const clientPackages: Record<SdkClient, string> = {
  dynamodb: '@aws-sdk/client-dynamodb',
  sqs: '@aws-sdk/client-sqs',
  s3: '@aws-sdk/client-s3',
};

const summarise = (metafile: Metafile, path: string): Bundle => {
  // the bundle itself, not its source map (a .map beside it: not counted in the bundle's bytes)
  const output = Object.entries(metafile.outputs).find(([file]) => !file.endsWith('.map'))?.[1];
  if (!output?.entryPoint) throw new Error(`esbuild wrote no entry output for ${path}`);
  const inputs = Object.entries(output.inputs);
  const sdk = sdkOnlyInputs(
    metafile,
    output.entryPoint,
    inputs.map(([input]) => input),
  );
  const awsSdkBytes = inputs.reduce((sum, [input, { bytesInOutput }]) => sum + (sdk.has(input) ? bytesInOutput : 0), 0);

  const bySource = new Map<string, { bytes: number; dirs: Map<string, number> }>();
  for (const [input, { bytesInOutput }] of inputs) {
    if (sdk.has(input) || bytesInOutput === 0) continue;
    const source = packageOf(input) ?? '(project)';
    const entry = bySource.get(source) ?? { bytes: 0, dirs: new Map<string, number>() };
    entry.bytes += bytesInOutput;
    entry.dirs.set(dirOf(input), (entry.dirs.get(dirOf(input)) ?? 0) + bytesInOutput);
    bySource.set(source, entry);
  }
  const topOther = [...bySource]
    .sort(([, a], [, b]) => b.bytes - a.bytes)
    .slice(0, 5)
    .map(([source, { bytes, dirs }]) => {
      const [largestDir = '', largestDirBytes = 0] = [...dirs].sort(([, a], [, b]) => b - a)[0] ?? [];
      return { source, bytes, largestDir, largestDirBytes };
    });

  const carried = new Set(
    inputs.filter(([, { bytesInOutput }]) => bytesInOutput > 0).map(([input]) => packageOf(input)),
  );
  const clients = sdkClients.filter((client) => carried.has(clientPackages[client]));
  return {
    path,
    bundleBytes: output.bytes,
    awsSdkBytes,
    // The banner and esbuild's module glue belong to no input; they count as other, so the parts add up.
    otherBytes: output.bytes - awsSdkBytes,
    clients,
    usesDocumentClient: carried.has('@aws-sdk/lib-dynamodb'),
    usesUpload: carried.has('@aws-sdk/lib-storage'),
    topOther,
  };
};

const bundleWith = async (
  source: { entryPoints: string[] } | { stdin: { contents: string; resolveDir: string; sourcefile: string } },
  repoRoot: string,
  outfile: string,
): Promise<Bundle> => {
  const result = await build({
    ...esbuildOptions,
    ...source,
    absWorkingDir: repoRoot,
    outfile,
    metafile: true,
    write: true,
    logLevel: 'error',
  });
  return summarise(result.metafile, outfile);
};

/** `.mjs`, as Lambda loads ESM bundles, so Node never has to guess the module format. */
export const bundleFunction = (entry: string, repoRoot: string, outDir: string, name: string): Promise<Bundle> =>
  bundleWith({ entryPoints: [entry] }, repoRoot, join(outDir, `${name}.mjs`));

/** An entry that does what a handler does at cold start with the SDK, and nothing else. */
export const bareEntrySource = (bundle: Pick<Bundle, 'clients' | 'usesDocumentClient' | 'usesUpload'>): string => {
  const lines: string[] = [];
  const made: string[] = [];
  if (bundle.clients.includes('dynamodb')) {
    lines.push("import { DynamoDBClient } from '@aws-sdk/client-dynamodb';");
    if (bundle.usesDocumentClient) {
      lines.push("import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';");
      made.push(
        'DynamoDBDocumentClient.from(new DynamoDBClient({}), { marshallOptions: { removeUndefinedValues: true } })',
      );
    } else {
      made.push('new DynamoDBClient({})');
    }
  }
  if (bundle.clients.includes('sqs')) {
    lines.push("import { SQSClient } from '@aws-sdk/client-sqs';");
    made.push('new SQSClient({})');
  }
  if (bundle.clients.includes('s3')) {
    lines.push("import { S3Client } from '@aws-sdk/client-s3';");
    made.push('new S3Client({})');
    // Upload is constructed per request, not at cold start: exporting it keeps its code in the bundle.
    if (bundle.usesUpload) lines.push("export { Upload } from '@aws-sdk/lib-storage';");
  }
  lines.push(`export const clients = [${made.join(', ')}];`);
  return `${lines.join('\n')}\n`;
};

export const bundleBare = (
  bundle: Pick<Bundle, 'clients' | 'usesDocumentClient' | 'usesUpload'>,
  repoRoot: string,
  outDir: string,
  name: string,
): Promise<Bundle> =>
  bundleWith(
    { stdin: { contents: bareEntrySource(bundle), resolveDir: repoRoot, sourcefile: `${name}.bare.ts` } },
    repoRoot,
    join(outDir, `${name}.bare.mjs`),
  );

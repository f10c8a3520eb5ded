/** Bundles functions exactly as the CDK app deploys them and splits each bundle's bytes into AWS SDK and the rest. */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { build, type Metafile } from 'esbuild';
import { esbuildOptions, functionBundleOptions, functionEntryFile } from '../infra/bundling.ts';

export type SdkClient = 'dynamodb' | 'sqs' | 's3';

export type Bundle = {
  /** the entry file, which a cold start imports */
  path: string;
  /** every output file (entry and chunks), source maps apart */
  bundleBytes: number;
  awsSdkBytes: number;
  otherBytes: number;
  /** what a cold start loads: the entry and the chunks it imports statically */
  initBytes: number;
  initOtherBytes: number;
  /** the packages a cold start compiles (`(project)` for the project's own code) */
  initPackages: string[];
  /** every output file but the entry: the chunks it loads on demand and what they share */
  chunkFiles: string[];
  /**
   * the route group whose first request loads the most code beyond the cold start's (its chunks,
   * and what they import on demand): the files, absolute, in the order a request imports them
   */
  heaviestRoute: { files: string[]; bytes: number; otherBytes: number } | null;
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

type Output = Metafile['outputs'][string];

/** Output files reached from `from` through the imports `follows` accepts (source maps are not outputs here). */
const closureOf = (
  outputs: Record<string, Output>,
  from: string[],
  follows: (imported: Output['imports'][number]) => boolean,
): string[] => {
  const reached = new Set<string>();
  const queue = [...from];
  for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
    if (reached.has(next) || !outputs[next]) continue;
    reached.add(next);
    for (const imported of outputs[next]?.imports ?? []) {
      if (!imported.external && follows(imported)) queue.push(imported.path);
    }
  }
  return [...reached];
};

const summarise = (metafile: Metafile, path: string, outRoot: string): Bundle => {
  // the bundle itself, not its source maps (a .map beside each file: not counted in the bundle's bytes)
  const outputs = Object.fromEntries(Object.entries(metafile.outputs).filter(([file]) => !file.endsWith('.map')));
  // the function's entry (what esbuild imports on demand is an entry point of its own too)
  const entryFile = Object.keys(outputs).find((file) => join(outRoot, file) === path);
  const entryPoint = entryFile === undefined ? undefined : outputs[entryFile]?.entryPoint;
  if (entryFile === undefined || entryPoint === undefined) throw new Error(`esbuild wrote no entry output for ${path}`);
  const inputs = Object.values(outputs).flatMap((output) => Object.entries(output.inputs));
  const sdk = sdkOnlyInputs(
    metafile,
    entryPoint,
    inputs.map(([input]) => input),
  );
  const bytesOf = (files: string[]): number => files.reduce((sum, file) => sum + (outputs[file]?.bytes ?? 0), 0);
  const sdkBytesOf = (files: string[]): number =>
    files.reduce(
      (sum, file) =>
        Object.entries(outputs[file]?.inputs ?? {}).reduce(
          (bytes, [input, { bytesInOutput }]) => bytes + (sdk.has(input) ? bytesInOutput : 0),
          sum,
        ),
      0,
    );
  // The banner and esbuild's module glue belong to no input; they count as other, so the parts add up.
  const otherBytesOf = (files: string[]): number => bytesOf(files) - sdkBytesOf(files);
  const allFiles = Object.keys(outputs);
  const initFiles = closureOf(outputs, [entryFile], (imported) => imported.kind === 'import-statement');
  // what a route's code imports on demand is loaded with its request (the phone numbering plan);
  // what the SDK imports on demand (credential providers other than the environment's) is not
  const routeImports = (imported: Output['imports'][number]): boolean =>
    imported.kind === 'import-statement' ||
    (imported.kind === 'dynamic-import' && !sdkPackage.test(outputs[imported.path]?.entryPoint ?? ''));
  const initSet = new Set(initFiles);
  // a route group: a chunk the cold start's files import on demand
  const groups = initFiles.flatMap((file) =>
    (outputs[file]?.imports ?? []).filter((i) => i.kind === 'dynamic-import').map((i) => i.path),
  );
  const routeLoads = [...new Set(groups)]
    .filter((group) => !sdkPackage.test(outputs[group]?.entryPoint ?? ''))
    .map((group) => closureOf(outputs, [group], routeImports).filter((file) => !initSet.has(file)))
    .map((files) => ({ files, bytes: bytesOf(files) }))
    .sort((a, b) => b.bytes - a.bytes);
  const heaviest = routeLoads[0];

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
  // metafile paths are relative to the working directory esbuild ran in
  const absolute = (file: string): string => join(outRoot, file);
  return {
    path,
    bundleBytes: bytesOf(allFiles),
    awsSdkBytes: sdkBytesOf(allFiles),
    otherBytes: otherBytesOf(allFiles),
    initBytes: bytesOf(initFiles),
    initOtherBytes: otherBytesOf(initFiles),
    initPackages: [
      ...new Set(
        initFiles.flatMap((file) =>
          Object.entries(outputs[file]?.inputs ?? {})
            .filter(([, { bytesInOutput }]) => bytesInOutput > 0)
            .map(([input]) => packageOf(input) ?? '(project)'),
        ),
      ),
    ].sort(),
    chunkFiles: allFiles.filter((file) => file !== entryFile).map(absolute),
    heaviestRoute: heaviest
      ? { files: heaviest.files.map(absolute), bytes: heaviest.bytes, otherBytes: otherBytesOf(heaviest.files) }
      : null,
    clients,
    usesDocumentClient: carried.has('@aws-sdk/lib-dynamodb'),
    usesUpload: carried.has('@aws-sdk/lib-storage'),
    topOther,
  };
};

/** `.mjs`, as Lambda loads ESM bundles, so Node never has to guess the module format. */
export const bundleFunction = async (
  entry: string,
  repoRoot: string,
  outDir: string,
  name: string,
): Promise<Bundle> => {
  const outdir = join(outDir, name);
  const result = await build({
    ...functionBundleOptions(entry, outdir),
    absWorkingDir: repoRoot,
    // the bare floor's entry is written outside the repository
    nodePaths: [join(repoRoot, 'node_modules')],
    metafile: true,
    write: true,
    logLevel: 'error',
  });
  return summarise(result.metafile, join(outdir, functionEntryFile), repoRoot);
};

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

/** The bare floor, bundled as a function is (its SDK's own on-demand imports are chunks it loads only when asked, as a function's are). */
export const bundleBare = async (
  bundle: Pick<Bundle, 'clients' | 'usesDocumentClient' | 'usesUpload'>,
  repoRoot: string,
  outDir: string,
  name: string,
): Promise<Bundle> => {
  const entry = join(outDir, `${name}.bare.ts`);
  await writeFile(entry, bareEntrySource(bundle));
  return bundleFunction(entry, repoRoot, outDir, `${name}.bare`);
};

/**
 * The function as one file, every route's code and the SDK's on-demand code in it (how functions
 * were bundled before code splitting): the reference a cold start with its heaviest route is held to.
 */
export const bundleSingleFile = async (
  entry: string,
  repoRoot: string,
  outDir: string,
  name: string,
): Promise<string> => {
  const outfile = join(outDir, `${name}.single.mjs`);
  await build({ ...esbuildOptions, entryPoints: [entry], outfile, absWorkingDir: repoRoot, logLevel: 'error' });
  return outfile;
};

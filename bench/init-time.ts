/** Module initialisation time: how long a fresh Node process takes to import a bundle, as a Lambda cold start does. */
import { spawn } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { functionEntries, queueMaxReceivesVariable, queueNames, queueUrlVariable } from '../infra/manifest.ts';
import type { Bundle } from './bundle.ts';

/**
 * What the handlers read at cold start, with dummy values: nothing is called over the network at
 * import, and the environment is built from scratch so NODE_OPTIONS or a compile cache of the
 * calling shell cannot change the figure.
 */
const coldStartEnv = (): Record<string, string> => ({
  PATH: process.env.PATH ?? '',
  TABLE_NAME: 'kontakt',
  MAIL_BUCKET: 'kontakt-mail',
  MAIL_DOMAIN: 'kontakt.localhost',
  ...Object.fromEntries(
    queueNames.map((queue) => [queueUrlVariable(queue), `https://sqs.eu-west-1.amazonaws.com/000000000000/${queue}`]),
  ),
  ...Object.fromEntries(
    functionEntries().flatMap(([, spec]) =>
      spec.consumes ? [[queueMaxReceivesVariable(spec.consumes.queue), String(spec.consumes.maxReceiveCount)]] : [],
    ),
  ),
  REMINDER_SENDER: 'kontakt@kontakt.localhost',
  FACEBOOK_CONFIG_PARAMETER: '/kontakt/facebook',
  AWS_REGION: 'eu-west-1',
  AWS_ACCESS_KEY_ID: 'benchdummy',
  AWS_SECRET_ACCESS_KEY: 'benchdummy',
  AWS_EC2_METADATA_DISABLED: 'true',
  POWERTOOLS_LOG_LEVEL: 'WARN',
});

const importScript = [
  'const url = process.env.BENCH_BUNDLE_URL;',
  'const then = JSON.parse(process.env.BENCH_THEN_URLS);',
  'const started = performance.now();',
  'await import(url);',
  // a route's first request: its code, one import after another as the router and the route load them
  'for (const next of then) await import(next);',
  'const ms = performance.now() - started;',
  'process.stdout.write(JSON.stringify({ ms }) + "\\n");',
  // a module that opened a handle at import must not hold the measurement up
  'process.exit(0);',
].join('\n');

/**
 * One import of the bundle in a new process; returns the milliseconds `import()` took — with `then`,
 * until those files (a route's chunks) were imported after it too.
 */
export const importMs = (
  bundlePath: string,
  env: Record<string, string> = {},
  then: readonly string[] = [],
): Promise<number> =>
  new Promise((resolve, reject) => {
    // with source maps on, as the functions run (NODE_OPTIONS=--enable-source-maps)
    const child = spawn(process.execPath, ['--enable-source-maps', '--input-type=module', '-e', importScript], {
      env: {
        ...coldStartEnv(),
        ...env,
        BENCH_BUNDLE_URL: pathToFileURL(bundlePath).href,
        BENCH_THEN_URLS: JSON.stringify(then.map((file) => pathToFileURL(file).href)),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.once('error', reject);
    child.once('close', (code) => {
      const last = stdout.trim().split('\n').at(-1) ?? '';
      try {
        const parsed: unknown = JSON.parse(last);
        if (code === 0 && typeof parsed === 'object' && parsed !== null && 'ms' in parsed) {
          if (typeof parsed.ms === 'number') return resolve(parsed.ms);
        }
      } catch {
        // reported below with the child's output
      }
      reject(new Error(`importing ${bundlePath} failed (exit ${code}): ${stderr || stdout}`));
    });
  });

export const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const upper = sorted[middle] ?? Number.NaN;
  return sorted.length % 2 === 1 ? upper : ((sorted[middle - 1] ?? Number.NaN) + upper) / 2;
};

export type InitTimes = {
  initMs: number;
  bareInitMs: number;
  heaviestRouteMs: number | null;
  /** the same function bundled into one file, all routes' code in it, as functions were before code splitting */
  singleFileInitMs: number | null;
  runs: number;
};

/**
 * Alternates function and bare imports, so drift on a shared machine hits both alike, and takes
 * the median of each; with a route group, also the cold start followed by that route's code.
 */
export const compareInit = async (
  bundle: Pick<Bundle, 'path' | 'heaviestRoute'>,
  barePath: string,
  runs: number,
  /** the function's own settings (manifest `environment`), which it reads at cold start */
  env: Record<string, string> = {},
  singleFilePath?: string,
): Promise<InitTimes> => {
  const own: number[] = [];
  const bare: number[] = [];
  const withRoute: number[] = [];
  const singleFile: number[] = [];
  const routeFiles = bundle.heaviestRoute?.files;
  for (let run = 0; run < runs; run += 1) {
    // which goes first changes every run, so neither always follows the other's page-cache warm-up
    if (run % 2 === 0) {
      own.push(await importMs(bundle.path, env));
      bare.push(await importMs(barePath));
    } else {
      bare.push(await importMs(barePath));
      own.push(await importMs(bundle.path, env));
    }
    if (routeFiles) withRoute.push(await importMs(bundle.path, env, routeFiles));
    if (singleFilePath) singleFile.push(await importMs(singleFilePath, env));
  }
  return {
    initMs: median(own),
    bareInitMs: median(bare),
    heaviestRouteMs: routeFiles ? median(withRoute) : null,
    singleFileInitMs: singleFilePath ? median(singleFile) : null,
    runs,
  };
};

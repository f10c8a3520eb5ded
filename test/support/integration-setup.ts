/** Global setup of the integration tests: DynamoDB Local and the emulator on ephemeral ports, a throw-away data folder. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { TestProject } from 'vitest/node';
import { ensureBucket, ensureQueues, ensureTable, localNames } from '../../infra/local/provision.ts';
import { localAwsEnv, startDynamoDbLocal, startEmulator } from '../../infra/local/services.ts';
import { freePort } from './ports.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    dynamoEndpoint: string;
    emulatorEndpoint: string;
    queueUrls: Record<string, string>;
  }
}

export default async function setup(project: TestProject) {
  Object.assign(process.env, localAwsEnv);
  const dataDir = await mkdtemp(join(tmpdir(), 'kontakt-it-'));
  const dynamo = await startDynamoDbLocal({ port: await freePort(), dataDir: join(dataDir, 'dynamodb') });
  const emulator = await startEmulator({ port: await freePort(), dataDir });
  const dynamoClient = new DynamoDBClient({ endpoint: dynamo.endpoint });
  await ensureTable(dynamoClient, localNames.table);
  const queueUrls = await ensureQueues(new SQSClient({ endpoint: emulator.endpoint, useQueueUrlAsEndpoint: false }));
  await ensureBucket(new S3Client({ endpoint: emulator.endpoint, forcePathStyle: true }), localNames.mailBucket);
  project.provide('dynamoEndpoint', dynamo.endpoint);
  project.provide('emulatorEndpoint', emulator.endpoint);
  project.provide('queueUrls', queueUrls);
  return async () => {
    await emulator.stop();
    await dynamo.stop();
    await rm(dataDir, { recursive: true, force: true });
  };
}

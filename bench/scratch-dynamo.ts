/** A throw-away DynamoDB Local (in memory, own port) with its clients, for benchmarks that load and discard data. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { localAwsEnv, startDynamoDbLocal } from '../infra/local/services.ts';
import { freePort } from '../test/support/ports.ts';

export type ScratchDynamo = { client: DynamoDBClient; doc: DynamoDBDocumentClient; stop: () => Promise<void> };

export const startScratchDynamo = async (name: string): Promise<ScratchDynamo> => {
  const dataDir = await mkdtemp(join(tmpdir(), `kontakt-bench-${name}-`));
  const db = await startDynamoDbLocal({ port: await freePort(), dataDir, inMemory: true });
  const client = new DynamoDBClient({
    endpoint: db.endpoint,
    region: localAwsEnv.AWS_REGION,
    credentials: { accessKeyId: localAwsEnv.AWS_ACCESS_KEY_ID, secretAccessKey: localAwsEnv.AWS_SECRET_ACCESS_KEY },
  });
  const doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  return {
    client,
    doc,
    stop: async () => {
      client.destroy();
      await db.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
};

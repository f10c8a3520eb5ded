/**
 * DynamoDB Local as the local stack runs it: a transaction it has answered survives the process
 * being killed right after the answer, and the supervisor brings it back on the same port with the
 * same data. (DynamoDB Local itself queues a transaction's COMMIT after answering; without the
 * launcher's barrier the last answered transaction was lost every time.)
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateTableCommand,
  DynamoDBClient,
  GetItemCommand,
  ScanCommand,
  TransactWriteItemsCommand,
} from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localAwsEnv, type RunningDynamoDb, startDynamoDbLocal } from '../../infra/local/services.ts';
import { freePort } from '../support/ports.ts';

let dataDir = '';
let db: RunningDynamoDb | undefined;
const events: string[] = [];
let restarted: () => void = () => undefined;
const back = new Promise<void>((done) => {
  restarted = done;
});

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'kontakt-durability-'));
  db = await startDynamoDbLocal({
    port: await freePort(),
    dataDir,
    supervision: {
      onRestarting: (reason) => events.push(`restarting: ${reason}`),
      onRestarted: () => {
        events.push('restarted');
        restarted();
      },
      onGaveUp: (error) => events.push(`gave up: ${error.message}`),
    },
  });
}, 120_000);

afterAll(async () => {
  await db?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

describe('DynamoDB Local killed right after it answered', () => {
  it('keeps every transaction it acknowledged, and is back on the same port with the same data', async () => {
    const running = db;
    if (!running) throw new Error('DynamoDB Local did not start');
    const client = new DynamoDBClient({
      endpoint: running.endpoint,
      region: localAwsEnv.AWS_REGION,
      credentials: { accessKeyId: localAwsEnv.AWS_ACCESS_KEY_ID, secretAccessKey: localAwsEnv.AWS_SECRET_ACCESS_KEY },
      maxAttempts: 1,
    });
    await client.send(
      new CreateTableCommand({
        TableName: 'durability',
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      }),
    );
    const killed = running.pid();
    const acknowledged: string[] = [];

    // Act: transactions like a lead's (entry, idempotency record, index item); kill in the same tick as the 100th answer
    for (let i = 0; ; i++) {
      const pk = `entry-${i}`;
      try {
        await client.send(
          new TransactWriteItemsCommand({
            TransactItems: [
              {
                Put: {
                  TableName: 'durability',
                  Item: { pk: { S: pk }, body: { S: 'x'.repeat(2000) } },
                  ConditionExpression: 'attribute_not_exists(pk)',
                },
              },
              {
                Put: {
                  TableName: 'durability',
                  Item: { pk: { S: `idempotency-${i}` } },
                  ConditionExpression: 'attribute_not_exists(pk)',
                },
              },
              { Put: { TableName: 'durability', Item: { pk: { S: `index-${i}` } } } },
            ],
          }),
        );
      } catch {
        break;
      }
      acknowledged.push(pk);
      if (acknowledged.length === 100) process.kill(killed ?? 0, 'SIGKILL');
    }
    await back;
    const stored = new Set<string>();
    let start: Record<string, { S: string }> | undefined;
    do {
      const page = await client.send(new ScanCommand({ TableName: 'durability', ExclusiveStartKey: start }));
      for (const item of page.Items ?? []) stored.add(item.pk?.S ?? '');
      start = page.LastEvaluatedKey?.pk?.S ? { pk: { S: page.LastEvaluatedKey.pk.S } } : undefined;
    } while (start);
    const last = await client.send(
      new GetItemCommand({ TableName: 'durability', Key: { pk: { S: acknowledged.at(-1) ?? '' } } }),
    );
    client.destroy();

    // Assess
    expect(acknowledged).toHaveLength(100);
    expect(acknowledged.filter((pk) => !stored.has(pk))).toEqual([]);
    expect(last.Item?.body?.S).toHaveLength(2000);
    expect(stored.size).toBe(300);
    expect(running.pid()).not.toBe(killed);
    expect(events).toEqual([
      expect.stringMatching(/^restarting: DynamoDB Local \(pid \d+\) exited with SIGKILL/),
      'restarted',
    ]);
  }, 180_000);
});

/** Creates the table, queues (each with its DLQ and redrive policy) and the mail bucket when missing. */
import {
  CreateTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  ResourceNotFoundException,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, HeadBucketCommand, type S3Client } from '@aws-sdk/client-s3';
import { CreateQueueCommand, GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { type IndexName, indexNames, legacyIndexName, tableDefinition } from '../../functions/shared/table.ts';
import {
  consumerOf,
  dlqName,
  type QueueName,
  queueNames,
  scheduleFailureQueue,
  sesReceiptFailureQueue,
  streamFailureQueue,
} from '../manifest.ts';

export const localNames = { table: 'kontakt', mailBucket: 'kontakt-mail' } as const;

const indexKeySchema = (index: { partitionKey: string; sortKey: string }) => [
  { AttributeName: index.partitionKey, KeyType: 'HASH' as const },
  { AttributeName: index.sortKey, KeyType: 'RANGE' as const },
];

/** The index as DynamoDB takes it: its keys and its lean projection (functions/shared/table.ts). */
const indexInput = (index: IndexName) => {
  const { name, projected } = tableDefinition.indexes[index];
  return {
    IndexName: name,
    KeySchema: indexKeySchema(tableDefinition.indexes[index]),
    Projection:
      projected.length === 0
        ? { ProjectionType: 'KEYS_ONLY' as const }
        : { ProjectionType: 'INCLUDE' as const, NonKeyAttributes: [...projected] },
  };
};

/**
 * Polls until the table and every index are ACTIVE again after an index change. DynamoDB Local fills
 * a new index from the stored items before it is active: a moment for a small table, longer for a
 * large one or a busy machine, so the bound is generous.
 */
const untilActive = async (dynamo: DynamoDBClient, tableName: string): Promise<string[]> => {
  const deadline = Date.now() + 15 * 60_000;
  for (;;) {
    const table = (await dynamo.send(new DescribeTableCommand({ TableName: tableName }))).Table;
    const indexes = table?.GlobalSecondaryIndexes ?? [];
    if (table?.TableStatus === 'ACTIVE' && indexes.every((i) => i.IndexStatus === 'ACTIVE')) {
      return indexes.map((i) => i.IndexName ?? '');
    }
    if (Date.now() > deadline) {
      const states = indexes.map((i) => `${i.IndexName}: ${i.IndexStatus}`).join(', ');
      throw new Error(
        `table ${tableName} did not become active after an index change (${table?.TableStatus}; ${states})`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
};

/**
 * A table made by an older version of Kontakt is brought to the current indexes, one change at a
 * time as DynamoDB requires: the lean indexes it lacks are created first (DynamoDB fills them from
 * the stored items), then the first ones, which projected every attribute, are deleted.
 */
const migrateIndexes = async (dynamo: DynamoDBClient, tableName: string): Promise<void> => {
  // an index a stopped run began may still be filling: DynamoDB takes one index change at a time
  let present = await untilActive(dynamo, tableName);
  for (const index of indexNames) {
    if (present.includes(tableDefinition.indexes[index].name)) continue;
    const { partitionKey, sortKey } = tableDefinition.indexes[index];
    await dynamo.send(
      new UpdateTableCommand({
        TableName: tableName,
        AttributeDefinitions: [partitionKey, sortKey].map((n) => ({ AttributeName: n, AttributeType: 'S' })),
        GlobalSecondaryIndexUpdates: [{ Create: indexInput(index) }],
      }),
    );
    present = await untilActive(dynamo, tableName);
  }
  for (const index of indexNames) {
    if (!present.includes(legacyIndexName(index))) continue;
    await dynamo.send(
      new UpdateTableCommand({
        TableName: tableName,
        GlobalSecondaryIndexUpdates: [{ Delete: { IndexName: legacyIndexName(index) } }],
      }),
    );
    present = await untilActive(dynamo, tableName);
  }
};

/** Old and new images of every change, as the CDK table has them: the frequency counter reads the stream. */
const streamSpecification = { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' } as const;

export const ensureTable = async (dynamo: DynamoDBClient, tableName: string): Promise<void> => {
  try {
    const described = await dynamo.send(new DescribeTableCommand({ TableName: tableName }));
    await migrateIndexes(dynamo, tableName);
    if (!described.Table?.StreamSpecification?.StreamEnabled) {
      await dynamo.send(new UpdateTableCommand({ TableName: tableName, StreamSpecification: streamSpecification }));
    }
    return;
  } catch (error) {
    if (!(error instanceof ResourceNotFoundException)) throw error;
  }
  const indexes = Object.entries(tableDefinition.indexes);
  await dynamo.send(
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [
        { AttributeName: tableDefinition.partitionKey, KeyType: 'HASH' },
        { AttributeName: tableDefinition.sortKey, KeyType: 'RANGE' },
      ],
      AttributeDefinitions: [
        tableDefinition.partitionKey,
        tableDefinition.sortKey,
        ...indexes.flatMap(([, i]) => [i.partitionKey, i.sortKey]),
      ].map((name) => ({ AttributeName: name, AttributeType: 'S' })),
      GlobalSecondaryIndexes: indexNames.map(indexInput),
      StreamSpecification: streamSpecification,
    }),
  );
  // Accepted but never enforced by DynamoDB Local: reads ignore expired items themselves.
  await dynamo.send(
    new UpdateTimeToLiveCommand({
      TableName: tableName,
      TimeToLiveSpecification: { AttributeName: tableDefinition.ttlAttribute, Enabled: true },
    }),
  );
};

export type QueueUrls = Record<QueueName, string> & Record<string, string>;

const createQueue = async (sqs: SQSClient, name: string, attributes: Record<string, string>): Promise<string> => {
  const res = await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
  if (!res.QueueUrl) throw new Error(`no URL for queue ${name}`);
  return res.QueueUrl;
};

const queueArn = async (sqs: SQSClient, url: string): Promise<string> => {
  const res = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }));
  const arn = res.Attributes?.QueueArn;
  if (!arn) throw new Error(`no ARN for ${url}`);
  return arn;
};

/**
 * Every queue of the manifest with its DLQ, plus the on-failure queues of the SES receipt function
 * and the stream consumer, keyed by their manifest names. A prefix gives a set of its own (each
 * integration test file has one) on the same emulator.
 */
export const ensureQueues = async (sqs: SQSClient, options: { prefix?: string } = {}): Promise<QueueUrls> => {
  const prefix = options.prefix ?? '';
  const urls: Record<string, string> = {};
  for (const queue of queueNames) {
    const [, consumer] = consumerOf(queue);
    const dlqUrl = await createQueue(sqs, `${prefix}${dlqName(queue)}`, {
      MessageRetentionPeriod: String(14 * 24 * 3600),
    });
    urls[dlqName(queue)] = dlqUrl;
    urls[queue] = await createQueue(sqs, `${prefix}${queue}`, {
      VisibilityTimeout: String(consumer.visibilityTimeoutSeconds),
      RedrivePolicy: JSON.stringify({
        deadLetterTargetArn: await queueArn(sqs, dlqUrl),
        maxReceiveCount: consumer.maxReceiveCount,
      }),
    });
  }
  for (const failures of [sesReceiptFailureQueue, streamFailureQueue, scheduleFailureQueue]) {
    urls[failures] = await createQueue(sqs, `${prefix}${failures}`, { MessageRetentionPeriod: String(14 * 24 * 3600) });
  }
  const missing = queueNames.filter((q) => !urls[q]);
  if (missing.length > 0) throw new Error(`queues not created: ${missing.join(', ')}`);
  return urls as QueueUrls;
};

export const ensureBucket = async (s3: S3Client, bucket: string): Promise<void> => {
  try {
    await s3.send(new HeadBucketCommand({ Bucket: bucket }));
  } catch {
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  }
};

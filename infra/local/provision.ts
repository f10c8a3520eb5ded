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
import { tableDefinition } from '../../functions/shared/table.ts';
import {
  consumerOf,
  dlqName,
  type QueueName,
  queueNames,
  sesReceiptFailureQueue,
  streamFailureQueue,
} from '../manifest.ts';

export const localNames = { table: 'kontakt', mailBucket: 'kontakt-mail' } as const;

const indexKeySchema = (index: { partitionKey: string; sortKey: string }) => [
  { AttributeName: index.partitionKey, KeyType: 'HASH' as const },
  { AttributeName: index.sortKey, KeyType: 'RANGE' as const },
];

/** A table made by an older version of Kontakt gains the indexes added since, one at a time as DynamoDB requires. */
const addMissingIndexes = async (dynamo: DynamoDBClient, tableName: string, existing: string[]): Promise<void> => {
  for (const [name, index] of Object.entries(tableDefinition.indexes)) {
    if (existing.includes(name)) continue;
    await dynamo.send(
      new UpdateTableCommand({
        TableName: tableName,
        AttributeDefinitions: [index.partitionKey, index.sortKey].map((n) => ({
          AttributeName: n,
          AttributeType: 'S',
        })),
        GlobalSecondaryIndexUpdates: [
          { Create: { IndexName: name, KeySchema: indexKeySchema(index), Projection: { ProjectionType: 'ALL' } } },
        ],
      }),
    );
  }
};

/** Old and new images of every change, as the CDK table has them: the frequency counter reads the stream. */
const streamSpecification = { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' } as const;

export const ensureTable = async (dynamo: DynamoDBClient, tableName: string): Promise<void> => {
  try {
    const described = await dynamo.send(new DescribeTableCommand({ TableName: tableName }));
    const existing = (described.Table?.GlobalSecondaryIndexes ?? []).map((i) => i.IndexName ?? '');
    await addMissingIndexes(dynamo, tableName, existing);
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
      GlobalSecondaryIndexes: indexes.map(([name, i]) => ({
        IndexName: name,
        KeySchema: indexKeySchema(i),
        Projection: { ProjectionType: 'ALL' },
      })),
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
  for (const failures of [sesReceiptFailureQueue, streamFailureQueue]) {
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

/**
 * What a request left behind in the running stack: every table write it made (read from the
 * table's stream, so each write is pinned to the request that made it), the messages it queued,
 * and whole-table snapshots (a Scan) to compare before and after a batch of refused requests.
 */
import { createHash } from 'node:crypto';
import {
  type AttributeValue,
  DescribeTableCommand,
  DynamoDBClient,
  ScanCommand,
  UpdateTableCommand,
} from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
} from '@aws-sdk/client-dynamodb-streams';
import {
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { localNames } from '../../infra/local/provision.ts';
import { localAwsEnv } from '../../infra/local/services.ts';
import { queueNames } from '../../infra/manifest.ts';

/**
 * Items background consumers write on their own after an accepted request (the frequency counter
 * reads the table's stream and counts values in `FREQ#…` items, once per `FREQEVENT#…`): not
 * written by any request, so never a refused request's doing.
 */
const isBackgroundItem = (pk: string): boolean => pk.startsWith('FREQ#') || pk.startsWith('FREQEVENT#');

const clientConfig = (endpoint: string) => ({
  endpoint,
  region: localAwsEnv.AWS_REGION,
  credentials: { accessKeyId: localAwsEnv.AWS_ACCESS_KEY_ID, secretAccessKey: localAwsEnv.AWS_SECRET_ACCESS_KEY },
});

/** JSON with every object's keys sorted, so the same item always hashes the same. */
const canonical = (value: unknown): string => {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'undefined';
};

export type Write = { event: string; pk: string; sk: string };

export const watchStack = async (ports: { dynamodb: number; emulator: number }) => {
  const dynamoEndpoint = `http://127.0.0.1:${ports.dynamodb}`;
  const dynamo = new DynamoDBClient(clientConfig(dynamoEndpoint));
  const streams = new DynamoDBStreamsClient(clientConfig(dynamoEndpoint));
  const sqs = new SQSClient({ ...clientConfig(`http://127.0.0.1:${ports.emulator}`), useQueueUrlAsEndpoint: false });
  const table = localNames.table;

  // The table's stream: the stack's own when it has one, else enabled here (test only).
  let described = await dynamo.send(new DescribeTableCommand({ TableName: table }));
  if (!described.Table?.StreamSpecification?.StreamEnabled) {
    await dynamo.send(
      new UpdateTableCommand({
        TableName: table,
        StreamSpecification: { StreamEnabled: true, StreamViewType: 'KEYS_ONLY' },
      }),
    );
    described = await dynamo.send(new DescribeTableCommand({ TableName: table }));
  }
  const streamArn = described.Table?.LatestStreamArn;
  if (!streamArn) throw new Error('the table has no stream');

  /** One iterator per open shard, from now on; shards that close are followed by their children. */
  const iterators = new Map<string, string>();
  const followShards = async (): Promise<void> => {
    const res = await streams.send(new DescribeStreamCommand({ StreamArn: streamArn }));
    for (const shard of res.StreamDescription?.Shards ?? []) {
      const id = shard.ShardId;
      if (!id || iterators.has(id) || shard.SequenceNumberRange?.EndingSequenceNumber) continue;
      const it = await streams.send(
        new GetShardIteratorCommand({ StreamArn: streamArn, ShardId: id, ShardIteratorType: 'LATEST' }),
      );
      if (it.ShardIterator) iterators.set(id, it.ShardIterator);
    }
  };
  await followShards();

  /** The writes since the last call (background consumers' items left out). */
  const writes = async (): Promise<Write[]> => {
    const found: Write[] = [];
    let closed = false;
    for (const [shard, iterator] of [...iterators]) {
      const res = await streams.send(new GetRecordsCommand({ ShardIterator: iterator }));
      for (const record of res.Records ?? []) {
        const keys = record.dynamodb?.Keys ?? {};
        const pk = keys.pk?.S ?? '?';
        const sk = keys.sk?.S ?? '?';
        if (!isBackgroundItem(pk)) found.push({ event: record.eventName ?? '?', pk, sk });
      }
      if (res.NextShardIterator) iterators.set(shard, res.NextShardIterator);
      else {
        iterators.delete(shard);
        closed = true;
      }
    }
    if (closed || iterators.size === 0) await followShards();
    return found;
  };

  const queueUrls = await Promise.all(
    queueNames.map(async (name) => {
      const res = await sqs.send(new GetQueueUrlCommand({ QueueName: name }));
      return [name, res.QueueUrl ?? ''] as const;
    }),
  );

  /** Messages waiting (visible or in flight) per queue; the pollers are off, so nothing takes them. */
  const queueDepths = async (): Promise<Record<string, number>> => {
    const depths = await Promise.all(
      queueUrls.map(async ([name, url]) => {
        const res = await sqs.send(
          new GetQueueAttributesCommand({
            QueueUrl: url,
            AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
          }),
        );
        const visible = Number(res.Attributes?.ApproximateNumberOfMessages ?? '0');
        const inFlight = Number(res.Attributes?.ApproximateNumberOfMessagesNotVisible ?? '0');
        return [name, visible + inFlight] as const;
      }),
    );
    return Object.fromEntries(depths);
  };

  /** Every item of the table, as a key → content hash map (a Scan: the test may, a request path never). */
  const snapshot = async (): Promise<Map<string, string>> => {
    const items = new Map<string, string>();
    let start: Record<string, AttributeValue> | undefined;
    do {
      const res = await dynamo.send(new ScanCommand({ TableName: table, ExclusiveStartKey: start }));
      for (const item of res.Items ?? []) {
        const pk = item.pk?.S ?? '?';
        if (isBackgroundItem(pk)) continue;
        const key = `${pk} | ${item.sk?.S ?? '?'}`;
        items.set(key, createHash('sha256').update(canonical(item)).digest('base64url'));
      }
      start = res.LastEvaluatedKey;
    } while (start);
    return items;
  };

  /** Takes every waiting message off a queue (the pollers are paused, so they are all there). */
  const drain = async (queue: string): Promise<{ messageId: string; body: string }[]> => {
    const url = queueUrls.find(([name]) => name === queue)?.[1] ?? '';
    const taken: { messageId: string; body: string }[] = [];
    for (;;) {
      const res = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
      );
      const messages = res.Messages ?? [];
      if (messages.length === 0) return taken;
      for (const message of messages) {
        taken.push({ messageId: message.MessageId ?? '', body: message.Body ?? '' });
        await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: message.ReceiptHandle }));
      }
    }
  };

  return {
    writes,
    queueDepths,
    snapshot,
    drain,
    close: () => {
      dynamo.destroy();
      streams.destroy();
      sqs.destroy();
    },
  };
};

/** Items that appeared, disappeared or changed between two snapshots. */
export const snapshotChanges = (before: Map<string, string>, after: Map<string, string>): string[] => [
  ...[...after.keys()].filter((key) => !before.has(key)).map((key) => `added ${key}`),
  ...[...before.keys()].filter((key) => !after.has(key)).map((key) => `removed ${key}`),
  ...[...after].filter(([key, hash]) => before.has(key) && before.get(key) !== hash).map(([key]) => `changed ${key}`),
];

/**
 * Lambda's DynamoDB stream event source, locally: reads the table's stream from DynamoDB Local,
 * keeps the records of the consumer's record items (the event filter), invokes the consumer with
 * Lambda-shaped batches in stream order, retries from a failed record (reported as a batch item
 * failure) up to `maxRetries` times, then sends that record's keys to the failure queue and moves
 * on — as the event source mapping with an on-failure destination does in AWS; a thrown invocation
 * is retried record by record to find the failing one, as Lambda bisects. Positions survive
 * errors (DynamoDB Local restarting) but not a restart of the stack: every start reads the stream
 * from its oldest record again, which the consumer's once-per-change guard makes harmless.
 */
import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  ExpiredIteratorException,
  GetRecordsCommand,
  type GetRecordsCommandOutput,
  GetShardIteratorCommand,
  type AttributeValue as SdkAttributeValue,
  type ShardIteratorType,
  type _Record as StreamRecord,
  TrimmedDataAccessException,
} from '@aws-sdk/client-dynamodb-streams';
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { AttributeValue, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import * as z from 'zod/mini';
import { requestTimeouts } from '../../functions/shared/client-timeouts.ts';
import { tableDefinition } from '../../functions/shared/table.ts';
import { streamConsumer } from '../manifest.ts';
import type { FunctionHost } from './function-host.ts';

const BatchResponse = z.object({ batchItemFailures: z.array(z.object({ itemIdentifier: z.string() })) });

/** The stream JSON Lambda delivers: binary values base64-encoded, everything else as DynamoDB writes it. */
const toLambdaValue = (value: SdkAttributeValue): AttributeValue => {
  if (value.S !== undefined) return { S: value.S };
  if (value.N !== undefined) return { N: value.N };
  if (value.BOOL !== undefined) return { BOOL: value.BOOL };
  if (value.NULL !== undefined) return { NULL: value.NULL };
  if (value.M !== undefined) return { M: toLambdaImage(value.M) };
  if (value.L !== undefined) return { L: value.L.map(toLambdaValue) };
  if (value.SS !== undefined) return { SS: value.SS };
  if (value.NS !== undefined) return { NS: value.NS };
  if (value.B !== undefined) return { B: Buffer.from(value.B).toString('base64') };
  if (value.BS !== undefined) return { BS: value.BS.map((b) => Buffer.from(b).toString('base64')) };
  throw new Error(`unknown attribute value with keys ${Object.keys(value).join(', ')}`);
};
const toLambdaImage = (image: Record<string, SdkAttributeValue>): Record<string, AttributeValue> =>
  Object.fromEntries(Object.entries(image).map(([k, v]) => [k, toLambdaValue(v)]));

const toLambdaRecord = (record: StreamRecord, streamArn: string): DynamoDBRecord => {
  const data = record.dynamodb;
  return {
    eventID: record.eventID ?? '',
    ...(record.eventName === undefined ? {} : { eventName: record.eventName }),
    eventVersion: record.eventVersion ?? '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: record.awsRegion ?? 'eu-west-1',
    eventSourceARN: streamArn,
    dynamodb: {
      ...(data?.Keys ? { Keys: toLambdaImage(data.Keys) } : {}),
      ...(data?.NewImage ? { NewImage: toLambdaImage(data.NewImage) } : {}),
      ...(data?.OldImage ? { OldImage: toLambdaImage(data.OldImage) } : {}),
      ...(data?.SequenceNumber ? { SequenceNumber: data.SequenceNumber } : {}),
      ...(data?.SizeBytes === undefined ? {} : { SizeBytes: data.SizeBytes }),
      StreamViewType: 'NEW_AND_OLD_IMAGES',
    },
  };
};

export type StreamPollerOptions = {
  dynamo: DynamoDBClient;
  tableName: string;
  host: Pick<FunctionHost, 'invoke'>;
  sqs: SQSClient;
  failureQueueUrl: string;
  /** pause between reads of a stream that had nothing new */
  idleMillis?: number;
  onError: (error: unknown) => void;
};

type ShardState = {
  iterator: string | null;
  lastSequence: string | null;
  attempts: number;
  /** after a thrown invocation, records are handed over one at a time until the failing one is found (Lambda bisects) */
  oneByOne: boolean;
};

export const startStreamPoller = (options: StreamPollerOptions): { stop: () => Promise<void> } => {
  const [functionName, consumer] = streamConsumer();
  const streams = new DynamoDBStreamsClient({
    endpoint: options.dynamo.config.endpoint,
    region: options.dynamo.config.region,
    credentials: options.dynamo.config.credentials,
    requestHandler: requestTimeouts,
  });
  const abort = new AbortController();
  const shards = new Map<string, ShardState>();
  /** where each shard was read up to, kept across errors so a rediscovery goes on from there */
  const readUpTo = new Map<string, string>();
  const idle = options.idleMillis ?? 250;
  let streamArn: string | null = null;
  let knownArn: string | null = null;

  const iteratorAt = async (shardId: string, type: ShardIteratorType, sequence?: string): Promise<string | null> => {
    const res = await streams.send(
      new GetShardIteratorCommand({
        StreamArn: streamArn ?? '',
        ShardId: shardId,
        ShardIteratorType: type,
        ...(sequence === undefined ? {} : { SequenceNumber: sequence }),
      }),
    );
    return res.ShardIterator ?? null;
  };

  /** Finds the stream and its shards; new shards are read from their oldest record. */
  const discover = async (): Promise<void> => {
    const table = await options.dynamo.send(new DescribeTableCommand({ TableName: options.tableName }));
    const arn = table.Table?.LatestStreamArn ?? null;
    if (arn !== streamArn) {
      // another stream (the table was made again) starts from its beginning; the same one goes on
      if (arn !== knownArn) readUpTo.clear();
      streamArn = arn;
      knownArn = arn;
      shards.clear();
    }
    if (streamArn === null) return;
    let start: string | undefined;
    do {
      const res = await streams.send(
        new DescribeStreamCommand({ StreamArn: streamArn, ...(start ? { ExclusiveStartShardId: start } : {}) }),
      );
      for (const shard of res.StreamDescription?.Shards ?? []) {
        const id = shard.ShardId;
        if (!id || shards.has(id)) continue;
        const after = readUpTo.get(id);
        shards.set(id, {
          iterator: after ? await iteratorAt(id, 'AFTER_SEQUENCE_NUMBER', after) : await iteratorAt(id, 'TRIM_HORIZON'),
          lastSequence: after ?? null,
          attempts: 0,
          oneByOne: false,
        });
      }
      start = res.StreamDescription?.LastEvaluatedShardId;
    } while (start);
  };

  const sendToFailureQueue = async (record: StreamRecord): Promise<void> => {
    // like Lambda's on-failure destination: where the change is, not the personal data it holds
    await options.sqs.send(
      new SendMessageCommand({
        QueueUrl: options.failureQueueUrl,
        MessageBody: JSON.stringify({
          source: 'table-stream',
          functionName,
          streamArn,
          eventID: record.eventID,
          sequenceNumber: record.dynamodb?.SequenceNumber,
          keys: record.dynamodb?.Keys ? toLambdaImage(record.dynamodb.Keys) : null,
        }),
      }),
    );
  };

  const readShard = async (shardId: string, state: ShardState): Promise<boolean> => {
    if (state.iterator === null) return false;
    let res: GetRecordsCommandOutput;
    try {
      res = await streams.send(
        new GetRecordsCommand({ ShardIterator: state.iterator, Limit: state.oneByOne ? 1 : consumer.batchSize }),
      );
    } catch (error) {
      if (error instanceof ExpiredIteratorException || error instanceof TrimmedDataAccessException) {
        state.iterator = state.lastSequence
          ? await iteratorAt(shardId, 'AFTER_SEQUENCE_NUMBER', state.lastSequence)
          : await iteratorAt(shardId, 'TRIM_HORIZON');
        return true;
      }
      throw error;
    }
    const records = res.Records ?? [];
    const matching = records.filter((r) =>
      consumer.records.includes(r.dynamodb?.Keys?.[tableDefinition.sortKey]?.S ?? ''),
    );
    if (matching.length > 0) {
      const event: DynamoDBStreamEvent = { Records: matching.map((r) => toLambdaRecord(r, streamArn ?? '')) };
      let failedAt: string | null = null;
      try {
        const response = BatchResponse.safeParse(await options.host.invoke(functionName, event));
        failedAt = response.success ? (response.data.batchItemFailures[0]?.itemIdentifier ?? null) : null;
      } catch (error) {
        // a thrown invocation fails the whole batch, as in Lambda, which then bisects it
        options.onError(error);
        failedAt = matching[0]?.dynamodb?.SequenceNumber ?? null;
        if (matching.length > 1) {
          state.oneByOne = true;
          state.iterator = failedAt ? await iteratorAt(shardId, 'AT_SEQUENCE_NUMBER', failedAt) : state.iterator;
          return false;
        }
      }
      if (failedAt !== null) {
        const failed = matching.find((r) => r.dynamodb?.SequenceNumber === failedAt);
        state.attempts += 1;
        if (state.attempts <= consumer.maxRetries || !failed) {
          state.iterator = await iteratorAt(shardId, 'AT_SEQUENCE_NUMBER', failedAt);
          return false;
        }
        await sendToFailureQueue(failed);
        state.attempts = 0;
        state.oneByOne = false;
        state.lastSequence = failedAt;
        readUpTo.set(shardId, failedAt);
        state.iterator = await iteratorAt(shardId, 'AFTER_SEQUENCE_NUMBER', failedAt);
        return true;
      }
    }
    state.attempts = 0;
    state.oneByOne = false;
    const last = records.at(-1)?.dynamodb?.SequenceNumber;
    if (last) {
      state.lastSequence = last;
      readUpTo.set(shardId, last);
    }
    state.iterator = res.NextShardIterator ?? null;
    return records.length > 0;
  };

  const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));
  const loop = async (): Promise<void> => {
    let round = 0;
    while (!abort.signal.aborted) {
      let busy = false;
      try {
        // new shards appear as DynamoDB rolls its stream; looking about once a second is enough
        if (shards.size === 0 || round % 4 === 0) await discover();
        round += 1;
        for (const [id, state] of shards) busy = (await readShard(id, state)) || busy;
      } catch (error) {
        if (abort.signal.aborted) return;
        // DynamoDB Local restarting, or the stream gone: find the stream again after a pause
        options.onError(error);
        streamArn = null;
        shards.clear();
        await sleep(1000);
        continue;
      }
      if (!busy) await sleep(idle);
    }
  };
  const running = loop();

  return {
    stop: async () => {
      abort.abort();
      await running;
      streams.destroy();
    },
  };
};

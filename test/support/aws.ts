/**
 * Clients and environment for tests that talk to the services the global setup started. Each test
 * file gets a table and a set of queues of its own on them, so no file sees another's entries or
 * messages: a sweep over every pending entry, or a queue's backlog, stays within the file.
 */
import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { inject } from 'vitest';
import { ensureQueues, ensureTable, localNames } from '../../infra/local/provision.ts';
import { localAwsEnv } from '../../infra/local/services.ts';
import { defaultPatienceMs } from './eventually.ts';

/** Names this file's table and queues; letters, digits and dashes suit both. */
const fileId = randomUUID().slice(0, 8);

Object.assign(process.env, localAwsEnv);
export const tableName = `${localNames.table}-${fileId}`;
await ensureTable(new DynamoDBClient({ endpoint: inject('dynamoEndpoint') }), tableName);
const queueUrls = await ensureQueues(
  new SQSClient({ endpoint: inject('emulatorEndpoint'), useQueueUrlAsEndpoint: false }),
  { prefix: `${fileId}-` },
);
export const mailBucket = localNames.mailBucket;

/** Sets what handlers read at import: call before importing a handler module. */
export const useLocalAwsEnv = (): void => {
  Object.assign(process.env, localAwsEnv, {
    AWS_ENDPOINT_URL_DYNAMODB: inject('dynamoEndpoint'),
    AWS_ENDPOINT_URL_SQS: inject('emulatorEndpoint'),
    AWS_ENDPOINT_URL_S3: inject('emulatorEndpoint'),
    TABLE_NAME: tableName,
    MAIL_BUCKET: mailBucket,
    MAIL_DOMAIN: 'kontakt.localhost',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    QUEUE_URL_DUPLICATE_CHECK: queueUrls['duplicate-check'],
    QUEUE_URL_INBOUND_EMAIL: queueUrls['inbound-email'],
  });
};

export const documentClient = (): DynamoDBDocumentClient => {
  useLocalAwsEnv();
  return DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: inject('dynamoEndpoint') }), {
    marshallOptions: { removeUndefinedValues: true },
  });
};

export const sqsClient = (): SQSClient => {
  useLocalAwsEnv();
  return new SQSClient({ endpoint: inject('emulatorEndpoint'), useQueueUrlAsEndpoint: false });
};

export const s3Client = (): S3Client => {
  useLocalAwsEnv();
  return new S3Client({ endpoint: inject('emulatorEndpoint'), forcePathStyle: true });
};

export const queueUrl = (name: string): string => {
  const url = queueUrls[name];
  if (!url) throw new Error(`no queue ${name}`);
  return url;
};

/** A predicate for `takeMessage`: the message's body mentions `text` (an id, a token). */
export const mentioning =
  (text: string) =>
  (message: unknown): boolean =>
    JSON.stringify(message).includes(text);

/**
 * Takes the first message on `queue` that `matches` (its body parsed) and hands every other one
 * back. It reads through a backlog: each message it passes over stays hidden while it looks
 * further, so every receive brings new ones, and all are released once it is done. The hiding is
 * short, so a message passed over is never lost to whoever else waits for it.
 */
export const takeMessage = async (
  queue: string,
  matches: (message: unknown) => boolean,
  options: { timeoutMs?: number } = {},
): Promise<unknown> => {
  const sqs = sqsClient();
  const url = queueUrl(queue);
  const deadline = Date.now() + (options.timeoutMs ?? defaultPatienceMs);
  const passedOver: string[] = [];
  try {
    while (Date.now() < deadline) {
      const res = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: url,
          MaxNumberOfMessages: 10,
          WaitTimeSeconds: 1,
          VisibilityTimeout: 20,
        }),
      );
      let found: { body: unknown } | null = null;
      for (const message of res.Messages ?? []) {
        const body: unknown = JSON.parse(message.Body ?? 'null');
        if (found === null && matches(body)) {
          await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: message.ReceiptHandle }));
          found = { body };
        } else if (message.ReceiptHandle) passedOver.push(message.ReceiptHandle);
      }
      if (found) return found.body;
    }
  } finally {
    // Back after a second, not at once: the emulator (fauxqs 2.4.1, with its data folder) loses a
    // message whose visibility is set to 0. A handle from before a message came back is stale:
    // then there is nothing to hand back.
    await Promise.all(
      passedOver.map((handle) =>
        sqs
          .send(new ChangeMessageVisibilityCommand({ QueueUrl: url, ReceiptHandle: handle, VisibilityTimeout: 1 }))
          .catch(() => undefined),
      ),
    );
  }
  throw new Error(`no matching message on ${queue} within ${options.timeoutMs ?? defaultPatienceMs} ms`);
};

/** Clients and environment for tests that talk to the services the global setup started. */
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
import { localNames } from '../../infra/local/provision.ts';
import { localAwsEnv } from '../../infra/local/services.ts';

export const tableName = localNames.table;
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
    QUEUE_URL_DUPLICATE_CHECK: inject('queueUrls')['duplicate-check'],
    QUEUE_URL_INBOUND_EMAIL: inject('queueUrls')['inbound-email'],
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
  const url = inject('queueUrls')[name];
  if (!url) throw new Error(`no queue ${name}`);
  return url;
};

/**
 * Takes the message whose body mentions `needle` off a queue and hands every other message back
 * at once, so tests sharing a queue never hide each other's messages.
 */
export const takeMessage = async (queue: string, needle: string): Promise<unknown> => {
  const sqs = sqsClient();
  const url = queueUrl(queue);
  for (let i = 0; i < 30; i += 1) {
    const res = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
    );
    for (const message of res.Messages ?? []) {
      if (message.Body?.includes(needle)) {
        await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: message.ReceiptHandle }));
        return JSON.parse(message.Body);
      }
      // another test file may have taken it meanwhile: then there is nothing to hand back
      await sqs
        .send(
          new ChangeMessageVisibilityCommand({
            QueueUrl: url,
            ReceiptHandle: message.ReceiptHandle,
            VisibilityTimeout: 0,
          }),
        )
        .catch(() => undefined);
    }
  }
  throw new Error(`no message mentioning ${needle} on ${queue}`);
};

/** AWS SDK clients, created once per container. Locally the endpoints come from AWS_ENDPOINT_URL_*. */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

const endpoint = (service: 'DYNAMODB' | 'SQS' | 'S3'): string | undefined =>
  process.env[`AWS_ENDPOINT_URL_${service}`] || undefined;

export const createDocumentClient = (): DynamoDBDocumentClient => {
  const dynamoEndpoint = endpoint('DYNAMODB');
  const client = new DynamoDBClient(dynamoEndpoint ? { endpoint: dynamoEndpoint } : {});
  return DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
};

export const createSqsClient = (): SQSClient => {
  const sqsEndpoint = endpoint('SQS');
  // The local emulator serves queue URLs on its own host; never let the SDK rewrite the endpoint.
  return new SQSClient(sqsEndpoint ? { endpoint: sqsEndpoint, useQueueUrlAsEndpoint: false } : {});
};

export const createS3Client = (): S3Client => {
  const s3Endpoint = endpoint('S3');
  return new S3Client(s3Endpoint ? { endpoint: s3Endpoint, forcePathStyle: true } : {});
};

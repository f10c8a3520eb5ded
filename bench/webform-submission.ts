/** What one web-form submission costs in AWS calls and DynamoDB capacity, against the real local services. */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { demoWebform } from '../domain/webforms/webform.ts';
import { ensureBucket, ensureQueues, ensureTable, localNames } from '../infra/local/provision.ts';
import { localAwsEnv, startDynamoDbLocal, startEmulator } from '../infra/local/services.ts';
import { freePort } from '../test/support/ports.ts';
import { type AwsUsage, installAwsMeter } from './aws-meter.ts';

export type SubmissionFigures = {
  /** the first invocation after import: it also resolves credentials and opens connections */
  warmUp: AwsUsage & { statusCode: number; ms: number };
  /** the next one, as a warm container serves it */
  warm: AwsUsage & { statusCode: number; ms: number };
};

const routeKey = 'POST /v1/webforms/{formKey}/submissions';

const submissionEvent = (n: number): APIGatewayProxyEventV2 => {
  const path = '/v1/webforms/demo/submissions';
  return {
    version: '2.0',
    routeKey,
    rawPath: path,
    rawQueryString: '',
    headers: { 'content-type': 'application/json', origin: 'http://localhost:3000' },
    pathParameters: { formKey: 'demo' },
    requestContext: {
      accountId: '000000000000',
      apiId: 'bench',
      domainName: 'bench.local',
      domainPrefix: 'bench',
      http: { method: 'POST', path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'kontakt-bench' },
      requestId: randomUUID(),
      routeKey,
      stage: '$default',
      time: new Date().toUTCString(),
      timeEpoch: Date.now(),
    },
    body: JSON.stringify({
      firstName: 'Erika',
      lastName: `Mustermann ${n}`,
      email: `erika.mustermann+${n}@example.com`,
      company: 'Beispiel GmbH',
    }),
    isBase64Encoded: false,
  };
};

const lambdaContext = (): Context => ({
  callbackWaitsForEmptyEventLoop: false,
  functionName: 'webform-submissions',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:eu-west-1:000000000000:function:webform-submissions',
  memoryLimitInMB: '512',
  awsRequestId: randomUUID(),
  logGroupName: '/aws/lambda/webform-submissions',
  logStreamName: 'bench',
  getRemainingTimeInMillis: () => 10_000,
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
});

/**
 * Starts DynamoDB Local and the emulator on their own ports and data folder, provisions them,
 * runs the handler twice and stops everything again, also when something fails.
 */
export const measureWebformSubmission = async (): Promise<SubmissionFigures> => {
  const dataDir = await mkdtemp(join(tmpdir(), 'kontakt-bench-'));
  const stops: (() => Promise<void>)[] = [];
  try {
    const dynamo = await startDynamoDbLocal({ port: await freePort(), dataDir: join(dataDir, 'dynamodb') });
    stops.push(dynamo.stop);
    const emulator = await startEmulator({ port: await freePort(), dataDir });
    stops.push(emulator.stop);

    const credentials = {
      accessKeyId: localAwsEnv.AWS_ACCESS_KEY_ID,
      secretAccessKey: localAwsEnv.AWS_SECRET_ACCESS_KEY,
    };
    const region = localAwsEnv.AWS_REGION;
    const dynamoClient = new DynamoDBClient({ endpoint: dynamo.endpoint, region, credentials });
    const sqs = new SQSClient({ endpoint: emulator.endpoint, region, credentials, useQueueUrlAsEndpoint: false });
    const s3 = new S3Client({ endpoint: emulator.endpoint, region, credentials, forcePathStyle: true });
    await ensureTable(dynamoClient, localNames.table);
    const queues = await ensureQueues(sqs);
    await ensureBucket(s3, localNames.mailBucket);

    // The handler reads its configuration and creates its clients when it is imported.
    Object.assign(process.env, localAwsEnv, {
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
      AWS_ENDPOINT_URL_SQS: emulator.endpoint,
      AWS_ENDPOINT_URL_S3: emulator.endpoint,
      TABLE_NAME: localNames.table,
      QUEUE_URL_DUPLICATE_CHECK: queues['duplicate-check'],
      // info logs would go to stdout, which carries the figures
      POWERTOOLS_LOG_LEVEL: 'WARN',
    });
    const { createWebformRepository } = await import('../functions/webforms/webform.repository.ts');
    await createWebformRepository(DynamoDBDocumentClient.from(dynamoClient), localNames.table).create(
      demoWebform(new Date()),
    );
    for (const client of [dynamoClient, sqs, s3]) client.destroy();

    const meter = installAwsMeter();
    try {
      const { handler } = await import('../functions/webforms/webform-submissions.handler.ts');
      const submit = async (n: number) => {
        meter.reset();
        const started = performance.now();
        const response = await handler(submissionEvent(n), lambdaContext());
        const ms = performance.now() - started;
        if (response.statusCode !== 201) {
          throw new Error(`the handler answered ${response.statusCode}, not 201: ${response.body ?? ''}`);
        }
        return { statusCode: response.statusCode, ms, ...meter.usage() };
      };
      const warmUp = await submit(1);
      const warm = await submit(2);
      return { warmUp, warm };
    } finally {
      meter.uninstall();
    }
  } finally {
    for (const stop of stops.reverse()) {
      await stop().catch((error: unknown) => console.error('could not stop a local service:', error));
    }
    await rm(dataDir, { recursive: true, force: true });
  }
};

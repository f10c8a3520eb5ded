/** What one web-form submission costs in AWS calls and DynamoDB capacity, against the real local services. */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { demoWebform } from '../domain/webforms/webform.ts';
import type { LeadReceivedV1 } from '../events/lead-received.v1.ts';
import { ensureBucket, ensureQueues, ensureTable, localNames } from '../infra/local/provision.ts';
import { localAwsEnv, startDynamoDbLocal, startEmulator } from '../infra/local/services.ts';
import { sqsEvent } from '../test/support/events.ts';
import { freePort } from '../test/support/ports.ts';
import { type AwsUsage, installAwsMeter, type SentWrite } from './aws-meter.ts';
import { billedWrites, type WrittenItem } from './billed-writes.ts';

export type Billed = ReturnType<typeof billedWrites>;

/** Billed write units of one lead: what its request writes, and what the duplicate-check worker adds. */
export type LeadCapacity = { synchronous: Billed; worker: Billed; total: number };

export type SubmissionFigures = {
  /** the first invocation after import: it also resolves credentials and opens connections */
  warmUp: AwsUsage & { statusCode: number; ms: number };
  /** the next one, as a warm container serves it */
  warm: AwsUsage & { statusCode: number; ms: number };
  /** the README's example lead with an Idempotency-Key, as a consumer (B2C) and a business (B2B) sends it */
  capacity: { b2c: LeadCapacity; b2b: LeadCapacity };
};

/**
 * The payloads of the capacity figure, fixed so figures compare across runs: the README's example
 * lead without and with a company, phone and address.
 */
export const capacityLeads = {
  b2c: { firstName: 'Max', lastName: 'Mustermann', email: 'max@example.com', message: 'Bitte um ein Angebot' },
  b2b: {
    firstName: 'Max',
    lastName: 'Mustermann',
    email: 'max@muster-gmbh.de',
    phone: '0221 1234567',
    company: 'Muster GmbH',
    street: 'Hohe Straße 12',
    postalCode: '50667',
    city: 'Köln',
    message: 'Bitte um ein Angebot',
  },
} as const;

const routeKey = 'POST /v1/webforms/{formKey}/submissions';

const submissionEvent = (
  n: number,
  body: Record<string, string> = {
    firstName: 'Erika',
    lastName: `Mustermann ${n}`,
    email: `erika.mustermann+${n}@example.com`,
    company: 'Beispiel GmbH',
  },
  headers: Record<string, string> = {},
): APIGatewayProxyEventV2 => {
  const path = '/v1/webforms/demo/submissions';
  return {
    version: '2.0',
    routeKey,
    rawPath: path,
    rawQueryString: '',
    headers: { 'content-type': 'application/json', origin: 'http://localhost:3000', ...headers },
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
    body: JSON.stringify(body),
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

      // the capacity of one lead over its life until checked: the request, then the worker on its message
      const worker = (await import('../functions/duplicates/duplicate-check-worker.handler.ts')).handler;
      const reader = DynamoDBDocumentClient.from(
        new DynamoDBClient({ endpoint: dynamo.endpoint, region, credentials }),
      );
      /** an update is billed on the stored item: read it back after the writes */
      const sized = async (writes: readonly SentWrite[]): Promise<WrittenItem[]> =>
        Promise.all(
          writes.map(async (w): Promise<WrittenItem> => {
            if ('item' in w) return { item: w.item, transactional: w.transactional };
            const stored = await reader.send(
              new GetCommand({ TableName: w.table, Key: w.updatedKey, ConsistentRead: true }),
            );
            return { item: stored.Item ?? w.updatedKey, transactional: w.transactional, touched: w.touched };
          }),
        );
      const capacityOf = async (body: Record<string, string>, n: number): Promise<LeadCapacity> => {
        meter.reset();
        const response = await handler(
          submissionEvent(n, body, { 'idempotency-key': `bench-${n}-${randomUUID()}` }),
          lambdaContext(),
        );
        if (response.statusCode !== 201)
          throw new Error(`the handler answered ${response.statusCode}: ${response.body ?? ''}`);
        const sync = meter.usage().writes;
        const { id } = JSON.parse(response.body ?? '{}') as { id: string };
        meter.reset();
        const message: LeadReceivedV1 = {
          type: 'lead-received',
          version: 1,
          inboxEntryId: id,
          source: 'webform',
          requestedAt: new Date().toISOString(),
        };
        const failures = await worker(sqsEvent([{ id: randomUUID(), body: JSON.stringify(message) }]), lambdaContext());
        if (failures && failures.batchItemFailures.length > 0) throw new Error('the duplicate-check worker failed');
        const checked = meter.usage().writes;
        const synchronous = billedWrites(await sized(sync));
        const later = billedWrites(await sized(checked));
        return { synchronous, worker: later, total: synchronous.units + later.units };
      };
      const capacity = { b2c: await capacityOf(capacityLeads.b2c, 3), b2b: await capacityOf(capacityLeads.b2b, 4) };
      reader.destroy();
      return { warmUp, warm, capacity };
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

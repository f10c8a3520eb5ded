/**
 * What converting an inbox entry and running an activity plan cost in AWS calls and DynamoDB
 * capacity, through the deployed handlers against DynamoDB Local and the emulator: a conversion into
 * a deal with a new company and person, then the deal's plan of ten activities (the request, and the
 * worker that writes them).
 */

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ulid } from 'ulid';
import { createInboxEntry } from '../domain/inbox/inbox-entry.ts';
import { initDeferred } from '../domain/shared/deferred-init.ts';
import { ensureQueues, ensureTable, localNames } from '../infra/local/provision.ts';
import { localAwsEnv, startDynamoDbLocal, startEmulator } from '../infra/local/services.ts';
import { queueNames, queueUrlVariable } from '../infra/manifest.ts';
import { apiEvent, lambdaContext, sqsEvent } from '../test/support/events.ts';
import { freePort } from '../test/support/ports.ts';
import { type AwsUsage, installAwsMeter } from './aws-meter.ts';

// the phone numbering plan and whatever else modules defer from a cold start, as handlers load it
await initDeferred();

export type ConversionFigures = {
  conversion: AwsUsage & { ms: number };
  planRequest: AwsUsage & { ms: number };
  planWorker: AwsUsage & { ms: number; activities: number };
};

const userId = 'bench-sales';

export const measureConversion = async (): Promise<ConversionFigures> => {
  const dataDir = await mkdtemp(join(tmpdir(), 'kontakt-bench-conv-'));
  const stops: (() => Promise<void>)[] = [];
  try {
    const dynamo = await startDynamoDbLocal({
      port: await freePort(),
      dataDir: join(dataDir, 'dynamodb'),
      inMemory: true,
    });
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
    await ensureTable(dynamoClient, localNames.table);
    const queues = await ensureQueues(sqs);
    Object.assign(process.env, localAwsEnv, {
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
      AWS_ENDPOINT_URL_SQS: emulator.endpoint,
      TABLE_NAME: localNames.table,
      ...Object.fromEntries(queueNames.map((q) => [queueUrlVariable(q), queues[q]])),
      POWERTOOLS_LOG_LEVEL: 'WARN',
    });
    const doc = DynamoDBDocumentClient.from(dynamoClient);
    const { createUserRepository } = await import('../functions/users/user.repository.ts');
    const { createInboxEntryRepository } = await import('../functions/inbox/inbox-entry.repository.ts');
    await createUserRepository(doc, localNames.table).save(
      { id: userId, email: 'bench@kontakt.localhost', name: 'Bench', roles: ['sales'] },
      { upsert: true },
    );
    const inbox = createInboxEntryRepository(doc, localNames.table);
    const entry = async (n: number) => {
      const created = createInboxEntry(
        {
          id: ulid(),
          source: 'webform',
          priority: 'normal',
          responsibleUserId: userId,
          contact: {
            firstName: 'Erika',
            lastName: ['Achterberg', 'Zimmerling'][n % 2] ?? 'Achterberg',
            email: `erika${n}@${['achterberg', 'zimmerling'][n % 2]}.example`,
            phone: `+49 89 12345${n}`,
            companyName: `${['Achterberg Werkzeugbau', 'Zimmerling Textil'][n % 2]} GmbH`,
            street: ['Marienplatz 1', 'Leopoldstraße 80'][n % 2] ?? 'Marienplatz 1',
            postalCode: ['80331', '80802'][n % 2] ?? '80331',
            city: 'München',
          },
          expectedBudget: { amount: 25000, currency: 'EUR' },
          raw: {},
          createdBy: null,
        },
        new Date(),
      );
      await inbox.create(created);
      return created.id;
    };

    const meter = installAwsMeter();
    try {
      const { handler: api } = await import('../functions/opportunities/opportunities-api.handler.ts');
      const { handler: worker } = await import('../functions/activities/activity-plan-worker.handler.ts');
      const convert = async (id: string) => {
        meter.reset();
        const started = performance.now();
        const res = await api(
          apiEvent({
            routeKey: 'POST /v1/inbox/{id}/convert',
            path: `/v1/inbox/${id}/convert`,
            pathParameters: { id },
            sub: userId,
            body: JSON.stringify({ stage: 'deal', company: { create: true }, person: { create: true } }),
          }),
          lambdaContext(),
        );
        if (res.statusCode !== 201) throw new Error(`conversion answered ${res.statusCode}: ${res.body ?? ''}`);
        return { ms: performance.now() - started, usage: meter.usage(), body: JSON.parse(res.body ?? '{}') };
      };
      await convert(await entry(1)); // warm-up: imports, credentials, connections
      const converted = await convert(await entry(2));
      const opportunityId: string = converted.body.opportunity.id;

      meter.reset();
      let started = performance.now();
      const planned = await api(
        apiEvent({
          routeKey: 'POST /v1/opportunities/{id}/activity-plan',
          path: `/v1/opportunities/${opportunityId}/activity-plan`,
          pathParameters: { id: opportunityId },
          sub: userId,
          body: JSON.stringify({ startDate: '2026-12-01' }),
        }),
        lambdaContext(),
      );
      if (planned.statusCode !== 202)
        throw new Error(`activity plan answered ${planned.statusCode}: ${planned.body ?? ''}`);
      const planRequest = { ms: performance.now() - started, ...meter.usage() };

      // the worker's part, with the message the request sent (its receipt is not counted)
      const received = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl: queues['activity-plans'], MaxNumberOfMessages: 1, WaitTimeSeconds: 2 }),
      );
      const message = received.Messages?.[0];
      if (!message?.Body || !message.MessageId) throw new Error('no activity-plan message');
      meter.reset();
      started = performance.now();
      const result = await worker(sqsEvent([{ id: message.MessageId, body: message.Body }]), lambdaContext());
      const planWorker = { ms: performance.now() - started, ...meter.usage() };
      if (result && 'batchItemFailures' in result && result.batchItemFailures.length > 0) {
        throw new Error('the activity-plan worker failed');
      }
      const { createActivityRepository } = await import('../functions/activities/activity.repository.ts');
      const activities = await createActivityRepository(doc, localNames.table).listByOpportunity(opportunityId);
      return {
        conversion: { ms: converted.ms, ...converted.usage },
        planRequest,
        planWorker: { ...planWorker, activities: activities.items.length },
      };
    } finally {
      meter.uninstall();
      dynamoClient.destroy();
      sqs.destroy();
    }
  } finally {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    await rm(dataDir, { recursive: true, force: true });
  }
};

// `node bench/conversion.ts` runs this figure alone
if (import.meta.url === `file://${process.argv[1]}`) {
  process.stdout.write(`${JSON.stringify(await measureConversion())}\n`);
}

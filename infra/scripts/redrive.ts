/**
 * `npm run redrive -- <queue> [--aws --stage <stage>]`: moves a DLQ's messages back to its queue;
 * `npm run redrive -- ses-receipt-failures …` invokes the SES receipt function again with each
 * failed receipt's original event (redrive-receipts.ts).
 * Without --aws it targets the local stack's emulator (KONTAKT_EMULATOR_PORT, default 4566); with
 * --aws, the stage's deployed queues (`Kontakt-<stage>-<queue>`) with the usual AWS credential
 * chain and region.
 */
import { parseArgs } from 'node:util';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { GetQueueUrlCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { Context, SESEvent } from 'aws-lambda';
import { localNames } from '../local/provision.ts';
import { localAwsEnv } from '../local/services.ts';
import { dlqName, type QueueName, queueNames, sesReceiptFailureQueue } from '../manifest.ts';
import { redriveQueue } from './redrive-queue.ts';
import { type ReceiptInvoker, redriveReceipts } from './redrive-receipts.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { aws: { type: 'boolean', default: false }, stage: { type: 'string' } },
});
const queue = queueNames.find((q): q is QueueName => q === positionals[0]);
const receipts = positionals[0] === sesReceiptFailureQueue;
if ((!queue && !receipts) || (values.aws && !values.stage)) {
  console.error(
    `usage: npm run redrive -- <queue> [--aws --stage <stage>]\nqueues: ${[...queueNames, sesReceiptFailureQueue].join(', ')}${values.aws && !values.stage ? '\n--aws needs the stage whose queues to redrive' : ''}`,
  );
  process.exit(2);
}

const sqs = values.aws
  ? new SQSClient({})
  : new SQSClient({
      endpoint: `http://127.0.0.1:${process.env.KONTAKT_EMULATOR_PORT ?? '4566'}`,
      useQueueUrlAsEndpoint: false,
      region: localAwsEnv.AWS_REGION,
      credentials: { accessKeyId: localAwsEnv.AWS_ACCESS_KEY_ID, secretAccessKey: localAwsEnv.AWS_SECRET_ACCESS_KEY },
    });
const physical = (name: string): string => (values.aws ? `Kontakt-${values.stage}-${name}` : name);
const urlOf = async (name: string): Promise<string> => {
  const res = await sqs.send(new GetQueueUrlCommand({ QueueName: physical(name) }));
  if (!res.QueueUrl) throw new Error(`queue ${physical(name)} not found`);
  return res.QueueUrl;
};

if (receipts) {
  // SES receipts whose function kept failing: the receipt function runs again with SES's event
  const invoke = values.aws ? lambdaInvoker() : await localInvoker();
  const result = await redriveReceipts(sqs, await urlOf(sesReceiptFailureQueue), invoke);
  console.log(JSON.stringify({ queue: physical(sesReceiptFailureQueue), ...result }));
  process.exit(result.failed > 0 ? 1 : 0);
}
if (!queue) process.exit(2);
const result = await redriveQueue(sqs, { dlq: await urlOf(dlqName(queue)), source: await urlOf(queue) });
console.log(JSON.stringify({ queue: physical(queue), ...result }));
process.exit(result.failed > 0 ? 1 : 0);

/** In AWS: Lambda's Invoke of the function the record names (its ARN without a version), synchronously. */
function lambdaInvoker(): ReceiptInvoker {
  const lambda = new LambdaClient({});
  return async (event, functionArn) => {
    if (!functionArn) return 'the record names no function';
    const res = await lambda.send(
      new InvokeCommand({
        FunctionName: functionArn.replace(/:\$LATEST$/, ''),
        InvocationType: 'RequestResponse',
        Payload: Buffer.from(JSON.stringify(event)),
      }),
    );
    return res.FunctionError ? `${res.FunctionError}: ${Buffer.from(res.Payload ?? []).toString('utf8')}` : null;
  };
}

/** Locally: the receipt function's own handler, in this process, with the local stack's queues and bucket. */
async function localInvoker(): Promise<ReceiptInvoker> {
  Object.assign(process.env, localAwsEnv, {
    AWS_ENDPOINT_URL_SQS: `http://127.0.0.1:${process.env.KONTAKT_EMULATOR_PORT ?? '4566'}`,
    AWS_ENDPOINT_URL_S3: `http://127.0.0.1:${process.env.KONTAKT_EMULATOR_PORT ?? '4566'}`,
    QUEUE_URL_INBOUND_EMAIL: await urlOf('inbound-email'),
    MAIL_BUCKET: localNames.mailBucket,
    MAIL_DOMAIN: process.env.KONTAKT_MAIL_DOMAIN ?? 'kontakt.localhost',
  });
  const { handler } = await import('../../functions/emails/ses-receipt.handler.ts');
  return async (event) => {
    try {
      await handler(event as SESEvent, {} as Context);
      return null;
    } catch (error) {
      return String(error);
    }
  };
}

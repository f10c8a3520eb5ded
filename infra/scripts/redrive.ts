/**
 * `npm run redrive -- <queue> [--aws --stage <stage>]`: moves a DLQ's messages back to its queue.
 * Without --aws it targets the local stack's emulator (KONTAKT_EMULATOR_PORT, default 4566); with
 * --aws, the stage's deployed queues (`Kontakt-<stage>-<queue>`) with the usual AWS credential
 * chain and region.
 */
import { parseArgs } from 'node:util';
import { GetQueueUrlCommand, SQSClient } from '@aws-sdk/client-sqs';
import { localAwsEnv } from '../local/services.ts';
import { dlqName, type QueueName, queueNames } from '../manifest.ts';
import { redriveQueue } from './redrive-queue.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { aws: { type: 'boolean', default: false }, stage: { type: 'string' } },
});
const queue = queueNames.find((q): q is QueueName => q === positionals[0]);
if (!queue || (values.aws && !values.stage)) {
  console.error(
    `usage: npm run redrive -- <queue> [--aws --stage <stage>]\nqueues: ${queueNames.join(', ')}${values.aws && !values.stage ? '\n--aws needs the stage whose queues to redrive' : ''}`,
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

const result = await redriveQueue(sqs, { dlq: await urlOf(dlqName(queue)), source: await urlOf(queue) });
console.log(JSON.stringify({ queue: physical(queue), ...result }));
process.exit(result.failed > 0 ? 1 : 0);

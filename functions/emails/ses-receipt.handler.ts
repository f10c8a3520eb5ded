/** Lambda: invoked asynchronously by the SES receipt rule after its S3 action. */
import middy from '@middy/core';
import type { Context, SESEvent } from 'aws-lambda';
import * as z from 'zod/mini';
import { initDeferred } from '../../domain/shared/deferred-init.ts';
import { mailBucketEnv, mailDomainEnv, queueUrlEnv, readEnv } from '../shared/env.ts';
import { createQueuePublisher } from '../shared/queue-publisher.ts';
import { createSqsClient } from '../shared/sqs-client.ts';
import { inboundMailPrefix } from './mail-bucket.ts';
import { handleSesReceipt } from './ses-receipt.ts';

const env = readEnv(z.object({ ...queueUrlEnv('inbound-email'), ...mailBucketEnv, ...mailDomainEnv }));

const receive = handleSesReceipt({
  publisher: createQueuePublisher(createSqsClient()),
  inboundEmailQueueUrl: env.QUEUE_URL_INBOUND_EMAIL,
  mailBucket: env.MAIL_BUCKET,
  prefix: inboundMailPrefix,
  mailDomain: env.MAIL_DOMAIN,
});

export const handler = middy<SESEvent, void, Error, Context>().handler(async (event) => {
  await initDeferred();
  return receive(event);
});

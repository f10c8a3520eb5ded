/** Lambda: invoked asynchronously by the SES receipt rule after its S3 action. */
import middy from '@middy/core';
import type { Context, SESEvent } from 'aws-lambda';
import * as z from 'zod/mini';
import { initDeferred } from '../../domain/shared/deferred-init.ts';
import { lambdaKeys, withCorrelation } from '../shared/correlation.ts';
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

// a received mail's correlation id is its SES message id: it travels on to the email worker and,
// for the service address, to the ticket-mail worker (shared/correlation.ts)
export const handler = middy<SESEvent, void, Error, Context>().handler(async (event, context) => {
  await initDeferred();
  const sesMessageId = event.Records[0]?.ses.mail.messageId ?? context.awsRequestId;
  return withCorrelation(sesMessageId, () => receive(event), lambdaKeys(context));
});

/** Lambda: consumes the inbound-email queue. */
import * as z from 'zod/mini';
import { EmailReceivedV1 } from '../../events/email-received.v1.ts';
import { createDocumentClient } from '../shared/dynamodb-client.ts';
import { readEnv, tableEnv } from '../shared/env.ts';
import { createS3Client } from '../shared/s3-client.ts';
import { sqsHandler } from '../shared/sqs.ts';
import { createEmailRepository } from './email.repository.ts';
import { createMailStore } from './mail-store.ts';
import { processEmail } from './process-email.ts';

const env = readEnv(z.object(tableEnv));

export const handler = sqsHandler(
  EmailReceivedV1,
  processEmail({
    emails: createEmailRepository(createDocumentClient(), env.TABLE_NAME),
    mail: createMailStore(createS3Client()),
    now: () => new Date(),
  }),
);

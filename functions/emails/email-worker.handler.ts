/** Lambda: consumes the inbound-email queue. */
import * as z from 'zod/mini';
import { EmailReceivedV1 } from '../../events/email-received.v1.ts';
import { createDocumentClient } from '../shared/dynamodb-client.ts';
import { queueUrlEnv, readEnv, tableEnv } from '../shared/env.ts';
import { createQueuePublisher } from '../shared/queue-publisher.ts';
import { createS3Client } from '../shared/s3-client.ts';
import { sqsHandler } from '../shared/sqs.ts';
import { createSqsClient } from '../shared/sqs-client.ts';
import { createEmailRepository } from './email.repository.ts';
import { judgeEmail } from './judge-email.ts';
import { createMailDirectory } from './mail-directory.ts';
import { createMailStore } from './mail-store.ts';
import { processEmail } from './process-email.ts';
import { mailJudgeEnv, recordAddressKeyLoader } from './record-address-key.ts';

const env = readEnv(
  z.object({
    ...tableEnv,
    ...mailJudgeEnv,
    ...queueUrlEnv('ticket-mail'),
  }),
);
const doc = createDocumentClient();
const publisher = createQueuePublisher(createSqsClient());

export const handler = sqsHandler(
  EmailReceivedV1,
  processEmail({
    emails: createEmailRepository(doc, env.TABLE_NAME),
    mail: createMailStore(createS3Client()),
    judge: judgeEmail({
      directory: createMailDirectory(doc, env.TABLE_NAME),
      recordAddressKey: recordAddressKeyLoader(env),
      mailDomain: env.MAIL_DOMAIN,
      serviceLocalPart: env.SERVICE_LOCAL_PART,
    }),
    ticketMail: { publish: (event) => publisher.publish(env.QUEUE_URL_TICKET_MAIL, event) },
    now: () => new Date(),
  }),
);

/** Lambda: consumes the inbound-email queue. */
import * as z from 'zod/mini';
import { EmailReceivedV1 } from '../../events/email-received.v1.ts';
import { createDocumentClient } from '../shared/dynamodb-client.ts';
import { mailDomainEnv, readEnv, tableEnv } from '../shared/env.ts';
import { createS3Client } from '../shared/s3-client.ts';
import { sqsHandler } from '../shared/sqs.ts';
import { createEmailRepository } from './email.repository.ts';
import { judgeEmail } from './judge-email.ts';
import { createMailDirectory } from './mail-directory.ts';
import { createMailStore } from './mail-store.ts';
import { processEmail } from './process-email.ts';
import { recordAddressKeyEnv, recordAddressKeyLoader } from './record-address-key.ts';

const env = readEnv(z.object({ ...tableEnv, ...mailDomainEnv, ...recordAddressKeyEnv }));
const doc = createDocumentClient();

export const handler = sqsHandler(
  EmailReceivedV1,
  processEmail({
    emails: createEmailRepository(doc, env.TABLE_NAME),
    mail: createMailStore(createS3Client()),
    judge: judgeEmail({
      directory: createMailDirectory(doc, env.TABLE_NAME),
      recordAddressKey: recordAddressKeyLoader(env),
      mailDomain: env.MAIL_DOMAIN,
    }),
    now: () => new Date(),
  }),
);

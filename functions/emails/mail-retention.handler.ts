/** Lambda (daily): erases received mail whose retention for its status is over (domain/emails/mail-retention.ts). */

import type { Context } from 'aws-lambda';
import * as z from 'zod/mini';
import { checkedMailRetention } from '../../domain/emails/mail-retention.ts';
import { initDeferred } from '../../domain/shared/deferred-init.ts';
import { scheduledRun } from '../shared/correlation.ts';
import { createDocumentClient } from '../shared/dynamodb-client.ts';
import { mailBucketEnv, readEnv, tableEnv } from '../shared/env.ts';
import { logger } from '../shared/logger.ts';
import { createS3Client } from '../shared/s3-client.ts';
import { createEmailRepository } from './email.repository.ts';
import { expireMail } from './expire-mail.ts';
import { createMailStore } from './mail-store.ts';

const whole = z.optional(z.coerce.number());
const env = readEnv(
  z.object({
    ...tableEnv,
    ...mailBucketEnv,
    MAIL_RETENTION_LINKED_YEARS: whole,
    MAIL_RETENTION_UNLINKED_DAYS: whole,
    MAIL_RETENTION_QUARANTINED_DAYS: whole,
  }),
);
const retention = checkedMailRetention({
  ...(env.MAIL_RETENTION_LINKED_YEARS === undefined ? {} : { linkedYears: env.MAIL_RETENTION_LINKED_YEARS }),
  ...(env.MAIL_RETENTION_UNLINKED_DAYS === undefined ? {} : { unlinkedDays: env.MAIL_RETENTION_UNLINKED_DAYS }),
  ...(env.MAIL_RETENTION_QUARANTINED_DAYS === undefined
    ? {}
    : { quarantinedDays: env.MAIL_RETENTION_QUARANTINED_DAYS }),
});
const emails = createEmailRepository(createDocumentClient(), env.TABLE_NAME);
const objects = createMailStore(createS3Client());

export const handler = async (_event: unknown, context: Context): Promise<void> =>
  scheduledRun(context, async () => {
    await initDeferred();
    const report = await expireMail({
      emails,
      objects,
      bucket: env.MAIL_BUCKET,
      retention,
      now: () => new Date(),
      remainingMs: () => context.getRemainingTimeInMillis(),
    })();
    logger.info('mail retention swept', { ...report });
  });

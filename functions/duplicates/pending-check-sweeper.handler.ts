/** Lambda: scheduled every minute; re-requests duplicate checks still pending after the grace period. */

import type { Context } from 'aws-lambda';
import * as z from 'zod/mini';
import { initDeferred } from '../../domain/shared/deferred-init.ts';
import { createInboxEntryRepository } from '../inbox/inbox-entry.repository.ts';
import { scheduledRun } from '../shared/correlation.ts';
import { createDocumentClient } from '../shared/dynamodb-client.ts';
import { queueUrlEnv, readEnv, tableEnv } from '../shared/env.ts';
import { createQueuePublisher } from '../shared/queue-publisher.ts';
import { createSqsClient } from '../shared/sqs-client.ts';
import { defaultGraceSeconds, sweepPendingChecks } from './sweep-pending-checks.ts';

const env = readEnv(
  z.object({
    ...tableEnv,
    ...queueUrlEnv('duplicate-check'),
    PENDING_CHECK_GRACE_SECONDS: z._default(z.coerce.number().check(z.int(), z.nonnegative()), defaultGraceSeconds),
    PENDING_CHECK_RESWEEP_SECONDS: z.coerce.number().check(z.int(), z.positive()),
    PENDING_CHECK_MAX_FAILURES: z.coerce.number().check(z.int(), z.positive()),
  }),
);
const deps = {
  inbox: createInboxEntryRepository(createDocumentClient(), env.TABLE_NAME),
  publisher: createQueuePublisher(createSqsClient()),
  duplicateCheckQueueUrl: env.QUEUE_URL_DUPLICATE_CHECK,
  graceSeconds: env.PENDING_CHECK_GRACE_SECONDS,
  resweepSeconds: env.PENDING_CHECK_RESWEEP_SECONDS,
  maxFailures: env.PENDING_CHECK_MAX_FAILURES,
  now: () => new Date(),
};

export const handler = async (_event?: unknown, context?: Context) =>
  scheduledRun(context, async () => {
    await initDeferred();
    return sweepPendingChecks(deps);
  });

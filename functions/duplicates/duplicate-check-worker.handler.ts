/** Lambda: consumes the duplicate-check queue. */
import * as z from 'zod/mini';
import { LeadReceivedV1 } from '../../events/lead-received.v1.ts';
import { createInboxEntryRepository } from '../inbox/inbox-entry.repository.ts';
import { createDocumentClient } from '../shared/dynamodb-client.ts';
import { readEnv, tableEnv } from '../shared/env.ts';
import { sqsHandler } from '../shared/sqs.ts';
import { checkDuplicates } from './check-duplicates.ts';
import { tableCandidateFinder } from './find-candidates.ts';

const env = readEnv(z.object(tableEnv));
const doc = createDocumentClient();

export const handler = sqsHandler(
  LeadReceivedV1,
  checkDuplicates({
    inbox: createInboxEntryRepository(doc, env.TABLE_NAME),
    findCandidates: tableCandidateFinder(doc, env.TABLE_NAME),
    now: () => new Date(),
  }),
);

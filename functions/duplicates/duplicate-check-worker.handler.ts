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
  // Store first, index next: the check is background work and must not compete with intake for the
  // table's throughput (on-demand capacity and the hot lookup partitions are shared). One record at
  // a time bounds an instance to one check's requests in flight; the poller's maximum concurrency
  // (duplicates.module.ts) sets how many checks run at once. Two leads of one batch are also
  // checked in order, the second after the first is indexed.
  { oneAtATime: true },
);

/** Lambda: consumes the duplicate-check queue. */
import * as z from 'zod/mini';
import { LeadReceivedV1 } from '../../events/lead-received.v1.ts';
import { createInboxEntryRepository } from '../inbox/inbox-entry.repository.ts';
import { createDocumentClient } from '../shared/dynamodb-client.ts';
import { readEnv, tableEnv } from '../shared/env.ts';
import { sqsHandler } from '../shared/sqs.ts';
import { createBatchIndexer } from './batch-indexing.ts';
import { checkDuplicates, indexBatch } from './check-duplicates.ts';
import { tableCandidateFinder } from './find-candidates.ts';

const env = readEnv(z.object(tableEnv));
const doc = createDocumentClient();

const deps = {
  inbox: createInboxEntryRepository(doc, env.TABLE_NAME),
  findCandidates: tableCandidateFinder(doc, env.TABLE_NAME),
  now: () => new Date(),
};
/** entries the batch step indexed, which their checks then do not index again (each check takes its own out) */
const indexed = new Map<string, number>();

export const handler = sqsHandler(
  LeadReceivedV1,
  checkDuplicates(deps, indexed),
  // Store first, index next: the check is background work and must not compete with intake for the
  // table's throughput (on-demand capacity and the hot lookup partitions are shared). The batch's
  // entries are indexed together first (one transaction for up to 100 items, not one per entry);
  // then one record at a time, which bounds an instance to one check's requests in flight; the
  // poller's maximum concurrency (duplicates.module.ts) sets how many checks run at once. Two leads
  // of one batch are also checked in order, and each finds the other.
  {
    oneAtATime: true,
    beforeRecords: indexBatch({ ...deps, indexMany: createBatchIndexer(doc, env.TABLE_NAME) }, indexed),
  },
);

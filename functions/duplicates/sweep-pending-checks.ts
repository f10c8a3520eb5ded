/**
 * The guarantee that no stored entry stays unchecked: every check still pending after the grace
 * period is requested again, and again after each request has had the queue's whole retry window
 * (receives × visibility timeout). A check is given up on (marked `failed`, so a person sees it)
 * only when the worker itself failed on it `maxFailures` times — never merely because the queue
 * is slow — and by then its messages are in the DLQ and the DLQ alarm has fired.
 */

import type { LeadReceivedV1 } from '../../events/lead-received.v1.ts';
import type { InboxEntryRepository } from '../inbox/inbox-entry.repository.ts';
import { logger } from '../shared/logger.ts';
import type { QueuePublisher } from '../shared/queue-publisher.ts';
import { requestDuplicateCheck } from './request-duplicate-check.ts';

export const defaultGraceSeconds = 300;
/** entries handled per run; the next run (a minute later) takes the rest */
export const sweepBatch = 200;

export type SweepDeps = {
  inbox: InboxEntryRepository;
  publisher: QueuePublisher<LeadReceivedV1>;
  duplicateCheckQueueUrl: string;
  graceSeconds: number;
  /** how long a re-request may take before the next one: the queue's retry window */
  resweepSeconds: number;
  /** worker failures on one entry after which its check is given up */
  maxFailures: number;
  now: () => Date;
};

export type SweepResult = { requested: number; failed: number };

export const sweepPendingChecks = async (deps: SweepDeps): Promise<SweepResult> => {
  const now = deps.now();
  const createdBefore = new Date(now.getTime() - deps.graceSeconds * 1000).toISOString();
  const pending = await deps.inbox.listPendingChecks(createdBefore, sweepBatch);
  const result: SweepResult = { requested: 0, failed: 0 };
  const resweepBefore = now.getTime() - deps.resweepSeconds * 1000;
  for (const entry of pending) {
    if (entry.failures >= deps.maxFailures) {
      await deps.inbox.failDuplicateCheck(entry.id, now);
      logger.error('duplicate check given up: the worker kept failing on it', {
        inboxEntryId: entry.id,
        failures: entry.failures,
      });
      result.failed += 1;
      continue;
    }
    if (entry.lastSweptAt !== null && Date.parse(entry.lastSweptAt) > resweepBefore) continue; // still in its window
    await requestDuplicateCheck(deps, entry, now);
    await deps.inbox.recordSweep(entry.id, now);
    result.requested += 1;
  }
  if (pending.length > 0) logger.info('swept pending duplicate checks', { ...result });
  return result;
};

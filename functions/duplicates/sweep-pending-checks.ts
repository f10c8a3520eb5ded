/**
 * The guarantee that no stored entry stays unchecked: every check still pending after the grace
 * period is requested again; one that has been re-requested `maxSweeps` times is marked failed
 * (its messages are in the DLQ by then, and the DLQ alarm has fired) instead of looping forever.
 */
import type { InboxEntryRepository } from '../adapters/inbox-entry.repository.ts';
import type { QueuePublisher } from '../adapters/queue-publisher.ts';
import { logger } from '../shared/logger.ts';

export const defaultGraceSeconds = 300;
export const maxSweeps = 3;
/** entries handled per run; the next run (a minute later) takes the rest */
export const sweepBatch = 200;

export type SweepDeps = {
  inbox: InboxEntryRepository;
  publisher: QueuePublisher;
  duplicateCheckQueueUrl: string;
  graceSeconds: number;
  now: () => Date;
};

export type SweepResult = { requested: number; failed: number };

export const sweepPendingChecks = async (deps: SweepDeps): Promise<SweepResult> => {
  const now = deps.now();
  const createdBefore = new Date(now.getTime() - deps.graceSeconds * 1000).toISOString();
  const pending = await deps.inbox.listPendingChecks(createdBefore, sweepBatch);
  const result: SweepResult = { requested: 0, failed: 0 };
  for (const entry of pending) {
    if (entry.sweeps >= maxSweeps) {
      await deps.inbox.failDuplicateCheck(entry.id, now);
      logger.error('duplicate check given up after repeated requests', { inboxEntryId: entry.id });
      result.failed += 1;
      continue;
    }
    await deps.publisher.publish(deps.duplicateCheckQueueUrl, {
      type: 'lead-received',
      version: 1,
      inboxEntryId: entry.id,
      source: entry.source,
      requestedAt: now.toISOString(),
    });
    await deps.inbox.recordSweep(entry.id);
    result.requested += 1;
  }
  if (pending.length > 0) logger.info('swept pending duplicate checks', { ...result });
  return result;
};

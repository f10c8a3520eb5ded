/** Asks the duplicate-check worker to check an inbox entry (`lead-received` v1). */
import type { InboxEntry } from '../../domain/inbox/inbox-entry.ts';
import type { LeadReceivedV1 } from '../../events/lead-received.v1.ts';
import { logger } from '../shared/logger.ts';
import type { QueuePublisher } from '../shared/queue-publisher.ts';

export type CheckRequester = { publisher: QueuePublisher<LeadReceivedV1>; duplicateCheckQueueUrl: string };

/** The message that asks for an entry's check. */
export const leadReceived = (entry: Pick<InboxEntry, 'id' | 'source'>, now: Date): LeadReceivedV1 => ({
  type: 'lead-received',
  version: 1,
  inboxEntryId: entry.id,
  source: entry.source,
  requestedAt: now.toISOString(),
});

export const requestDuplicateCheck = (
  deps: CheckRequester,
  entry: Pick<InboxEntry, 'id' | 'source'>,
  now: Date,
): Promise<void> => deps.publisher.publish(deps.duplicateCheckQueueUrl, leadReceived(entry, now));

/**
 * The same after a write that already stored the entry: a failed send never fails the request,
 * because the sweeper re-requests every check still pending after its grace period.
 */
export const requestDuplicateCheckAfterStore = (
  deps: CheckRequester,
  entry: Pick<InboxEntry, 'id' | 'source'>,
  now: Date,
): Promise<void> =>
  requestDuplicateCheck(deps, entry, now).catch((error: unknown) => {
    logger.warn('could not request the duplicate check; the sweeper will', { error, inboxEntryId: entry.id });
  });

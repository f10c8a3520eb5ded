/** The duplicate-check worker's use case: find persons, companies and open inbox entries like a new entry, and write the result once. */
import { completedCheck } from '../../domain/duplicates/duplicate-check.ts';
import type { LeadReceivedV1 } from '../../events/index.ts';
import { entryLookups, type InboxEntryRepository } from '../adapters/inbox-entry.repository.ts';
import { logger } from '../shared/logger.ts';
import { allKinds, type FindCandidates } from './find-candidates.ts';

export type CheckDuplicatesDeps = { inbox: InboxEntryRepository; findCandidates: FindCandidates; now: () => Date };

export const checkDuplicates =
  (deps: CheckDuplicatesDeps) =>
  async (message: LeadReceivedV1): Promise<void> => {
    const found = await deps.inbox.getForCheck(message.inboxEntryId);
    if (!found) {
      // An entry that is gone (erased on request) needs no check; retrying would not bring it back.
      logger.warn('inbox entry not found; nothing to check', { inboxEntryId: message.inboxEntryId });
      return;
    }
    const { entry, checkRevision } = found;
    if (entry.duplicateCheck.status !== 'pending') return; // redelivered: already done
    try {
      const candidates = await deps.findCandidates(entryLookups(entry), {
        kinds: allKinds,
        exclude: { kind: 'inboxEntry', id: entry.id },
      });
      await deps.inbox.completeDuplicateCheck(entry.id, completedCheck(candidates, deps.now()), checkRevision);
    } catch (error) {
      // counted so the sweeper can tell a check that keeps failing from one waiting in a slow queue
      await deps.inbox.recordCheckFailure(entry.id).catch(() => undefined);
      throw error;
    }
  };

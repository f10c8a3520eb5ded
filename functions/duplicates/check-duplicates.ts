/** The duplicate-check worker's use case: find existing persons for a new entry and write the result once. */
import { completedCheck, emailMatches } from '../../domain/duplicates/duplicate-check.ts';
import type { LeadReceivedV1 } from '../../events/index.ts';
import type { InboxEntryRepository } from '../adapters/inbox-entry.repository.ts';
import type { PersonRepository } from '../adapters/person.repository.ts';
import { logger } from '../shared/logger.ts';

export type CheckDuplicatesDeps = { inbox: InboxEntryRepository; persons: PersonRepository; now: () => Date };

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
      const personIds = entry.contact.email ? await deps.persons.findIdsByEmail(entry.contact.email) : [];
      await deps.inbox.completeDuplicateCheck(
        entry.id,
        completedCheck(emailMatches(personIds), deps.now()),
        checkRevision,
      );
    } catch (error) {
      // counted so the sweeper can tell a check that keeps failing from one waiting in a slow queue
      await deps.inbox.recordCheckFailure(entry.id).catch(() => undefined);
      throw error;
    }
  };

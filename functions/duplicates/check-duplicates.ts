/** The duplicate-check worker's use case: find persons, companies and open inbox entries like a new entry, and write the result once. */
import { completedCheck } from '../../domain/duplicates/duplicate-check.ts';
import type { LeadReceivedV1 } from '../../events/lead-received.v1.ts';
import { entryLookups, type InboxEntryRepository } from '../inbox/inbox-entry.repository.ts';
import { UnknownRecordError } from '../shared/sqs.ts';
import { allKinds, type FindCandidates } from './find-candidates.ts';

export type CheckDuplicatesDeps = { inbox: InboxEntryRepository; findCandidates: FindCandidates; now: () => Date };

export const checkDuplicates =
  (deps: CheckDuplicatesDeps) =>
  async (message: LeadReceivedV1): Promise<void> => {
    const found = await deps.inbox.getForCheck(message.inboxEntryId);
    // Entries are stored before their check is requested: a message about an unknown one is
    // dead-lettered (where its alarm shows it), never dropped quietly.
    if (!found) throw new UnknownRecordError(`no inbox entry ${message.inboxEntryId}`);
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

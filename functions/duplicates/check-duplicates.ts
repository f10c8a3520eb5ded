/**
 * The duplicate-check worker's use case. The request stored the entry alone; the worker indexes it
 * (its search and lookup items, as the entry is now), then finds persons, companies and open inbox
 * entries like it with strongly consistent lookup reads, writes the result once, and adds the entry
 * to the candidates of earlier entries it found whose check is done, so two leads of one person find
 * each other whichever was checked first.
 */
import { completedCheck } from '../../domain/duplicates/duplicate-check.ts';
import type { LeadReceivedV1 } from '../../events/lead-received.v1.ts';
import { entryLookups, type InboxEntryRepository } from '../inbox/inbox-entry.repository.ts';
import { countMetric, metricNames } from '../shared/metrics.ts';
import { UnknownRecordError } from '../shared/sqs.ts';
import type { IndexMany } from './batch-indexing.ts';
import { allKinds, type FindCandidates } from './find-candidates.ts';

export type CheckDuplicatesDeps = { inbox: InboxEntryRepository; findCandidates: FindCandidates; now: () => Date };

/** Entries a batch indexed together, by id, with the version they were indexed at (the worker's own checks skip their indexing). */
export type IndexedVersions = Map<string, number>;

/**
 * The batch's first step: reads its entries (strongly consistent) and indexes those whose check is
 * pending in as few transactions as hold them, one commit for the batch instead of one per entry,
 * so the checks that follow, one at a time, write less while intake goes on. What it could not
 * index (an entry changed meanwhile, a transaction refused) each check indexes itself.
 */
export const indexBatch =
  (deps: Pick<CheckDuplicatesDeps, 'inbox'> & { indexMany: IndexMany }, indexed: IndexedVersions) =>
  async (messages: readonly LeadReceivedV1[]): Promise<void> => {
    const ids = [...new Set(messages.map((m) => m.inboxEntryId))];
    if (ids.length < 2) return;
    const pending = (await deps.inbox.getManyForCheck(ids)).filter((e) => e.duplicateCheck.status === 'pending');
    const done = await deps.indexMany(pending);
    for (const entry of pending) if (done.has(entry.id)) indexed.set(entry.id, entry.version);
  };

/** Reads of an entry that kept changing between the read and the indexing before the worker gives the message back. */
const indexAttempts = 5;

export const checkDuplicates =
  (deps: CheckDuplicatesDeps, indexed: IndexedVersions = new Map()) =>
  async (message: LeadReceivedV1): Promise<void> => {
    const unknown = () => new UnknownRecordError(`no inbox entry ${message.inboxEntryId}`);
    const indexedAt = indexed.get(message.inboxEntryId);
    indexed.delete(message.inboxEntryId);
    let found = await deps.inbox.getForCheck(message.inboxEntryId);
    // Entries are stored before their check is requested: a message about an unknown one is
    // dead-lettered (where its alarm shows it), never dropped quietly.
    if (!found) throw unknown();
    // done: redelivered, indexed and checked already; failed: given up, but a redriven message still indexes it
    if (found.entry.duplicateCheck.status === 'done') return;
    try {
      // indexed with its batch, at the version read now: its items are what indexing now would write
      for (let attempt = 1; indexedAt !== found.entry.version; attempt += 1) {
        if ((await deps.inbox.index(found.entry)) === 'indexed') break;
        if (attempt >= indexAttempts)
          throw new Error(`inbox entry ${message.inboxEntryId} kept changing while indexed`);
        found = await deps.inbox.getForCheck(message.inboxEntryId);
        if (!found) throw unknown();
      }
      const { entry, checkRevision } = found;
      if (entry.duplicateCheck.status !== 'pending') return;
      const candidates = await deps.findCandidates(
        entryLookups(entry),
        { kinds: allKinds, exclude: { kind: 'inboxEntry', id: entry.id } },
        { consistent: true },
      );
      // before the entry's own result: a redelivery after a crash in between adds them again, once
      for (const candidate of candidates.filter((c) => c.kind === 'inboxEntry')) {
        await deps.inbox.addFoundBy(candidate.id, { ...candidate, kind: 'inboxEntry', id: entry.id });
      }
      const completed = await deps.inbox.completeDuplicateCheck(
        entry.id,
        completedCheck(candidates, deps.now()),
        checkRevision,
      );
      const outcome = candidates.some((c) => c.level === 'match')
        ? 'match'
        : candidates.some((c) => c.level === 'possible')
          ? 'possible'
          : 'none';
      // counted once: a redelivery racing this one finds the check done and completes nothing
      if (completed) countMetric(metricNames.duplicateChecks, 1, { outcome });
    } catch (error) {
      // counted so the sweeper can tell a check that keeps failing from one waiting in a slow queue
      await deps.inbox.recordCheckFailure(message.inboxEntryId).catch(() => undefined);
      throw error;
    }
  };

/**
 * A chunk of imported rows stored at batch speed: entries written with BatchWriteItem in parallel,
 * indexing, duplicate checks and the rows' guards left to the duplicate-check worker (one
 * `lead-received` message per new entry, ten per SendMessageBatch), as every intake channel's
 * "store first, index next".
 *
 * BatchWriteItem has no conditions, so exactly-once rests on ids and reads instead:
 * - an entry's id is a ULID of the import's creation time whose random part is taken from the
 *   row's hash, so a retried chunk (a crash, a run overtaken) and a row repeated later in the same
 *   file find the entry by its id: it is not written again (its check may have run);
 * - a row whose guard (`IMPORTROW#<hash>`, any import's) exists was imported before and is not
 *   written again. The guard is written by the duplicate-check worker, in the transaction that
 *   indexes the entry (import-row-guard.ts): one item written per row here instead of two, where
 *   the import's speed is decided (written here, the guards took a third of the import's time;
 *   reading a row's entry besides its guard costs little), and a guard is never written before its
 *   entry.
 * A row imported again before the first import's entry of it was indexed (until the first import's
 * checks have run: seconds to minutes after it, behind whatever backlog the check queue holds; never
 * for a check the sweeper gave up on) finds no guard and is stored twice; each twin's duplicate
 * check shows the other as its match, and the twin indexed first keeps the guard.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { encodeTime } from 'ulid';
import { type Contact, createInboxEntry } from '../../domain/inbox/inbox-entry.ts';
import { type CheckRequester, leadReceived } from '../duplicates/request-duplicate-check.ts';
import { inboxEntries } from '../inbox/inbox-entry.entity.ts';
import { LeadGuardRecord } from '../inbox/lead-guard.entity.ts';
import { logger } from '../shared/logger.ts';
import { publishAll } from '../shared/queue-publisher.ts';
import { createStore, type WriteRequest } from '../shared/store.ts';
import { importedRows } from './import.entity.ts';
import { importedRowOrigin } from './import-row-guard.ts';

export type ImportBatchDeps = CheckRequester & {
  doc: DynamoDBDocumentClient;
  tableName: string;
  now: () => Date;
  /** batch requests in flight at once */
  concurrency: number;
};

export type ImportedRow = {
  row: number;
  hash: string;
  contact: Contact;
  message?: string;
  raw: Record<string, unknown>;
};

/**
 * Where each row went: stored now; stored by a run of this chunk that crashed before its checkpoint
 * (imported then, counted now); or imported before, by another import or earlier in this file
 * (skipped).
 */
export type BatchOutcome = {
  created: { id: string; row: number }[];
  rescued: { id: string; row: number }[];
  taken: { id: string; row: number }[];
};

const crockford = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** A ULID of `at` whose 80 random bits are the first 80 bits of the row's hash (hex). */
export const importRowId = (at: Date, hash: string): string => {
  let bits = BigInt(`0x${hash.slice(0, 20)}`);
  let random = '';
  for (let i = 0; i < 16; i += 1) {
    random = (crockford[Number(bits & 31n)] ?? '0') + random;
    bits >>= 5n;
  }
  return encodeTime(at.getTime(), 10) + random;
};

export const storeImportedRows = async (
  deps: ImportBatchDeps,
  importJob: { id: string; createdAt: string; createdBy: string | null },
  rows: readonly ImportedRow[],
): Promise<BatchOutcome> => {
  const store = createStore(deps.doc, deps.tableName);
  const importedAt = new Date(importJob.createdAt);
  const outcome: BatchOutcome = { created: [], rescued: [], taken: [] };
  // the same row twice in one chunk: the first is stored, the second found stored
  const firstOf = new Map<string, { id: string; row: ImportedRow }>();
  for (const row of rows) {
    const first = firstOf.get(row.hash);
    if (first) outcome.taken.push({ id: first.id, row: row.row });
    else firstOf.set(row.hash, { id: importRowId(importedAt, row.hash), row });
  }
  const unique = [...firstOf.values()];
  // the guards and the entries, a hundred keys per request, requests in parallel within the bound
  const found = await store.getItems(
    [...unique.map(({ row }) => importedRows.key(row.hash)), ...unique.map(({ id }) => inboxEntries.key(id))],
    true,
    deps.concurrency,
  );
  const now = deps.now();
  const entryWrites: WriteRequest[] = [];
  for (const { id, row } of unique) {
    // this row's own entry first: stored by a run of this chunk that crashed before its checkpoint
    // (the row's guard may meanwhile be a twin's), or the same row earlier in the file
    const entryKey = inboxEntries.key(id);
    const stored = found.get(`${entryKey.pk}|${entryKey.sk}`);
    if (stored) {
      const origin = importedRowOrigin(stored.raw);
      if (origin?.importId === importJob.id && origin.row === row.row) outcome.rescued.push({ id, row: row.row });
      else outcome.taken.push({ id, row: row.row });
      continue;
    }
    const guardKey = importedRows.key(row.hash);
    const guard = LeadGuardRecord.safeParse(found.get(`${guardKey.pk}|${guardKey.sk}`));
    if (guard.success) {
      outcome.taken.push({ id: guard.data.inboxEntryId, row: row.row });
      continue;
    }
    const entry = createInboxEntry(
      {
        id,
        source: 'csv',
        priority: 'normal',
        responsibleUserId: null,
        contact: row.contact,
        ...(row.message === undefined ? {} : { message: row.message }),
        raw: row.raw,
        createdBy: importJob.createdBy,
      },
      now,
    );
    entryWrites.push({ put: inboxEntries.item(entry) });
    outcome.created.push({ id, row: row.row });
  }
  await store.writeAll(entryWrites, { concurrency: deps.concurrency });
  // once the entries are stored, their checks are requested (a rescued row's again: the crash may
  // have come before); a message that cannot be sent is no lost lead: the sweeper re-requests every
  // check still pending
  const messages = [...outcome.created, ...outcome.rescued].map(({ id }) => leadReceived({ id, source: 'csv' }, now));
  await publishAll(deps.publisher, deps.duplicateCheckQueueUrl, messages, deps.concurrency).catch((error: unknown) => {
    logger.warn('could not request the duplicate checks of imported rows; the sweeper will', {
      error,
      importId: importJob.id,
    });
  });
  return outcome;
};

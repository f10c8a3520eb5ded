/**
 * A chunk of imported rows stored at batch speed: entries written with BatchWriteItem in parallel,
 * indexing and duplicate checks left to the workers (one `lead-received` message per new entry, ten
 * per SendMessageBatch), as every intake channel's "store first, index next".
 *
 * BatchWriteItem has no conditions, so exactly-once rests on ids and order instead:
 * - an entry's id is a ULID of the import's creation time whose random part is taken from the
 *   row's hash, so a retried chunk (a crash, a run overtaken) finds the entries it wrote;
 * - a row whose guard (`IMPORTROW#<hash>`, any import's) exists is not written again; in the first
 *   chunk of a run, which a crashed run may have stored in part, an entry that exists already is not
 *   written again either (its check may have run): only there are the entries read, so a chunk
 *   reads one key per row, not two;
 * - entries are written before their guards: a crash in between leaves entries without guards,
 *   which the retry finds by id and completes; never a guard without its entry.
 * Two imports of the same rows running at the very same moment can both find no guard and store a
 * row twice; the duplicate check then shows the two entries as each other's match.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { encodeTime } from 'ulid';
import { type Contact, createInboxEntry } from '../../domain/inbox/inbox-entry.ts';
import { type CheckRequester, leadReceived } from '../duplicates/request-duplicate-check.ts';
import { inboxEntries } from '../inbox/inbox-entry.entity.ts';
import { LeadGuardRecord, leadGuardItem } from '../inbox/lead-guard.entity.ts';
import { logger } from '../shared/logger.ts';
import { publishAll } from '../shared/queue-publisher.ts';
import { createStore, type WriteRequest } from '../shared/store.ts';
import { importedRows } from './import.entity.ts';

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

/** Where each row went: stored now (or by a crashed run of this chunk), or found stored before (by its guard). */
export type BatchOutcome = { created: { id: string; row: number }[]; taken: { id: string; row: number }[] };

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
  options: { entriesMayExist: boolean } = { entriesMayExist: true },
): Promise<BatchOutcome> => {
  const store = createStore(deps.doc, deps.tableName);
  const importedAt = new Date(importJob.createdAt);
  const outcome: BatchOutcome = { created: [], taken: [] };
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
    [
      ...unique.map(({ row }) => importedRows.key(row.hash)),
      ...(options.entriesMayExist ? unique.map(({ id }) => inboxEntries.key(id)) : []),
    ],
    true,
    deps.concurrency,
  );
  const now = deps.now();
  const entryWrites: WriteRequest[] = [];
  const guardWrites: WriteRequest[] = [];
  for (const { id, row } of unique) {
    const guardKey = importedRows.key(row.hash);
    const guard = LeadGuardRecord.safeParse(found.get(`${guardKey.pk}|${guardKey.sk}`));
    if (guard.success) {
      outcome.taken.push({ id: guard.data.inboxEntryId, row: row.row });
      continue;
    }
    const entryKey = inboxEntries.key(id);
    if (!found.has(`${entryKey.pk}|${entryKey.sk}`)) {
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
    }
    guardWrites.push({
      put: leadGuardItem(guardKey, importedRows.name, { inboxEntryId: id, createdAt: now.toISOString() }),
    });
    outcome.created.push({ id, row: row.row });
  }
  await store.writeAll(entryWrites, { concurrency: deps.concurrency });
  const messages = outcome.created.map(({ id }) => leadReceived({ id, source: 'csv' }, now));
  // once the entries are stored, their guards and their check requests go out side by side; a
  // message that cannot be sent is no lost lead: the sweeper re-requests every check still pending
  await Promise.all([
    store.writeAll(guardWrites, { concurrency: deps.concurrency }),
    publishAll(deps.publisher, deps.duplicateCheckQueueUrl, messages, deps.concurrency).catch((error: unknown) => {
      logger.warn('could not request the duplicate checks of imported rows; the sweeper will', {
        error,
        importId: importJob.id,
      });
    }),
  ]);
  return outcome;
};

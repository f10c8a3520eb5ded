/**
 * Every intake channel lands here: a lead becomes an inbox entry, stored (with the channel's
 * once-only guard in the same transaction) before anything is acknowledged, then its duplicate
 * check is requested. A guard that is taken means the lead was delivered before: the first entry's
 * id is returned and nothing is stored twice.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ulid } from 'ulid';
import { type Contact, createInboxEntry, type InboxEntry, type Tracking } from '../../domain/inbox/inbox-entry.ts';
import type { Money } from '../../domain/shared/money.ts';
import { type CheckRequester, requestDuplicateCheckAfterStore } from '../duplicates/request-duplicate-check.ts';
import type { Key } from '../shared/entity.ts';
import { retrying } from '../shared/retry.ts';
import { createStore } from '../shared/store.ts';
import { IdempotencyKeyTakenError, type InboxEntryWriter } from './inbox-entry-writer.ts';
import { LeadGuardRecord, leadGuardItem } from './lead-guard.entity.ts';

export type Lead = {
  source: string;
  priority: string;
  responsibleUserId: string | null;
  contact: Contact;
  title?: string;
  message?: string;
  expectedBudget?: Money | null;
  tracking?: Tracking;
  raw: Record<string, unknown>;
  createdBy: string | null;
};

export type IntakeDeps = CheckRequester & {
  inbox: Pick<InboxEntryWriter, 'create'>;
  doc: DynamoDBDocumentClient;
  tableName: string;
  now: () => Date;
};

export type Intake =
  | { status: 'created'; entry: InboxEntry }
  /** `guard`: the index of the guard that was taken */
  | { status: 'duplicate_delivery'; id: string; guard: number };

/**
 * The channel's once-only guard: its natural key (Facebook leadgen id, an agency's externalId, a
 * CSV row's hash) from the channel's guard entity (`defineLeadGuard`) and that entity's name, kept
 * for good, or for `ttlSeconds` when a repeat counts as one only for a while.
 */
export type LeadGuard = { key: Key; entity: string; ttlSeconds?: number };

/** Attempts to store a lead whose guard expired between the write's condition and the read of it. */
const guardAttempts = 3;

/** The guard a write found taken has expired since: it is free again, so the lead is stored anew. */
class GuardFreedError extends Error {
  override readonly name = 'GuardFreedError';
}

const epochSeconds = (at: Date): number => Math.floor(at.getTime() / 1000);

/**
 * Stores a lead. Its guards, written with the entry, make every redelivery a no-op: a taken guard
 * answers `duplicate_delivery` with the first entry's id and which guard it was (`guard`, its index).
 * An expired guard counts as absent (DynamoDB Local never deletes expired items, and AWS only within days).
 */
export const storeLead = async (
  deps: IntakeDeps,
  lead: Lead,
  guard?: LeadGuard | readonly LeadGuard[],
): Promise<Intake> => {
  const guards: readonly LeadGuard[] = guard === undefined ? [] : 'key' in guard ? [guard] : guard;
  const store = createStore(deps.doc, deps.tableName);
  return retrying(
    async (attempt): Promise<Intake> => {
      const now = deps.now();
      const nowEpoch = epochSeconds(now);
      const entry = createInboxEntry({ id: ulid(now.getTime()), ...lead }, now);
      try {
        await deps.inbox.create(
          entry,
          guards.map((g) => ({
            key: g.key,
            record: leadGuardItem(g.key, g.entity, {
              inboxEntryId: entry.id,
              createdAt: now.toISOString(),
              ...(g.ttlSeconds === undefined ? {} : { ttl: nowEpoch + g.ttlSeconds }),
            }),
            nowEpoch,
          })),
        );
      } catch (error) {
        const taken = error instanceof IdempotencyKeyTakenError ? guards[error.guardIndex] : undefined;
        if (!(error instanceof IdempotencyKeyTakenError) || !taken) throw error;
        const stored = LeadGuardRecord.safeParse(await store.getItem(taken.key, { consistent: true }));
        const ttl = stored.success ? stored.data.ttl : undefined;
        if (attempt < guardAttempts && ttl !== undefined && ttl <= epochSeconds(deps.now())) {
          throw new GuardFreedError('the guard expired after the write found it taken', { cause: error });
        }
        if (!stored.success) throw error;
        return { status: 'duplicate_delivery', id: stored.data.inboxEntryId, guard: error.guardIndex };
      }
      await requestDuplicateCheckAfterStore(deps, entry, now);
      return { status: 'created', entry };
    },
    { attempts: guardAttempts, retryable: (error) => error instanceof GuardFreedError },
  );
};

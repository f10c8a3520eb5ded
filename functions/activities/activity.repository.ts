/**
 * Activities in the single table: the record with its list keys (by opportunity, by user and status,
 * the sparse reminder index), its links, whole activity plans written once under a guard, and the
 * reminder job's claim / complete / release.
 */
import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Activity, ActivityStatus } from '../../domain/activities/activity.ts';
import { conflict } from '../../domain/shared/errors.ts';
import {
  contactReferences,
  explainCancellation,
  linkableChecks,
  type RecordRef,
  type Reference,
  referenceWrites,
  type TransactItem,
} from '../contacts/references.ts';
import type { AccessPattern } from '../shared/entity.ts';
import { createStore } from '../shared/store.ts';
import { type ActivityPlanRun, activities, activityPlanRunItem, reminderIndexAttributes } from './activity.entity.ts';

const ref = (id: string): RecordRef => ({ kind: 'ACT', id });

/**
 * Links that merges move (persons, companies) get reference items. The opportunity link needs none:
 * opportunities are never merged, and an opportunity's activities are listed by their own index; it
 * is still checked to exist. That keeps a plan of 50 activities within one transaction.
 */
const movableLinks = (activity: Activity): Reference[] => contactReferences(activity);

const checkedLinks = (activity: Activity): Reference[] => [
  ...(activity.opportunityId
    ? [{ target: { kind: 'OPP' as const, id: activity.opportunityId }, field: 'opportunityId' }]
    : []),
  ...(activity.ticketId ? [{ target: { kind: 'TIC' as const, id: activity.ticketId }, field: 'ticketId' }] : []),
  ...movableLinks(activity),
];

export type ActivityPage = { items: Activity[]; nextCursor: string | null };

export type ParentListOptions = {
  dueFrom?: string | undefined;
  dueTo?: string | undefined;
  limit?: number;
  cursor?: string | undefined;
};

export type PlanRun = { runHash: string; opportunityId: string; pipelineId: string; startDate: string };

/** The reminder index's key attributes, as an update expression names them. */
const reminderNames = { '#duePk': reminderIndexAttributes.pk, '#dueSk': reminderIndexAttributes.sk };

export const createActivityRepository = (doc: DynamoDBDocumentClient, tableName: string) => {
  const store = createStore(doc, tableName);
  const created = (activity: Activity): TransactItem =>
    activities.put(tableName, activity, { expression: 'attribute_not_exists(pk)' });

  /** One existence check per linked record, however many activities of the transaction point at it. */
  const checksFor = (list: readonly Activity[]): TransactItem[] => {
    const seen = new Set<string>();
    return linkableChecks(tableName, [], list.flatMap(checkedLinks)).filter((check) => {
      const key = `${String(check.ConditionCheck?.Key?.pk)}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  };

  /** Turns a cancelled transaction into what the client did wrong (a missing link), or a conflict to retry. */
  const explain = (error: unknown, items: TransactItem[], links: Reference[], staleDetail: string): never =>
    explainCancellation(error, {
      items,
      links,
      onRecordCondition: () => {
        throw conflict('stale-version', staleDetail);
      },
      conflictDetail: 'the activity or a record it links is being changed; retry',
    });

  const query = async (
    pattern: AccessPattern,
    page: { limit: number; cursor?: string | undefined },
  ): Promise<ActivityPage> => store.query(activities, pattern, page);

  /** The activities of one opportunity or ticket, chronological, within an optional due window. */
  const listOf = (
    patternOf: (id: string, due: { from?: string | undefined; to?: string | undefined }) => AccessPattern,
    id: string,
    options: ParentListOptions,
  ): Promise<ActivityPage> =>
    query(patternOf(id, { from: options.dueFrom, to: options.dueTo }), {
      limit: options.limit ?? 100,
      cursor: options.cursor,
    });

  return {
    async create(activity: Activity): Promise<void> {
      const links = movableLinks(activity);
      const items: TransactItem[] = [
        created(activity),
        ...referenceWrites(tableName, ref(activity.id), [], links),
        ...checksFor([activity]),
      ];
      try {
        await store.transact(items);
      } catch (error) {
        explain(error, items, checkedLinks(activity), `activity ${activity.id} exists already`);
      }
    },

    /**
     * Every activity of one plan run and the run's guard in one transaction: a second run with the
     * same hash finds the guard and writes nothing. At most 50 activities (pipelines allow no more).
     */
    async createPlan(plan: readonly Activity[], run: PlanRun): Promise<{ created: boolean }> {
      const guard: ActivityPlanRun = {
        opportunityId: run.opportunityId,
        pipelineId: run.pipelineId,
        startDate: run.startDate,
        activityIds: plan.map((a) => a.id),
      };
      const items: TransactItem[] = [
        {
          Put: {
            TableName: tableName,
            Item: activityPlanRunItem(run.runHash, guard),
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
        ...plan.flatMap((activity) => [
          created(activity),
          ...referenceWrites(tableName, ref(activity.id), [], movableLinks(activity)),
        ]),
        ...checksFor(plan),
      ];
      if (items.length > 100) throw new Error(`a plan of ${plan.length} activities does not fit one transaction`);
      try {
        await store.transact(items);
        return { created: true };
      } catch (error) {
        if (
          error instanceof TransactionCanceledException &&
          error.CancellationReasons?.[0]?.Code === 'ConditionalCheckFailed'
        ) {
          return { created: false };
        }
        return explain(error, items, plan.flatMap(checkedLinks), 'the plan run exists already');
      }
    },

    get: (id: string): Promise<Activity | null> => store.get(activities, activities.key(id), { consistent: true }),

    /** Writes a changed activity if nobody changed it since `previous`; 409 `stale-version` otherwise. */
    async update(previous: Activity, next: Activity): Promise<void> {
      const before = movableLinks(previous);
      const after = movableLinks(next);
      const items: TransactItem[] = [
        activities.put(tableName, next, {
          expression: 'version = :expected',
          values: { ':expected': previous.version },
        }),
        ...referenceWrites(tableName, ref(next.id), before, after),
        ...linkableChecks(tableName, before, after),
      ];
      try {
        await store.transact(items);
      } catch (error) {
        explain(
          error,
          items,
          after,
          `activity ${next.id} has changed since version ${previous.version}; read it again`,
        );
      }
    },

    /** An opportunity's activities, chronological; `dueFrom`/`dueTo` are ISO times (inclusive). */
    listByOpportunity: (opportunityId: string, options: ParentListOptions = {}): Promise<ActivityPage> =>
      listOf(activities.patterns.byOpportunity, opportunityId, options),

    /** A ticket's activities, chronological; `dueFrom`/`dueTo` are ISO times (inclusive). */
    listByTicket: (ticketId: string, options: ParentListOptions = {}): Promise<ActivityPage> =>
      listOf(activities.patterns.byTicket, ticketId, options),

    /** A user's activities of one status (open unless asked), by due time. */
    listByResponsible(
      userId: string,
      options: {
        status?: ActivityStatus | undefined;
        dueFrom?: string | undefined;
        dueTo?: string | undefined;
        limit: number;
        cursor?: string | undefined;
      },
    ): Promise<ActivityPage> {
      const due = { from: options.dueFrom, to: options.dueTo };
      return query(activities.patterns.byResponsible(userId, options.status ?? 'open', due), {
        limit: options.limit,
        cursor: options.cursor,
      });
    },

    /** Open activities due by `now` whose reminder has not fired, oldest first (the sparse index, no Scan). */
    listDue(now: string, limit: number, cursor?: string): Promise<ActivityPage> {
      return query(activities.patterns.awaitingReminder(now), { limit, cursor });
    },

    /**
     * Takes an activity for one reminder: only while it still waits for one at the same due time and
     * nobody else holds a fresh claim. Returns the activity as it is now, or null.
     */
    async claimReminder(activity: Activity, token: string, now: Date, claimSeconds: number): Promise<Activity | null> {
      try {
        const claimed = await store.update(
          activities.key(activity.id),
          {
            expression: 'SET reminderClaim = :token, reminderClaimUntil = :until',
            condition:
              'attribute_exists(#duePk) AND dueAt = :dueAt AND (attribute_not_exists(reminderClaimUntil) OR reminderClaimUntil < :now)',
            names: { '#duePk': reminderNames['#duePk'] },
            values: {
              ':token': token,
              ':until': new Date(now.getTime() + claimSeconds * 1000).toISOString(),
              ':dueAt': activity.dueAt,
              ':now': now.toISOString(),
            },
          },
          { returnNew: true },
        );
        return claimed ? activities.parse(claimed) : null;
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return null;
        throw error;
      }
    },

    /**
     * The reminder went out: flag it and leave the reminder index. Skipped when the activity was done
     * or rescheduled meanwhile (a rescheduled one waits for its new due time). Bumps the version so a
     * PATCH read before cannot bring the reminder back.
     */
    async completeReminder(activity: Activity, now: Date): Promise<boolean> {
      const at = now.toISOString();
      try {
        await store.update(activities.key(activity.id), {
          expression:
            'SET reminderSentAt = :at, updatedAt = :at, version = version + :one REMOVE #duePk, #dueSk, reminderClaim, reminderClaimUntil',
          condition: 'attribute_exists(#duePk) AND dueAt = :dueAt',
          names: reminderNames,
          values: { ':at': at, ':one': 1, ':dueAt': activity.dueAt },
        });
        return true;
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return false;
        throw error;
      }
    },

    /** Sending failed: give the claim back so the next run tries again. */
    async releaseReminder(id: string, token: string): Promise<void> {
      try {
        await store.update(activities.key(id), {
          expression: 'REMOVE reminderClaim, reminderClaimUntil',
          condition: 'reminderClaim = :token',
          values: { ':token': token },
        });
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
    },
  };
};

export type ActivityRepository = ReturnType<typeof createActivityRepository>;

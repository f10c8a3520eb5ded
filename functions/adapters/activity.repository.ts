/**
 * Activities in the single table: the record with its list keys (by opportunity, by user and status,
 * the sparse reminder index), its links, whole activity plans written once under a guard, and the
 * reminder job's claim / complete / release.
 */
import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import * as z from 'zod/mini';
import {
  type Activity,
  type ActivityStatus,
  activityStatuses,
  awaitsReminder,
} from '../../domain/activities/activity.ts';
import { conflict } from '../../domain/shared/errors.ts';
import { decodeCursor, encodeCursor } from '../shared/cursor.ts';
import {
  activitiesByOpportunity,
  activitiesByOpportunityPartition,
  activitiesByResponsible,
  activitiesByResponsiblePartition,
  activityKey,
  activityPlanRunKey,
  dueActivitiesPartition,
  dueActivity,
  entityTags,
  type IndexName,
  type RecordRef,
} from '../shared/table.ts';
import { parseStored } from '../shared/validation.ts';
import { linkableChecks, type Reference, referenceWrites, type TransactItem } from './references.ts';
import { explainCancellation } from './transactions.ts';

const link = z.optional(z.nullable(z.string()));

/** An activity as the API shows it. */
export const ActivitySchema = z.object({
  id: z.string(),
  type: z.string(),
  subject: z.string(),
  dueAt: z.string(),
  durationMinutes: z.number(),
  status: z.enum(activityStatuses),
  doneAt: z.nullable(z.string()),
  responsibleUserId: z.nullable(z.string()),
  opportunityId: z.nullable(z.string()),
  companyId: z.nullable(z.string()),
  personId: z.nullable(z.string()),
  ticketId: z.nullable(z.string()),
  reminderSentAt: z.nullable(z.string()),
  createdAt: z.string(),
  updatedAt: z.string(),
  version: z.number(),
});

/** As stored: a merge that drops a link removes the attribute instead of writing null. */
const StoredActivity = z.object({
  ...ActivitySchema.def.shape,
  doneAt: link,
  responsibleUserId: link,
  opportunityId: link,
  companyId: link,
  personId: link,
  ticketId: link,
  reminderSentAt: link,
});

const parse = (item: unknown): Activity => {
  const stored = parseStored(StoredActivity, item, 'activity');
  return {
    ...stored,
    doneAt: stored.doneAt ?? null,
    responsibleUserId: stored.responsibleUserId ?? null,
    opportunityId: stored.opportunityId ?? null,
    companyId: stored.companyId ?? null,
    personId: stored.personId ?? null,
    ticketId: stored.ticketId ?? null,
    reminderSentAt: stored.reminderSentAt ?? null,
  };
};

const ref = (id: string): RecordRef => ({ kind: 'ACT', id });

/**
 * Links that merges move (persons, companies) get reference items. The opportunity link needs none:
 * opportunities are never merged, and gsi2 already lists an opportunity's activities; it is still
 * checked to exist. That keeps a plan of 50 activities within one transaction.
 */
const movableLinks = (activity: Activity): Reference[] => [
  ...(activity.companyId ? [{ target: { kind: 'COMPANY' as const, id: activity.companyId }, field: 'companyId' }] : []),
  ...(activity.personId ? [{ target: { kind: 'PERSON' as const, id: activity.personId }, field: 'personId' }] : []),
];

const checkedLinks = (activity: Activity): Reference[] => [
  ...(activity.opportunityId
    ? [{ target: { kind: 'OPP' as const, id: activity.opportunityId }, field: 'opportunityId' }]
    : []),
  ...movableLinks(activity),
];

const indexKeys = (activity: Activity): Record<string, string> => ({
  ...(activity.opportunityId ? activitiesByOpportunity(activity.opportunityId, activity.dueAt, activity.id) : {}),
  ...(activity.responsibleUserId
    ? activitiesByResponsible(activity.responsibleUserId, activity.status, activity.dueAt, activity.id)
    : {}),
  ...(awaitsReminder(activity) ? dueActivity(activity.dueAt, activity.id) : {}),
});

export type ActivityPage = { items: Activity[]; nextCursor: string | null };

export type PlanRun = { runHash: string; opportunityId: string; pipelineId: string; startDate: string };

/** The bounds of a time-ordered sort key (`<ISO time>#<id>`), both inclusive; `~` sorts after every id. */
const timeRange = (from: string | undefined, to: string | undefined) => ({
  from: from ?? '0000',
  to: `${to ?? '9999'}~`,
});

export const createActivityRepository = (doc: DynamoDBDocumentClient, tableName: string) => {
  const item = (activity: Activity) => ({
    ...activityKey(activity.id),
    ...indexKeys(activity),
    ...entityTags('activity', 1),
    ...activity,
  });

  /** One existence check per linked record, however many activities of the transaction point at it. */
  const checksFor = (activities: readonly Activity[]): TransactItem[] => {
    const seen = new Set<string>();
    return linkableChecks(tableName, [], activities.flatMap(checkedLinks)).filter((check) => {
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

  const query = async (input: {
    index: IndexName;
    partition: string;
    from?: string | undefined;
    to?: string | undefined;
    limit: number;
    cursor?: string | undefined;
  }): Promise<ActivityPage> => {
    const start = decodeCursor(input.cursor, { index: input.index, partition: input.partition });
    const range = timeRange(input.from, input.to);
    const res = await doc.send(
      new QueryCommand({
        TableName: tableName,
        IndexName: input.index,
        KeyConditionExpression: `${input.index}pk = :pk AND ${input.index}sk BETWEEN :from AND :to`,
        ExpressionAttributeValues: { ':pk': input.partition, ':from': range.from, ':to': range.to },
        Limit: input.limit,
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    return { items: (res.Items ?? []).map(parse), nextCursor: encodeCursor(res.LastEvaluatedKey) };
  };

  return {
    item,

    async create(activity: Activity): Promise<void> {
      const links = movableLinks(activity);
      const items: TransactItem[] = [
        { Put: { TableName: tableName, Item: item(activity), ConditionExpression: 'attribute_not_exists(pk)' } },
        ...referenceWrites(tableName, ref(activity.id), [], links),
        ...checksFor([activity]),
      ];
      try {
        await doc.send(new TransactWriteCommand({ TransactItems: items }));
      } catch (error) {
        explain(error, items, checkedLinks(activity), `activity ${activity.id} exists already`);
      }
    },

    /**
     * Every activity of one plan run and the run's guard in one transaction: a second run with the
     * same hash finds the guard and writes nothing. At most 50 activities (pipelines allow no more).
     */
    async createPlan(activities: readonly Activity[], run: PlanRun): Promise<{ created: boolean }> {
      const items: TransactItem[] = [
        {
          Put: {
            TableName: tableName,
            Item: {
              ...activityPlanRunKey(run.runHash),
              ...entityTags('activity-plan-run', 1),
              opportunityId: run.opportunityId,
              pipelineId: run.pipelineId,
              startDate: run.startDate,
              activityIds: activities.map((a) => a.id),
            },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
        ...activities.flatMap((activity) => [
          {
            Put: { TableName: tableName, Item: item(activity), ConditionExpression: 'attribute_not_exists(pk)' },
          },
          ...referenceWrites(tableName, ref(activity.id), [], movableLinks(activity)),
        ]),
        ...checksFor(activities),
      ];
      if (items.length > 100) throw new Error(`a plan of ${activities.length} activities does not fit one transaction`);
      try {
        await doc.send(new TransactWriteCommand({ TransactItems: items }));
        return { created: true };
      } catch (error) {
        if (
          error instanceof TransactionCanceledException &&
          error.CancellationReasons?.[0]?.Code === 'ConditionalCheckFailed'
        ) {
          return { created: false };
        }
        return explain(error, items, activities.flatMap(checkedLinks), 'the plan run exists already');
      }
    },

    async get(id: string): Promise<Activity | null> {
      const res = await doc.send(new GetCommand({ TableName: tableName, Key: activityKey(id), ConsistentRead: true }));
      return res.Item ? parse(res.Item) : null;
    },

    /** Writes a changed activity if nobody changed it since `previous`; 409 `stale-version` otherwise. */
    async update(previous: Activity, next: Activity): Promise<void> {
      const before = movableLinks(previous);
      const after = movableLinks(next);
      const items: TransactItem[] = [
        {
          Put: {
            TableName: tableName,
            Item: item(next),
            ConditionExpression: 'version = :expected',
            ExpressionAttributeValues: { ':expected': previous.version },
          },
        },
        ...referenceWrites(tableName, ref(next.id), before, after),
        ...linkableChecks(tableName, before, after),
      ];
      try {
        await doc.send(new TransactWriteCommand({ TransactItems: items }));
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
    listByOpportunity(
      opportunityId: string,
      options: {
        dueFrom?: string | undefined;
        dueTo?: string | undefined;
        limit?: number;
        cursor?: string | undefined;
      } = {},
    ): Promise<ActivityPage> {
      return query({
        index: 'gsi2',
        partition: activitiesByOpportunityPartition(opportunityId),
        from: options.dueFrom,
        to: options.dueTo,
        limit: options.limit ?? 100,
        cursor: options.cursor,
      });
    },

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
      return query({
        index: 'gsi1',
        partition: activitiesByResponsiblePartition(userId, options.status ?? 'open'),
        from: options.dueFrom,
        to: options.dueTo,
        limit: options.limit,
        cursor: options.cursor,
      });
    },

    /** Open activities due by `now` whose reminder has not fired, oldest first (the sparse index, no Scan). */
    listDue(now: string, limit: number, cursor?: string): Promise<ActivityPage> {
      return query({ index: 'gsi3', partition: dueActivitiesPartition, to: now, limit, cursor });
    },

    /**
     * Takes an activity for one reminder: only while it still waits for one at the same due time and
     * nobody else holds a fresh claim. Returns the activity as it is now, or null.
     */
    async claimReminder(activity: Activity, token: string, now: Date, claimSeconds: number): Promise<Activity | null> {
      try {
        const res = await doc.send(
          new UpdateCommand({
            TableName: tableName,
            Key: activityKey(activity.id),
            UpdateExpression: 'SET reminderClaim = :token, reminderClaimUntil = :until',
            ConditionExpression:
              'attribute_exists(gsi3pk) AND dueAt = :dueAt AND (attribute_not_exists(reminderClaimUntil) OR reminderClaimUntil < :now)',
            ExpressionAttributeValues: {
              ':token': token,
              ':until': new Date(now.getTime() + claimSeconds * 1000).toISOString(),
              ':dueAt': activity.dueAt,
              ':now': now.toISOString(),
            },
            ReturnValues: 'ALL_NEW',
          }),
        );
        return res.Attributes ? parse(res.Attributes) : null;
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
        await doc.send(
          new UpdateCommand({
            TableName: tableName,
            Key: activityKey(activity.id),
            UpdateExpression:
              'SET reminderSentAt = :at, updatedAt = :at, version = version + :one REMOVE gsi3pk, gsi3sk, reminderClaim, reminderClaimUntil',
            ConditionExpression: 'attribute_exists(gsi3pk) AND dueAt = :dueAt',
            ExpressionAttributeValues: { ':at': at, ':one': 1, ':dueAt': activity.dueAt },
          }),
        );
        return true;
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return false;
        throw error;
      }
    },

    /** Sending failed: give the claim back so the next run tries again. */
    async releaseReminder(id: string, token: string): Promise<void> {
      try {
        await doc.send(
          new UpdateCommand({
            TableName: tableName,
            Key: activityKey(id),
            UpdateExpression: 'REMOVE reminderClaim, reminderClaimUntil',
            ConditionExpression: 'reminderClaim = :token',
            ExpressionAttributeValues: { ':token': token },
          }),
        );
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
    },
  };
};

export type ActivityRepository = ReturnType<typeof createActivityRepository>;

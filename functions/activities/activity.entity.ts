/**
 * Activities in the table: the record with its list keys (by opportunity, by user and status, the
 * sparse reminder index), and the guard that writes an activity plan once per run.
 */
import * as z from 'zod/mini';
import { activityStatuses, awaitsReminder } from '../../domain/activities/activity.ts';
import { type AccessPattern, defineEntity, indexAttributes, onIndex } from '../shared/entity.ts';

/** Sort keys that list by time and stay unique: `<ISO timestamp>#<id>`. */
const timeOrdered = (at: string, id: string): string => `${at}#${id}`;

/** The bounds of a time-ordered sort key, both inclusive; `~` sorts after every id. */
const timeRange = (from: string | undefined, to: string | undefined): AccessPattern['sort'] => ({
  from: from ?? '0000',
  to: `${to ?? '9999'}~`,
});

/** A due-time window of a list: ISO times, both inclusive, either open. */
export type DueWindow = { from?: string | undefined; to?: string | undefined };

const byOpportunityPartition = (opportunityId: string): string => `ACT#OPP#${opportunityId}`;
const byTicketPartition = (ticketId: string): string => `ACT#TIC#${ticketId}`;
const byResponsiblePartition = (userId: string, status: string): string => `ACT#USER#${userId}#${status}`;
const duePartition = 'ACT#DUE';

/** A link a merge may drop: it removes the attribute instead of writing null, so a read finds it absent. */
const link = z._default(z.nullable(z.string()), null);

export const activities = defineEntity({
  name: 'activity',
  version: 1,
  schema: z.lazy(() =>
    z.object({
      id: z.string(),
      type: z.string(),
      subject: z.string(),
      dueAt: z.string(),
      durationMinutes: z.number(),
      status: z.enum(activityStatuses),
      doneAt: link,
      responsibleUserId: link,
      opportunityId: link,
      companyId: link,
      personId: link,
      ticketId: link,
      reminderSentAt: link,
      createdAt: z.string(),
      updatedAt: z.string(),
      version: z.number(),
    }),
  ),
  key: (id: string) => ({ pk: `ACT#${id}`, sk: 'ACT' }),
  keyOf: (activity) => [activity.id],
  indexes: (activity) => [
    // an activity belongs to an opportunity or to a ticket (never both: the use case refuses it)
    activity.opportunityId
      ? {
          index: 'gsi2',
          pk: byOpportunityPartition(activity.opportunityId),
          sk: timeOrdered(activity.dueAt, activity.id),
        }
      : activity.ticketId
        ? { index: 'gsi2', pk: byTicketPartition(activity.ticketId), sk: timeOrdered(activity.dueAt, activity.id) }
        : null,
    // a user's activities of one status: open ones apart, so a to-do list never reads through years of done ones
    activity.responsibleUserId
      ? {
          index: 'gsi1',
          pk: byResponsiblePartition(activity.responsibleUserId, activity.status),
          sk: timeOrdered(activity.dueAt, activity.id),
        }
      : null,
    // sparse: only open activities whose reminder has not been sent, for the reminder job
    awaitsReminder(activity) ? { index: 'gsi3', pk: duePartition, sk: timeOrdered(activity.dueAt, activity.id) } : null,
  ],
  patterns: {
    /** an opportunity's activities, chronological */
    byOpportunity: (opportunityId: string, due: DueWindow = {}) =>
      onIndex('gsi2', byOpportunityPartition(opportunityId), timeRange(due.from, due.to)),
    /** a ticket's activities, chronological */
    byTicket: (ticketId: string, due: DueWindow = {}) =>
      onIndex('gsi2', byTicketPartition(ticketId), timeRange(due.from, due.to)),
    /** a user's activities of one status, by due time */
    byResponsible: (userId: string, status: string, due: DueWindow = {}) =>
      onIndex('gsi1', byResponsiblePartition(userId, status), timeRange(due.from, due.to)),
    /** open activities whose reminder has not been sent, due by `until`, oldest first */
    awaitingReminder: (until: string) => onIndex('gsi3', duePartition, timeRange(undefined, until)),
  },
});

export type ActivityRecord = z.infer<typeof activities.schema>;

/**
 * The attribute names of the reminder index's key: an activity carries them while it awaits its
 * reminder, and the reminder job's claim and completion test and remove them.
 */
export const reminderIndexAttributes = indexAttributes('gsi3');

/**
 * The guard of one activity plan run (opportunity, plan and start date), written with the plan's
 * activities: a second run with the same hash finds it. It is found by the run's hash, which it does
 * not store, so its item is built with the key given apart: `activityPlanRunItem`, never `item()`.
 */
export const activityPlanRuns = defineEntity({
  name: 'activity-plan-run',
  version: 1,
  schema: z.lazy(() =>
    z.object({
      opportunityId: z.string(),
      pipelineId: z.string(),
      startDate: z.string(),
      activityIds: z.array(z.string()),
    }),
  ),
  key: (runHash: string) => ({ pk: `ACTPLAN#${runHash}`, sk: 'ACTPLAN' }),
  keyOf: (): [string] => {
    throw new Error('an activity-plan-run is keyed by the run hash it does not store: use activityPlanRunItem');
  },
});

export type ActivityPlanRun = z.infer<typeof activityPlanRuns.schema>;

export const activityPlanRunItem = (runHash: string, run: ActivityPlanRun): Record<string, unknown> =>
  activityPlanRuns.itemAt(activityPlanRuns.key(runHash), { ...run });

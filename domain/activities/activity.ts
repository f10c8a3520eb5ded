/** Activities (call, email, meeting, task, custom): due times, reschedule, reassign, done; and a pipeline's plan turned into activities on working days. */
import { createHash } from 'node:crypto';
import { addWorkingDays, berlinTime, type Holidays } from '../calendar/working-days.ts';
import { defaultPlanTime, type PlannedActivity } from '../pipelines/pipeline.ts';
import { conflict } from '../shared/errors.ts';
import { once } from '../shared/once.ts';

export const activityStatuses = ['open', 'done'] as const;
export type ActivityStatus = (typeof activityStatuses)[number];

export type Activity = {
  id: string;
  type: string;
  subject: string;
  dueAt: string;
  durationMinutes: number;
  status: ActivityStatus;
  doneAt: string | null;
  /** null only for plan activities of an opportunity nobody is responsible for; they remind nobody */
  responsibleUserId: string | null;
  opportunityId: string | null;
  companyId: string | null;
  personId: string | null;
  ticketId: string | null;
  /** when the reminder fired; null while it has not (or the activity was rescheduled since) */
  reminderSentAt: string | null;
  createdAt: string;
  updatedAt: string;
  version: number;
};

export type NewActivity = {
  type: string;
  subject: string;
  dueAt: string;
  durationMinutes: number;
  responsibleUserId: string | null;
  opportunityId?: string | null;
  companyId?: string | null;
  personId?: string | null;
  ticketId?: string | null;
};

export const createActivity = (id: string, input: NewActivity, now: Date): Activity => {
  const at = now.toISOString();
  return {
    id,
    type: input.type,
    subject: input.subject,
    dueAt: new Date(input.dueAt).toISOString(),
    durationMinutes: input.durationMinutes,
    status: 'open',
    doneAt: null,
    responsibleUserId: input.responsibleUserId,
    opportunityId: input.opportunityId ?? null,
    companyId: input.companyId ?? null,
    personId: input.personId ?? null,
    ticketId: input.ticketId ?? null,
    reminderSentAt: null,
    createdAt: at,
    updatedAt: at,
    version: 1,
  };
};

/** An open activity with someone to remind and no reminder yet waits for its due time (the sparse reminder index). */
export const awaitsReminder = (activity: Activity): boolean =>
  activity.status === 'open' && activity.reminderSentAt === null && activity.responsibleUserId !== null;

export type ActivityPatch = {
  type?: string;
  subject?: string;
  dueAt?: string;
  durationMinutes?: number;
  responsibleUserId?: string;
};

const finished = (activity: Activity, what: string) =>
  conflict('activity-done', `activity ${activity.id} is done; it cannot be ${what} any more`);

/**
 * A done activity is documentation: its type, subject and duration may still be corrected, but it is
 * neither rescheduled nor reassigned. Rescheduling an open one arms its reminder again.
 */
export const patchActivity = (activity: Activity, patch: ActivityPatch, now: Date): Activity => {
  const dueAt = patch.dueAt === undefined ? activity.dueAt : new Date(patch.dueAt).toISOString();
  const rescheduled = dueAt !== activity.dueAt;
  const reassigned = patch.responsibleUserId !== undefined && patch.responsibleUserId !== activity.responsibleUserId;
  if (activity.status === 'done' && rescheduled) throw finished(activity, 'rescheduled');
  if (activity.status === 'done' && reassigned) throw finished(activity, 'reassigned');
  return {
    ...activity,
    type: patch.type ?? activity.type,
    subject: patch.subject ?? activity.subject,
    durationMinutes: patch.durationMinutes ?? activity.durationMinutes,
    responsibleUserId: patch.responsibleUserId ?? activity.responsibleUserId,
    dueAt,
    reminderSentAt: rescheduled ? null : activity.reminderSentAt,
    updatedAt: now.toISOString(),
    version: activity.version + 1,
  };
};

export const rescheduleActivity = (activity: Activity, dueAt: string, now: Date): Activity =>
  patchActivity(activity, { dueAt }, now);

export const reassignActivity = (activity: Activity, responsibleUserId: string, now: Date): Activity =>
  patchActivity(activity, { responsibleUserId }, now);

/** Marking done twice changes nothing: the first `doneAt` stands. */
export const markActivityDone = (activity: Activity, now: Date): Activity => {
  if (activity.status === 'done') return activity;
  const at = now.toISOString();
  return { ...activity, status: 'done', doneAt: at, updatedAt: at, version: activity.version + 1 };
};

/** One activity of a plan, ready to be created. */
export type ScheduledActivity = {
  type: string;
  subject: string;
  dueAt: string;
  durationMinutes: number;
  responsibleUserId: string | null;
};

/**
 * A pipeline's plan from a start date: each offset counted in working days, at the plan's time
 * (09:00 unless it says otherwise) in Europe/Berlin; chronological, activities due at the same
 * moment in plan order. `responsible` is the opportunity's responsible user (or nobody).
 */
export const scheduleActivityPlan = (
  plan: readonly PlannedActivity[],
  startDate: string,
  holidays: Holidays,
  responsibleUserId: string | null,
): ScheduledActivity[] => {
  const listed = new Set(holidays);
  return plan
    .map((planned, order) => ({
      order,
      activity: {
        type: planned.type,
        subject: planned.subject,
        dueAt: berlinTime(addWorkingDays(startDate, planned.offsetDays, listed), planned.time ?? defaultPlanTime),
        durationMinutes: planned.durationMinutes,
        responsibleUserId: planned.assignee === 'responsible' ? responsibleUserId : planned.assignee,
      },
    }))
    .sort((a, b) => a.activity.dueAt.localeCompare(b.activity.dueAt) || a.order - b.order)
    .map(({ activity }) => activity);
};

/**
 * The identity of one scheduling of a plan: the same opportunity, pipeline, plan and start date give
 * the same hash, so a redelivered message or a repeated request schedules nothing twice, while a
 * changed plan or another start date schedules anew.
 */
export const planRunHash = (
  opportunityId: string,
  pipelineId: string,
  plan: readonly PlannedActivity[],
  startDate: string,
): string => {
  const canonical = plan.map((p) => [
    p.type,
    p.subject,
    p.offsetDays,
    p.durationMinutes,
    p.assignee,
    p.time ?? defaultPlanTime,
  ]);
  return createHash('sha256')
    .update(JSON.stringify([opportunityId, pipelineId, startDate, canonical]))
    .digest('hex');
};

const typeNames: Record<string, string> = { call: 'Anruf', email: 'E-Mail', meeting: 'Termin', task: 'Aufgabe' };

const berlinDisplay = once(
  () =>
    new Intl.DateTimeFormat('de-DE', {
      timeZone: 'Europe/Berlin',
      dateStyle: 'medium',
      timeStyle: 'short',
    }),
);

/** The reminder mail's subject and text, in German like the teams that use Kontakt. */
export const reminderMessage = (activity: Activity, recipientName: string): { subject: string; text: string } => {
  const links = [
    activity.opportunityId ? `Opportunity: ${activity.opportunityId}` : null,
    activity.companyId ? `Firma: ${activity.companyId}` : null,
    activity.personId ? `Person: ${activity.personId}` : null,
  ].filter((line) => line !== null);
  return {
    subject: `Erinnerung: ${activity.subject}`,
    text: [
      `Hallo ${recipientName},`,
      '',
      `diese Aktivität ist fällig:`,
      '',
      `${typeNames[activity.type] ?? activity.type}: ${activity.subject}`,
      `Fällig: ${berlinDisplay().format(new Date(activity.dueAt))} (${activity.durationMinutes} Minuten)`,
      ...links,
      '',
      `/v1/activities/${activity.id}`,
    ].join('\n'),
  };
};

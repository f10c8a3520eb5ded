/**
 * The reminder job (every minute): open activities whose due time has come are found through the
 * sparse reminder index, claimed one by one, mailed to their responsible user and flagged. A failed
 * send gives the claim back, so the next run tries again; a claim left by a crashed run goes stale.
 */
import { randomUUID } from 'node:crypto';
import { type Activity, reminderMessage } from '../../domain/activities/activity.ts';
import type { EmailSender } from '../shared/email-sender.ts';
import { errorKind, logger } from '../shared/logger.ts';
import type { UserRepository } from '../users/user.repository.ts';
import type { ActivityRepository } from './activity.repository.ts';

export type ReminderDeps = {
  activities: Pick<ActivityRepository, 'listDue' | 'claimReminder' | 'completeReminder' | 'releaseReminder'>;
  users: Pick<UserRepository, 'findUser'>;
  email: EmailSender;
  /** the From address, e.g. kontakt@crm.example.com */
  sender: string;
  now: () => Date;
};

export type ReminderRun = { sent: number; withoutRecipient: number; failed: number; skipped: number };

/** Due activities read per page, and pages per run: a backlog drains over a few minutes, never in one long run. */
export const reminderPageSize = 100;
const maxPagesPerRun = 5;
/** Longer than one send takes; a run that died holding a claim is retried after this. */
const claimSeconds = 120;

type Outcome = keyof ReminderRun;

const remindOne = async (deps: ReminderDeps, due: Activity, token: string): Promise<Outcome> => {
  const now = deps.now();
  const activity = await deps.activities.claimReminder(due, token, now, claimSeconds);
  // done, rescheduled or reminded since the index was read, or another run has it
  if (!activity?.responsibleUserId) return 'skipped';
  const user = await deps.users.findUser(activity.responsibleUserId);
  if (!user) {
    // nobody to write to: flag it all the same, or it would head the index for ever
    logger.warn('reminder without a recipient', { activityId: activity.id, userId: activity.responsibleUserId });
    await deps.activities.completeReminder(activity, now);
    return 'withoutRecipient';
  }
  try {
    const message = reminderMessage(activity, user.name);
    await deps.email.send({ from: deps.sender, to: user.email, ...message });
  } catch (error) {
    logger.error('reminder could not be sent; the next run retries', {
      error: errorKind(error),
      activityId: activity.id,
    });
    await deps.activities.releaseReminder(activity.id, token);
    return 'failed';
  }
  await deps.activities.completeReminder(activity, deps.now());
  return 'sent';
};

export const sendReminders = (deps: ReminderDeps) => async (): Promise<ReminderRun> => {
  const run: ReminderRun = { sent: 0, withoutRecipient: 0, failed: 0, skipped: 0 };
  const token = randomUUID();
  const until = deps.now().toISOString();
  let cursor: string | undefined;
  for (let page = 0; page < maxPagesPerRun; page += 1) {
    const due = await deps.activities.listDue(until, reminderPageSize, cursor);
    for (const activity of due.items) {
      try {
        run[await remindOne(deps, activity, token)] += 1;
      } catch (error) {
        // one activity's trouble must not keep the others from their reminders
        logger.error('reminder failed', { error: errorKind(error), activityId: activity.id });
        run.failed += 1;
      }
    }
    if (due.nextCursor === null) break;
    cursor = due.nextCursor;
  }
  if (run.sent + run.failed + run.withoutRecipient > 0) logger.info('reminders', { ...run });
  return run;
};

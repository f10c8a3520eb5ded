/**
 * The ticket reminder job (every minute): overdue tickets whose responsible user has not heard of
 * their current due time are read from the reminder partition of the due index and read again
 * strongly consistent; the reminder of that due time for that user is claimed (a guard item: two
 * runs never mail it twice), mailed through the reminder path activities use, and noted on the
 * ticket so it leaves the partition. A failed mail gives the claim back, so the next run tries
 * again; a new due time (a resumed clock, another priority) or another responsible user reminds
 * again. The earliest running due time is the one reminded of: a ticket whose first response is
 * overdue and never given is not reminded again when its resolution falls due as well.
 */
import { isTicketOverdue, nextDueAt, type Ticket, ticketReminderMessage } from '../../domain/tickets/ticket.ts';
import type { EmailSender } from '../shared/email-sender.ts';
import { errorKind, logger } from '../shared/logger.ts';
import type { UserRepository } from '../users/user.repository.ts';
import type { TicketRepository } from './ticket.repository.ts';

export type TicketReminderDeps = {
  tickets: Pick<TicketRepository, 'listToRemind' | 'get' | 'claimReminder' | 'releaseReminder' | 'markReminded'>;
  users: Pick<UserRepository, 'findUser'>;
  email: EmailSender;
  /** the From address, e.g. kontakt@crm.example.com */
  sender: string;
  now: () => Date;
};

export type TicketReminderRun = { sent: number; withoutRecipient: number; failed: number; skipped: number };

/** Tickets per run: a backlog drains over a few minutes, never in one long run. */
export const ticketRemindersPerRun = 200;

const remindOne = async (deps: TicketReminderDeps, read: Ticket): Promise<keyof TicketReminderRun> => {
  const now = deps.now();
  // the index may lag: the ticket as it is now decides
  const ticket = await deps.tickets.get(read.id, { consistent: true });
  const due = ticket ? nextDueAt(ticket) : null;
  if (!ticket || due === null || !isTicketOverdue(ticket, now)) return 'skipped';
  const userId = ticket.responsibleUserId;
  const user = userId ? await deps.users.findUser(userId) : null;
  if (!userId || !user) {
    // nobody to write to: noted all the same, or it would head the partition for ever (a user
    // assigned later clears the note, and is reminded)
    if (userId) logger.warn('ticket reminder without a recipient', { ticketId: ticket.id, userId });
    await deps.tickets.markReminded(ticket, due);
    return 'withoutRecipient';
  }
  if (!(await deps.tickets.claimReminder(ticket.id, due, userId, now))) {
    await deps.tickets.markReminded(ticket, due);
    return 'skipped';
  }
  try {
    await deps.email.send({ from: deps.sender, to: user.email, ...ticketReminderMessage(ticket, user.name) });
  } catch (error) {
    logger.error('ticket reminder could not be sent; the next run retries', {
      error: errorKind(error),
      ticketId: ticket.id,
    });
    await deps.tickets.releaseReminder(ticket.id, due, userId);
    return 'failed';
  }
  await deps.tickets.markReminded(ticket, due);
  return 'sent';
};

export const sendTicketReminders = (deps: TicketReminderDeps) => async (): Promise<TicketReminderRun> => {
  const run: TicketReminderRun = { sent: 0, withoutRecipient: 0, failed: 0, skipped: 0 };
  const due = await deps.tickets.listToRemind(deps.now(), ticketRemindersPerRun);
  for (const ticket of due) {
    try {
      run[await remindOne(deps, ticket)] += 1;
    } catch (error) {
      // one ticket's trouble must not keep the others from their reminders
      logger.error('ticket reminder failed', { error: errorKind(error), ticketId: ticket.id });
      run.failed += 1;
    }
  }
  if (run.sent + run.failed + run.withoutRecipient > 0) logger.info('ticket reminders', { ...run });
  return run;
};

/**
 * What the API answers for a ticket and its log: mapped field by field from the domain record, so
 * the stored shape (money in cents, the clocks' inner state, index keys) never leaks into an answer.
 */

import * as z from 'zod/mini';
import type { Activity } from '../../domain/activities/activity.ts';
import type { Email } from '../../domain/emails/email.ts';
import { type Ticket, type TicketUpdate, ticketStatuses } from '../../domain/tickets/ticket.ts';
import { ActivityOut, toActivityResponse } from '../activities/activity-response.ts';
import { EmailOut, toEmailResponse } from '../emails/email-response.ts';
import { MoneyOut, toMoneyResponse } from '../opportunities/opportunity-response.ts';
import type { StoredServiceDesk } from './service-desk.repository.ts';

const nullableString = z.nullable(z.string());

export const TicketUpdateOut = z.lazy(() =>
  z.object({
    id: z.string(),
    at: z.string(),
    /** null: Kontakt itself (an assignment rule, named by `rule`) */
    authorId: nullableString,
    text: z.string(),
    status: z.optional(z.enum(ticketStatuses)),
    rule: z.optional(z.string()),
  }),
);

export const TicketOut = z.object({
  id: z.string(),
  number: z.string(),
  type: z.string(),
  subject: z.string(),
  description: z.string(),
  value: z.nullable(MoneyOut),
  status: z.enum(ticketStatuses),
  priority: z.string(),
  companyId: nullableString,
  personId: nullableString,
  responsibleUserId: nullableString,
  reference: z.nullable(z.object({ kind: z.enum(['order', 'invoice']), number: z.string() })),
  /** the ticket this one follows up, or may follow up (opened from a mail) */
  relatedTo: z.nullable(z.object({ number: z.string(), relation: z.enum(['follow-up', 'possible-follow-up']) })),
  /** when the first response is due; null once given, or while the ticket waits or is solved */
  firstResponseDueAt: nullableString,
  firstResponseAt: nullableString,
  /** when the resolution is due; null while the ticket waits or once it is resolved */
  resolutionDueAt: nullableString,
  resolvedAt: nullableString,
  closedAt: nullableString,
  createdBy: nullableString,
  createdAt: z.string(),
  updatedAt: z.string(),
  version: z.number(),
});

export const TicketWithUpdatesOut = z.extend(TicketOut, { updates: z.array(TicketUpdateOut) });

export const TicketPageOut = z.lazy(() => z.object({ items: z.array(TicketOut), nextCursor: nullableString }));

export const toTicketUpdateResponse = (update: TicketUpdate): z.infer<typeof TicketUpdateOut> => ({
  id: update.id,
  at: update.at,
  authorId: update.authorId,
  text: update.text,
  ...(update.status === undefined ? {} : { status: update.status }),
  ...(update.rule === undefined ? {} : { rule: update.rule }),
});

export const toTicketResponse = (ticket: Ticket): z.infer<typeof TicketOut> => ({
  id: ticket.id,
  number: ticket.number,
  type: ticket.type,
  subject: ticket.subject,
  description: ticket.description,
  value: ticket.value ? toMoneyResponse(ticket.value) : null,
  status: ticket.status,
  priority: ticket.priority,
  companyId: ticket.companyId,
  personId: ticket.personId,
  responsibleUserId: ticket.responsibleUserId,
  reference: ticket.reference,
  relatedTo:
    ticket.relatedTo === null ? null : { number: ticket.relatedTo.number, relation: ticket.relatedTo.relation },
  firstResponseDueAt: ticket.firstResponse.dueAt,
  firstResponseAt: ticket.firstResponse.metAt,
  resolutionDueAt: ticket.resolution.dueAt,
  resolvedAt: ticket.resolvedAt,
  closedAt: ticket.closedAt,
  createdBy: ticket.createdBy,
  createdAt: ticket.createdAt,
  updatedAt: ticket.updatedAt,
  version: ticket.version,
});

export const toTicketWithUpdatesResponse = (
  ticket: Ticket,
  updates: readonly TicketUpdate[],
): z.infer<typeof TicketWithUpdatesOut> => ({
  ...toTicketResponse(ticket),
  updates: updates.map(toTicketUpdateResponse),
});

const TargetOut = z.object({ firstResponseMinutes: z.number(), resolutionMinutes: z.number() });

export const ServiceDeskOut = z.lazy(() =>
  z.object({
    hours: z.object({ timeZone: z.string(), opens: z.string(), closes: z.string() }),
    targets: z.record(z.string(), TargetOut),
    teams: z.array(z.object({ id: z.string(), name: z.string(), memberIds: z.array(z.string()) })),
    assignmentRules: z.array(
      z.object({
        ticketType: z.string(),
        assignTo: z.union([z.object({ userId: z.string() }), z.object({ teamId: z.string() })]),
      }),
    ),
    /** 0 while the defaults apply */
    version: z.number(),
    updatedAt: nullableString,
  }),
);

export const toServiceDeskResponse = (desk: StoredServiceDesk): z.infer<typeof ServiceDeskOut> => ({
  hours: { timeZone: desk.hours.timeZone, opens: desk.hours.opens, closes: desk.hours.closes },
  targets: desk.targets,
  teams: desk.teams,
  assignmentRules: desk.assignmentRules,
  version: desk.version,
  updatedAt: desk.updatedAt,
});

export const TimelineItemOut = z.union([
  z.object({ kind: z.literal('update'), at: z.string(), update: TicketUpdateOut }),
  z.object({ kind: z.literal('activity'), at: z.string(), activity: ActivityOut }),
  z.object({ kind: z.literal('email'), at: z.string(), email: EmailOut }),
]);

export const TimelineOut = z.lazy(() => z.object({ items: z.array(TimelineItemOut), nextCursor: nullableString }));

/**
 * A ticket's updates, activities and linked emails, newest first: an activity stands at its due
 * time, or when it was done; an email when it was received.
 */
export const toTimelineResponse = (
  updates: readonly TicketUpdate[],
  activities: readonly Activity[],
  emails: readonly Email[] = [],
): z.infer<typeof TimelineOut> => {
  const items: z.infer<typeof TimelineItemOut>[] = [
    ...updates.map((update) => ({ kind: 'update' as const, at: update.at, update: toTicketUpdateResponse(update) })),
    ...activities.map((activity) => ({
      kind: 'activity' as const,
      at: activity.doneAt ?? activity.dueAt,
      activity: toActivityResponse(activity),
    })),
    ...emails.map((email) => ({ kind: 'email' as const, at: email.receivedAt, email: toEmailResponse(email) })),
  ];
  return { items: items.sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0)), nextCursor: null };
};

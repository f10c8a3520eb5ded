/**
 * The service ticket (seed 004 "Servicetickets"; PRODUCT.md rule 10): a customer's request or
 * problem, captured, assigned, tracked and solved, with an append-only log of updates.
 *
 * Statuses follow Zendesk's and Zammad's lifecycle in the seed's words: `new` until someone works
 * on it, `open`, `in_progress`, `waiting` (for the customer: the service clocks pause), `resolved`
 * (a reply reopens it) and `closed` (read-only; only an update that reopens it changes it). The
 * status changes through updates, so the log says who changed it and why; a PATCH carrying
 * `status` is refused with that hint.
 */
import { tokenize } from '../inbox/search-tokens.ts';
import { conflict } from '../shared/errors.ts';
import type { Money } from '../shared/money.ts';
import { once } from '../shared/once.ts';
import { recordNumbers } from '../shared/record-number.ts';
import {
  isOverdue,
  meetClock,
  pauseClock,
  reopenClock,
  resumeClock,
  retargetClock,
  type ServiceClock,
  type ServiceHours,
  type ServiceTargets,
  startClock,
  targetsFor,
} from './service-hours.ts';

export const ticketStatuses = ['new', 'open', 'in_progress', 'waiting', 'resolved', 'closed'] as const;
export type TicketStatus = (typeof ticketStatuses)[number];

/** The seed's Frage, Vorfall, Problem, Reklamation; the settings list `ticket-types` adds more. */
export const defaultTicketTypes = ['question', 'incident', 'problem', 'complaint'] as const;

export type TicketReference = { kind: 'order' | 'invoice'; number: string };

/** One entry of the log. `authorId` null: Kontakt itself (an assignment rule, named by `rule`). */
export type TicketUpdate = {
  id: string;
  at: string;
  authorId: string | null;
  text: string;
  status?: TicketStatus;
  rule?: string;
};

export type Ticket = {
  id: string;
  /** 'TIC-7': sequential, never reused */
  number: string;
  type: string;
  subject: string;
  description: string;
  value: Money | null;
  status: TicketStatus;
  priority: string;
  companyId: string | null;
  personId: string | null;
  responsibleUserId: string | null;
  reference: TicketReference | null;
  /** the ticket this one follows up (a reply to a closed ticket), or may follow up (a stranger quoting it): email to ticket */
  relatedTo: { number: string; relation: 'follow-up' | 'possible-follow-up' } | null;
  firstResponse: ServiceClock;
  resolution: ServiceClock;
  createdBy: string | null;
  /** the due time the responsible user was last reminded of (a new due time reminds again) */
  remindedDueAt: string | null;
  resolvedAt: string | null;
  closedAt: string | null;
  createdAt: string;
  updatedAt: string;
  version: number;
};

// Numbers ------------------------------------------------------------------------------------------
const ticketNumbers = recordNumbers('TIC');

export const formatTicketNumber = ticketNumbers.format;

/** 'TIC-7' or 'tic-7' → 7; anything else (an id, 'TIC-0', 'TIC-07') → null. */
export const parseTicketNumber = ticketNumbers.parse;

// Creation -----------------------------------------------------------------------------------------
export type NewTicket = {
  type: string;
  subject: string;
  description: string;
  value: Money | null;
  priority: string;
  companyId: string | null;
  personId: string | null;
  responsibleUserId: string | null;
  reference: TicketReference | null;
  relatedTo?: Ticket['relatedTo'];
  createdBy: string | null;
};

export type ServiceDesk = { hours: ServiceHours; targets: ServiceTargets };

/** A `new` ticket whose clocks start now, with its priority's targets. */
export const createTicket = (id: string, number: number, input: NewTicket, desk: ServiceDesk, now: Date): Ticket => {
  const targets = targetsFor(desk.targets, input.priority);
  const at = now.toISOString();
  return {
    id,
    number: formatTicketNumber(number),
    ...input,
    relatedTo: input.relatedTo ?? null,
    status: 'new',
    firstResponse: startClock(now, targets.firstResponseMinutes, desk.hours),
    resolution: startClock(now, targets.resolutionMinutes, desk.hours),
    remindedDueAt: null,
    resolvedAt: null,
    closedAt: null,
    createdAt: at,
    updatedAt: at,
    version: 1,
  };
};

// Status -------------------------------------------------------------------------------------------
/** Where each status may go; `new` is only ever the first. */
const transitions: Record<TicketStatus, readonly TicketStatus[]> = {
  new: ['open', 'in_progress', 'waiting', 'resolved', 'closed'],
  open: ['in_progress', 'waiting', 'resolved', 'closed'],
  in_progress: ['open', 'waiting', 'resolved', 'closed'],
  waiting: ['open', 'in_progress', 'resolved', 'closed'],
  resolved: ['open', 'in_progress', 'closed'],
  closed: ['open', 'in_progress'],
};

export const canMoveTo = (from: TicketStatus, to: TicketStatus): boolean => transitions[from].includes(to);

/** Still to be worked on: neither resolved nor closed. */
export const isActive = (ticket: Pick<Ticket, 'status'>): boolean =>
  ticket.status !== 'resolved' && ticket.status !== 'closed';

/** The clocks as a status change leaves them: waiting pauses, resolved and closed stop, a reopening runs again. */
const clocksOn = (ticket: Ticket, to: TicketStatus, desk: ServiceDesk, now: Date) => {
  const { hours } = desk;
  const resume = (c: ServiceClock) => reopenClock(resumeClock(c, now, hours), now, hours);
  switch (to) {
    case 'waiting':
      return { firstResponse: pauseClock(ticket.firstResponse, now), resolution: pauseClock(ticket.resolution, now) };
    case 'resolved':
    case 'closed':
      // no one waits for a first response on a solved ticket: its clock pauses (a reopening resumes it)
      return { firstResponse: pauseClock(ticket.firstResponse, now), resolution: meetClock(ticket.resolution, now) };
    default:
      return {
        firstResponse:
          ticket.firstResponse.metAt === null ? resumeClock(ticket.firstResponse, now, hours) : ticket.firstResponse,
        resolution: resume(ticket.resolution),
      };
  }
};

const moved = (ticket: Ticket, to: TicketStatus, desk: ServiceDesk, now: Date): Ticket => {
  if (to === ticket.status) return ticket;
  if (!canMoveTo(ticket.status, to)) {
    throw conflict('invalid-status-transition', `${ticket.number} is ${ticket.status} and cannot become ${to}`, {
      ticketStatus: ticket.status,
      allowed: transitions[ticket.status],
    });
  }
  const at = now.toISOString();
  return {
    ...ticket,
    status: to,
    ...clocksOn(ticket, to, desk, now),
    resolvedAt: to === 'resolved' ? at : to === 'closed' ? ticket.resolvedAt : null,
    closedAt: to === 'closed' ? at : null,
  };
};

// Updates ------------------------------------------------------------------------------------------
export type UpdateInput = { id: string; authorId: string | null; text: string; status?: TicketStatus; rule?: string };

/**
 * An update to the log, and the ticket as it leaves it. A `closed` ticket takes only an update that
 * reopens it. The first update by a user other than the ticket's creator is its first response.
 */
export const addUpdate = (
  ticket: Ticket,
  input: UpdateInput,
  desk: ServiceDesk,
  now: Date,
): { ticket: Ticket; update: TicketUpdate } => {
  if (ticket.status === 'closed' && (input.status === undefined || input.status === 'closed')) {
    throw conflict('ticket-closed', `${ticket.number} is closed: only an update that reopens it can be added`, {
      ticketStatus: ticket.status,
    });
  }
  if (input.status === 'new') {
    throw conflict('invalid-status-transition', `${ticket.number} cannot become new again`, {
      ticketStatus: ticket.status,
    });
  }
  let next = input.status === undefined ? ticket : moved(ticket, input.status, desk, now);
  const responds = input.authorId !== null && input.authorId !== ticket.createdBy;
  if (responds && next.firstResponse.metAt === null)
    next = { ...next, firstResponse: meetClock(next.firstResponse, now) };
  const update: TicketUpdate = {
    id: input.id,
    at: now.toISOString(),
    authorId: input.authorId,
    text: input.text,
    ...(input.status === undefined ? {} : { status: input.status }),
    ...(input.rule === undefined ? {} : { rule: input.rule }),
  };
  return { ticket: { ...next, updatedAt: update.at, version: ticket.version + 1 }, update };
};

// Changes ------------------------------------------------------------------------------------------
export type TicketPatch = Partial<
  Pick<
    Ticket,
    | 'type'
    | 'subject'
    | 'description'
    | 'value'
    | 'priority'
    | 'companyId'
    | 'personId'
    | 'responsibleUserId'
    | 'reference'
  >
>;

/** A merge patch; a closed ticket is read-only (409). A new priority retargets the clocks. */
export const patchTicket = (ticket: Ticket, patch: TicketPatch, desk: ServiceDesk, now: Date): Ticket => {
  if (ticket.status === 'closed') {
    throw conflict(
      'ticket-closed',
      `${ticket.number} is closed and read-only; an update that reopens it can change it`,
      {
        ticketStatus: ticket.status,
      },
    );
  }
  const next = { ...ticket, ...patch };
  // a new responsible user has heard of nothing yet: the next reminder run tells them
  if (patch.responsibleUserId !== undefined && patch.responsibleUserId !== ticket.responsibleUserId) {
    next.remindedDueAt = null;
  }
  if (patch.priority !== undefined && patch.priority !== ticket.priority) {
    const targets = targetsFor(desk.targets, patch.priority);
    next.firstResponse = retargetClock(ticket.firstResponse, targets.firstResponseMinutes, desk.hours);
    next.resolution = retargetClock(ticket.resolution, targets.resolutionMinutes, desk.hours);
  }
  if (JSON.stringify(next) === JSON.stringify(ticket)) return ticket;
  return { ...next, updatedAt: now.toISOString(), version: ticket.version + 1 };
};

// Reading ------------------------------------------------------------------------------------------
/** Either target is past due while the ticket is worked on. */
export const isTicketOverdue = (ticket: Ticket, now: Date): boolean =>
  isActive(ticket) && (isOverdue(ticket.firstResponse, now) || isOverdue(ticket.resolution, now));

/** The earliest due time of a running clock: the time by which someone must act (the overdue list's key). */
export const nextDueAt = (ticket: Ticket): string | null => {
  if (!isActive(ticket)) return null;
  const due = [ticket.firstResponse.dueAt, ticket.resolution.dueAt].filter((d): d is string => d !== null).sort();
  return due[0] ?? null;
};

const berlinDisplay = once(
  () =>
    new Intl.DateTimeFormat('de-DE', {
      timeZone: 'Europe/Berlin',
      dateStyle: 'medium',
      timeStyle: 'short',
    }),
);

/** The mail that tells the responsible user a ticket is overdue. */
export const ticketReminderMessage = (ticket: Ticket, recipientName: string): { subject: string; text: string } => {
  const firstResponseDue = ticket.firstResponse.dueAt;
  const resolutionDue = ticket.resolution.dueAt;
  return {
    subject: `Überfällig: ${ticket.number} ${ticket.subject}`,
    text: [
      `Hallo ${recipientName},`,
      '',
      `dieses Ticket ist überfällig:`,
      '',
      `${ticket.number}: ${ticket.subject} (Priorität ${ticket.priority}, Status ${ticket.status})`,
      ...(firstResponseDue ? [`Erste Antwort fällig: ${berlinDisplay().format(new Date(firstResponseDue))}`] : []),
      ...(resolutionDue ? [`Lösung fällig: ${berlinDisplay().format(new Date(resolutionDue))}`] : []),
      '',
      `/v1/tickets/${ticket.id}`,
    ].join('\n'),
  };
};

/** A ticket is found by `q` through these tokens (at most this many): its subject's words, its type and its reference's number. */
export const maxTicketSearchTokens = 15;

export const ticketSearchTokens = (ticket: Pick<Ticket, 'subject' | 'type' | 'reference'>): string[] =>
  [
    ...new Set([...tokenize(ticket.subject), ...tokenize(ticket.type), ...tokenize(ticket.reference?.number ?? '')]),
  ].slice(0, maxTicketSearchTokens);

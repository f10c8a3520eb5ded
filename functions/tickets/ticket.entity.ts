/**
 * Service tickets in the table: the record (money as integer cents) with its list keys, the items
 * of its update log, the lookup item of its number and the sequence its numbers come from.
 *
 * Tickets come from people, not from campaigns: no list here takes a write per lead, so none is
 * sharded (a desk would need more than 1,000 ticket changes a second to fill one partition).
 */
import * as z from 'zod/mini';
import { fromStoredMoney, toStoredMoney } from '../../domain/shared/money.ts';
import { isActive, nextDueAt, type Ticket, type TicketUpdate, ticketStatuses } from '../../domain/tickets/ticket.ts';
import { defineEntity, onIndex, onTable, type ShardedPattern } from '../shared/entity.ts';
import { defineSequence } from '../shared/sequence.entity.ts';
import { ticketKey } from './ticket-number.entity.ts';

const nullableString = z.nullable(z.string());

/** Sort keys that list newest last and stay unique: `<ISO timestamp>#<id>`. */
const timeOrdered = (at: string, id: string): string => `${at}#${id}`;

const allPartition = 'TICKETS';
const byStatusPartition = (status: string): string => `TIC#STATUS#${status}`;
/**
 * A user's tickets: the active ones apart from the solved ones, so a workload count or a board
 * reads what is open and never years of closed tickets.
 */
const byResponsiblePartition = (userId: string, active: boolean): string =>
  `TIC#USER#${userId}#${active ? 'ACTIVE' : 'SOLVED'}`;
/**
 * Active tickets by the time their next target is due: those whose user has not been reminded of
 * that time yet, and those who have. The reminder job reads the first partition only; the overdue
 * list merges both.
 */
const duePartition = 'TIC#DUE';
const remindedPartition = 'TIC#DUE#REMINDED';

const ServiceClockRecord = z.object({
  targetMinutes: z.number(),
  startedAt: z.string(),
  pausedMs: z.number(),
  pausedAt: nullableString,
  metAt: nullableString,
  dueAt: nullableString,
});

/** gsi1 a status's tickets, gsi2 a user's, gsi4 all of them (by creation); gsi3 the active ones by due time. */
export const tickets = defineEntity({
  name: 'ticket',
  version: 1,
  schema: z.lazy(() =>
    z.object({
      id: z.string(),
      number: z.string(),
      type: z.string(),
      subject: z.string(),
      description: z.string(),
      value: z.nullable(z.object({ cents: z.number(), currency: z.string(), scale: z.optional(z.number()) })),
      status: z.enum(ticketStatuses),
      priority: z.string(),
      companyId: nullableString,
      personId: nullableString,
      responsibleUserId: nullableString,
      reference: z.nullable(z.object({ kind: z.enum(['order', 'invoice']), number: z.string() })),
      relatedTo: z._default(
        z.nullable(z.object({ number: z.string(), relation: z.enum(['follow-up', 'possible-follow-up']) })),
        null,
      ),
      firstResponse: ServiceClockRecord,
      resolution: ServiceClockRecord,
      createdBy: nullableString,
      remindedDueAt: z.optional(nullableString),
      resolvedAt: nullableString,
      closedAt: nullableString,
      createdAt: z.string(),
      updatedAt: z.string(),
      version: z.number(),
    }),
  ),
  key: ticketKey,
  keyOf: (ticket) => [ticket.id],
  indexes: (ticket) => {
    const due = nextDueAt(fromTicketRecord(ticket));
    return [
      { index: 'gsi4', pk: allPartition, sk: timeOrdered(ticket.createdAt, ticket.id) },
      { index: 'gsi1', pk: byStatusPartition(ticket.status), sk: timeOrdered(ticket.createdAt, ticket.id) },
      ticket.responsibleUserId
        ? {
            index: 'gsi2',
            pk: byResponsiblePartition(ticket.responsibleUserId, isActive(ticket)),
            sk: timeOrdered(ticket.createdAt, ticket.id),
          }
        : null,
      due
        ? {
            index: 'gsi3',
            pk: ticket.remindedDueAt === due ? remindedPartition : duePartition,
            sk: timeOrdered(due, ticket.id),
          }
        : null,
    ];
  },
  patterns: {
    /** every ticket, by creation */
    all: () => onIndex('gsi4', allPartition),
    /** the tickets in one status, by creation */
    byStatus: (status: string) => onIndex('gsi1', byStatusPartition(status)),
    /** a user's tickets, active and solved, by creation (read merged) */
    byResponsible: (userId: string): ShardedPattern => ({
      index: 'gsi2',
      list: `TIC#USER#${userId}`,
      partitions: [byResponsiblePartition(userId, true), byResponsiblePartition(userId, false)],
    }),
    /** a user's active (neither resolved nor closed) tickets, by creation */
    activeOf: (userId: string) => onIndex('gsi2', byResponsiblePartition(userId, true)),
    /** a user's resolved and closed tickets, by creation */
    solvedOf: (userId: string) => onIndex('gsi2', byResponsiblePartition(userId, false)),
    /** active tickets whose next target is due by `at` (ISO), reminded or not, soonest first (read merged) */
    dueBy: (at: string): ShardedPattern => ({
      index: 'gsi3',
      list: duePartition,
      partitions: [duePartition, remindedPartition],
      sort: { to: `${at}#\uffff` },
    }),
    /** active tickets due by `at` whose responsible user has not been reminded of that due time */
    remindDueBy: (at: string) => onIndex('gsi3', duePartition, { to: `${at}#\uffff` }),
  },
});

export type TicketRecord = z.infer<typeof tickets.schema>;

export const toTicketRecord = (ticket: Ticket): TicketRecord => ({
  ...ticket,
  value: ticket.value ? toStoredMoney(ticket.value) : null,
});

export function fromTicketRecord(record: TicketRecord): Ticket {
  return {
    ...record,
    value: record.value ? fromStoredMoney(record.value) : null,
    remindedDueAt: record.remindedDueAt ?? null,
  };
}

/** One entry of a ticket's log, in the ticket's partition, by its ULID (the order it was written in). */
export const ticketUpdates = defineEntity({
  name: 'ticket-update',
  version: 1,
  schema: z.lazy(() =>
    z.object({
      ticketId: z.string(),
      id: z.string(),
      at: z.string(),
      authorId: nullableString,
      text: z.string(),
      status: z.optional(z.enum(ticketStatuses)),
      rule: z.optional(z.string()),
    }),
  ),
  key: (ticketId: string, updateId: string) => ({ pk: `TIC#${ticketId}`, sk: `UPD#${updateId}` }),
  keyOf: (update) => [update.ticketId, update.id],
  patterns: {
    /** a ticket's log, oldest first */
    ofTicket: (ticketId: string) => onTable(`TIC#${ticketId}`, { beginsWith: 'UPD#' }),
  },
});

export const toUpdateRecord = (ticketId: string, update: TicketUpdate) => ({ ticketId, ...update });

export const fromUpdateRecord = ({ ticketId: _, ...update }: z.infer<typeof ticketUpdates.schema>): TicketUpdate =>
  update;

export { ticketNumberItem, ticketNumbers } from './ticket-number.entity.ts';

/** The sequence ticket numbers come from (functions/shared/sequence.entity.ts). */
export const ticketSequence = defineSequence('TIC');

const searchPartition = (token: string): string => `TICQ#${token.slice(0, 2)}`;
const newestFirst = (iso: string): string => String(9_999_999_999_999 - Date.parse(iso)).padStart(13, '0');

/**
 * Search items of tickets: one per search token (domain/tickets/ticket.ts), in the partition of the
 * token's first two characters, sorted by token and, within a token, newest first; written in the
 * ticket's transactions. Keyed by the token it does not store: built with `ticketSearchItem`.
 */
export const ticketSearchItems = defineEntity({
  name: 'ticket-search',
  version: 1,
  schema: z.lazy(() => z.object({ ticketId: z.string() })),
  key: (token: string, createdAt: string, id: string) => ({
    pk: searchPartition(token),
    sk: `${token}#${newestFirst(createdAt)}#${id}`,
  }),
  keyOf: (): [string, string, string] => {
    throw new Error('a ticket-search item is keyed by the token it does not store: use ticketSearchItem');
  },
  patterns: {
    /** the items whose token starts with `word` (at least two characters), newest first within a token */
    byPrefix: (word: string) => onTable(searchPartition(word), { beginsWith: word }),
  },
});

export const ticketSearchItem = (token: string, ticket: { id: string; createdAt: string }): Record<string, unknown> =>
  ticketSearchItems.itemAt(ticketSearchItems.key(token, ticket.createdAt, ticket.id), { ticketId: ticket.id });

/**
 * A reminder sent (or being sent) to one user for one due time of a ticket: written before the mail
 * on the condition that it does not exist, so two runs never mail the same reminder, whatever
 * happens to the ticket's own note meanwhile; deleted again when the mail fails.
 */
export const ticketReminderGuards = defineEntity({
  name: 'ticket-reminder',
  version: 1,
  schema: z.lazy(() => z.object({ ticketId: z.string(), dueAt: z.string(), userId: z.string(), at: z.string() })),
  key: (ticketId: string, dueAt: string, userId: string) => ({
    pk: `TIC#${ticketId}`,
    sk: `REMIND#${dueAt}#${userId}`,
  }),
  keyOf: (guard) => [guard.ticketId, guard.dueAt, guard.userId],
});

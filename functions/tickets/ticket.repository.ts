/**
 * Tickets in the single table: the record with its list keys, its number's lookup item, the reference
 * items of its company and person (so a merge moves them), and the items of its update log, written
 * in one transaction with optimistic versioning; numbers come from an atomic counter.
 */
import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { matchesAll, queryWords } from '../../domain/inbox/search-tokens.ts';
import { conflict } from '../../domain/shared/errors.ts';
import {
  isActive,
  isTicketOverdue,
  parseTicketNumber,
  type Ticket,
  type TicketStatus,
  type TicketUpdate,
  ticketSearchTokens,
} from '../../domain/tickets/ticket.ts';
import { references } from '../contacts/reference.entity.ts';
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
import { retryingConflicts } from '../shared/retry.ts';
import { takeNextNumber } from '../shared/sequence.entity.ts';
import { createStore } from '../shared/store.ts';
import {
  fromTicketRecord,
  fromUpdateRecord,
  ticketNumberItem,
  ticketNumbers,
  ticketReminderGuards,
  ticketSearchItem,
  ticketSearchItems,
  ticketSequence,
  tickets,
  ticketUpdates,
  toTicketRecord,
  toUpdateRecord,
} from './ticket.entity.ts';

export const ticketRef = (id: string): RecordRef => ({ kind: 'TIC', id });

export const ticketReferences = (ticket: Ticket): Reference[] => contactReferences(ticket);

export type TicketListQuery = {
  limit: number;
  cursor?: string | undefined;
  status?: TicketStatus | undefined;
  type?: string | undefined;
  priority?: string | undefined;
  responsibleUserId?: string | undefined;
  companyId?: string | undefined;
  personId?: string | undefined;
  /** a ticket's number, or words that must each start a search token of the ticket (domain/tickets/ticket.ts) */
  q?: string | undefined;
  /** only tickets past a due time, soonest due first */
  overdue?: { now: Date } | undefined;
};

export type TicketPage = { items: Ticket[]; nextCursor: string | null };

/** Every word of `q` starts a search token of the ticket, or `q` is its number. */
const matchesWords = (ticket: Ticket, q: string): boolean =>
  parseTicketNumber(q) === parseTicketNumber(ticket.number) || matchesAll(queryWords(q), ticketSearchTokens(ticket));

const matches =
  (query: Omit<TicketListQuery, 'limit' | 'cursor'>) =>
  (ticket: Ticket): boolean =>
    (query.status === undefined || ticket.status === query.status) &&
    (query.type === undefined || ticket.type === query.type) &&
    (query.priority === undefined || ticket.priority === query.priority) &&
    (query.responsibleUserId === undefined || ticket.responsibleUserId === query.responsibleUserId) &&
    (query.companyId === undefined || ticket.companyId === query.companyId) &&
    (query.personId === undefined || ticket.personId === query.personId) &&
    (query.q === undefined || matchesWords(ticket, query.q)) &&
    (query.overdue === undefined || isTicketOverdue(ticket, query.overdue.now));

export const createTicketRepository = (doc: DynamoDBDocumentClient, tableName: string) => {
  const store = createStore(doc, tableName);

  const updateWrites = (ticket: Ticket, updates: readonly TicketUpdate[]): TransactItem[] =>
    updates.map((update) =>
      ticketUpdates.put(tableName, toUpdateRecord(ticket.id, update), { expression: 'attribute_not_exists(pk)' }),
    );

  const searchWrites = (before: Ticket | null, after: Ticket): TransactItem[] => {
    const old = new Set(before ? ticketSearchTokens(before) : []);
    const next = new Set(ticketSearchTokens(after));
    return [
      ...[...old]
        .filter((t) => !next.has(t))
        .map((t) => ticketSearchItems.delete(tableName, t, after.createdAt, after.id)),
      ...[...next]
        .filter((t) => !old.has(t))
        .map((t) => ({ Put: { TableName: tableName, Item: ticketSearchItem(t, after) } })),
    ];
  };

  const companions = (before: Ticket | null, after: Ticket): TransactItem[] => {
    const oldRefs = before ? ticketReferences(before) : [];
    const newRefs = ticketReferences(after);
    return [
      ...referenceWrites(tableName, ticketRef(after.id), oldRefs, newRefs),
      ...linkableChecks(tableName, oldRefs, newRefs),
      ...searchWrites(before, after),
    ];
  };

  /** Tickets by id, in the order given, those gone left out. */
  const getAll = async (ids: readonly string[]): Promise<Ticket[]> => {
    const records = await store.getMany(
      tickets,
      ids.map((id) => tickets.key(id)),
    );
    const byId = new Map(records.map((record) => [record.id, fromTicketRecord(record)]));
    return ids.flatMap((id) => byId.get(id) ?? []);
  };

  const explain = (error: unknown, items: TransactItem[], ticket: Ticket, firstFailed: () => never): never =>
    explainCancellation(error, {
      items,
      links: ticketReferences(ticket),
      onRecordCondition: firstFailed,
      conflictDetail: `ticket ${ticket.number} is being changed by another request; retry`,
    });

  const transact = async (items: TransactItem[], onCancelled: (error: unknown) => never): Promise<void> => {
    try {
      await retryingConflicts(() => store.transact(items));
    } catch (error) {
      onCancelled(error);
    }
  };

  const get = async (id: string, options: { consistent?: boolean } = {}): Promise<Ticket | null> => {
    const record = await store.get(tickets, tickets.key(id), options);
    return record ? fromTicketRecord(record) : null;
  };

  const getByNumber = async (number: number, options: { consistent?: boolean } = {}): Promise<Ticket | null> => {
    const found = await store.get(ticketNumbers, ticketNumbers.key(number), options);
    return found ? get(found.ticketId, options) : null;
  };

  const queryPage = async (
    pattern: AccessPattern,
    page: { limit: number; cursor?: string | undefined; newestFirst: boolean },
    filter: (ticket: Ticket) => boolean,
  ): Promise<TicketPage> => {
    const found = await store.query(tickets, pattern, page);
    return { items: found.items.map(fromTicketRecord).filter(filter), nextCursor: found.nextCursor };
  };

  return {
    /** The next number of the tickets' sequence: an atomic ADD, so parallel creations never share one. */
    async nextNumber(): Promise<number> {
      return takeNextNumber(store, ticketSequence);
    },

    /** A new ticket with its number's lookup item, its links (checked) and its first log entries, in one transaction. */
    async create(
      ticket: Ticket,
      updates: readonly TicketUpdate[] = [],
      extra: readonly TransactItem[] = [],
    ): Promise<void> {
      const number = parseTicketNumber(ticket.number);
      if (number === null) throw new Error(`not a ticket number: ${ticket.number}`);
      const items: TransactItem[] = [
        tickets.put(tableName, toTicketRecord(ticket), { expression: 'attribute_not_exists(pk)' }),
        {
          Put: {
            TableName: tableName,
            Item: ticketNumberItem(number, ticket.id),
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
        ...companions(null, ticket),
        ...updateWrites(ticket, updates),
        ...extra,
      ];
      await transact(items, (error) => {
        if (error instanceof TransactionCanceledException) {
          const reasons = error.CancellationReasons ?? [];
          if (reasons[1]?.Code === 'ConditionalCheckFailed') {
            throw conflict('number-taken', `${ticket.number} belongs to another ticket`);
          }
        }
        return explain(error, items, ticket, () => {
          throw conflict('already-exists', `ticket ${ticket.id} exists already`);
        });
      });
    },

    get,

    /** `TIC-7` → the ticket numbered 7. */
    getByNumber,

    /** Writes a change and its new log entries if nobody changed the ticket since `previous`; stale is 409. */
    async update(
      previous: Ticket,
      next: Ticket,
      updates: readonly TicketUpdate[] = [],
      extra: readonly TransactItem[] = [],
    ): Promise<void> {
      const items: TransactItem[] = [
        tickets.put(tableName, toTicketRecord(next), {
          expression: 'version = :expected',
          values: { ':expected': previous.version },
        }),
        ...companions(previous, next),
        ...updateWrites(next, updates),
        ...extra,
      ];
      await transact(items, (error) =>
        explain(error, items, next, () => {
          throw conflict('stale-version', `ticket ${previous.number} has changed since version ${previous.version}`);
        }),
      );
    },

    /** How many active (neither resolved nor closed) tickets a user is responsible for: the team assignment's workload. */
    async countActive(userId: string): Promise<number> {
      return (await this.activeOf(userId)).length;
    },

    /** A user's active tickets, newest first (all of them: a workload, never a history). */
    async activeOf(userId: string): Promise<Ticket[]> {
      const found = await store.queryAll(tickets, tickets.patterns.activeOf(userId), { newestFirst: true });
      // the index may lag a change by a moment
      return found.map(fromTicketRecord).filter((t) => isActive(t) && t.responsibleUserId === userId);
    },

    /** A user's resolved and closed tickets, newest created first, one page. */
    async solvedOf(userId: string, limit: number): Promise<Ticket[]> {
      const found = await store.query(tickets, tickets.patterns.solvedOf(userId), { limit, newestFirst: true });
      return found.items.map(fromTicketRecord).filter((t) => !isActive(t) && t.responsibleUserId === userId);
    },

    /** Overdue tickets whose responsible user has not been reminded of their due time, soonest due first. */
    async listToRemind(now: Date, limit: number): Promise<Ticket[]> {
      const found = await store.query(tickets, tickets.patterns.remindDueBy(now.toISOString()), { limit });
      return found.items.map(fromTicketRecord);
    },

    /**
     * Takes the one reminder of a due time for a user: false when it was taken before (by an
     * earlier or a parallel run), so no reminder is ever mailed twice.
     */
    async claimReminder(ticketId: string, dueAt: string, userId: string, now: Date): Promise<boolean> {
      try {
        await store.put(
          ticketReminderGuards,
          { ticketId, dueAt, userId, at: now.toISOString() },
          { expression: 'attribute_not_exists(pk)' },
        );
        return true;
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return false;
        throw error;
      }
    },

    /** Gives a claimed reminder back after its mail failed, so the next run tries again. */
    async releaseReminder(ticketId: string, dueAt: string, userId: string): Promise<void> {
      await store.delete(ticketReminderGuards.key(ticketId, dueAt, userId));
    },

    /**
     * Notes on the ticket that its due time was reminded of, so it leaves the reminder partition of
     * the due index; only if the ticket is still as it was read (its version stays: this is no change
     * of the ticket). A note lost to a concurrent change only brings the ticket back to a run that
     * finds its claim taken.
     */
    async markReminded(ticket: Ticket, dueAt: string): Promise<void> {
      try {
        await store.put(tickets, toTicketRecord({ ...ticket, remindedDueAt: dueAt }), {
          expression: 'version = :expected',
          values: { ':expected': ticket.version },
        });
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
    },

    /** A ticket's log, oldest first (every entry: a log is read whole). */
    async updates(ticketId: string): Promise<TicketUpdate[]> {
      const found = await store.queryAll(ticketUpdates, ticketUpdates.patterns.ofTicket(ticketId), {
        consistent: true,
      });
      return found.map(fromUpdateRecord);
    },

    /**
     * A page of tickets through the most selective access pattern (overdue: active tickets by due
     * time, soonest first; a company's or a person's, through the reference items the ticket's
     * links write; then a user's, a status's, or all, newest first); the other filters apply to
     * that page, so a page may hold fewer than `limit` while more follow.
     */
    async list(query: TicketListQuery): Promise<TicketPage> {
      const { patterns } = tickets;
      const page = { limit: query.limit, cursor: query.cursor };
      const linked: RecordRef | null = query.companyId
        ? { kind: 'COMPANY', id: query.companyId }
        : query.personId
          ? { kind: 'PERSON', id: query.personId }
          : null;
      const number = query.q === undefined ? null : parseTicketNumber(query.q);
      if (number !== null) {
        // a number is one ticket: no page to continue
        const found = await getByNumber(number);
        return { items: found && matches(query)(found) ? [found] : [], nextCursor: null };
      }
      if (query.q !== undefined && !query.overdue) {
        const [longest = ''] = queryWords(query.q);
        const found = await store.query(ticketSearchItems, ticketSearchItems.patterns.byPrefix(longest), page);
        const ids = [...new Set(found.items.map((item) => item.ticketId))];
        return { items: (await getAll(ids)).filter(matches(query)), nextCursor: found.nextCursor };
      }
      if (linked && !query.overdue) {
        const found = await store.query(references, references.patterns.toFrom(linked, 'TIC'), {
          ...page,
          newestFirst: true,
        });
        const ids = [...new Set(found.items.map((reference) => reference.fromId))];
        return { items: (await getAll(ids)).filter(matches(query)), nextCursor: found.nextCursor };
      }
      if (query.overdue) {
        const found = await store.queryMerged(patterns.dueBy(query.overdue.now.toISOString()), page);
        return {
          items: found.items.map((item) => fromTicketRecord(tickets.parse(item))).filter(matches(query)),
          nextCursor: found.nextCursor,
        };
      }
      if (query.responsibleUserId !== undefined) {
        const userId = query.responsibleUserId;
        if (query.status !== undefined) {
          const solved = query.status === 'resolved' || query.status === 'closed';
          const pattern = solved ? patterns.solvedOf(userId) : patterns.activeOf(userId);
          return queryPage(pattern, { ...page, newestFirst: true }, matches(query));
        }
        const found = await store.queryMerged(patterns.byResponsible(userId), { ...page, newestFirst: true });
        return {
          items: found.items.map((item) => fromTicketRecord(tickets.parse(item))).filter(matches(query)),
          nextCursor: found.nextCursor,
        };
      }
      const pattern = query.status !== undefined ? patterns.byStatus(query.status) : patterns.all();
      return queryPage(pattern, { ...page, newestFirst: true }, matches(query));
    },
  };
};

export type TicketRepository = ReturnType<typeof createTicketRepository>;

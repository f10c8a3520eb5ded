/**
 * `GET /v1/me/board`: my open leads, my deals with their weighted forecast, my open and overdue
 * activities, my subscriptions, and my tickets (open, in progress, closed in the last 14 days).
 */
import * as z from 'zod/mini';
import type { Activity } from '../../domain/activities/activity.ts';
import { type Opportunity, weightedValue } from '../../domain/opportunities/opportunity.ts';
import type { Ticket } from '../../domain/tickets/ticket.ts';
import type { ActivityRepository } from '../activities/activity.repository.ts';
import { toActivityResponse } from '../activities/activity-response.ts';
import type { HttpRequest, HttpResult } from '../shared/http.ts';
import type { TicketRepository } from '../tickets/ticket.repository.ts';
import { toTicketResponse } from '../tickets/ticket-response.ts';
import type { OpportunityRepository } from './opportunity.repository.ts';
import { toMoneyResponse, toOpportunityResponse } from './opportunity-response.ts';

/** A board shows what fits on a screen; each list holds at most this many. */
export const boardListSize = 100;
/** pages read for one user's open leads or deals: the forecast sums up to 1,000 open deals */
const maxPages = 10;

export const BoardQuery = z.strictObject({
  currency: z.optional(z.string().check(z.regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as EUR'))),
});

export type BoardDeps = {
  opportunities: Pick<OpportunityRepository, 'listByResponsible' | 'listSubscribedBy'>;
  activities: Pick<ActivityRepository, 'listByResponsible'>;
  tickets: Pick<TicketRepository, 'activeOf' | 'solvedOf'>;
  now: () => Date;
};

/** "closed recently": resolved or closed within this many days */
export const recentlyClosedDays = 14;

/** solved tickets read for "closed recently": the newest created ones, enough for two busy weeks */
const solvedRead = 500;

/**
 * My tickets: every active one (the user's own partition of active tickets), sorted into open and
 * in progress, and those resolved or closed in the last days; at most `boardListSize` each.
 */
const myTickets = async (deps: BoardDeps, userId: string, now: Date) => {
  const since = new Date(now.getTime() - recentlyClosedDays * 86_400_000).toISOString();
  const [active, solved] = await Promise.all([
    deps.tickets.activeOf(userId),
    deps.tickets.solvedOf(userId, solvedRead),
  ]);
  const shown = (tickets: Ticket[]) => tickets.slice(0, boardListSize).map(toTicketResponse);
  return {
    open: shown(active.filter((t) => t.status !== 'in_progress')),
    inProgress: shown(active.filter((t) => t.status === 'in_progress')),
    closedRecently: shown(
      solved
        .filter((t) => (t.closedAt ?? t.resolvedAt ?? '') >= since)
        .sort((a, b) => ((b.closedAt ?? b.resolvedAt ?? '') < (a.closedAt ?? a.resolvedAt ?? '') ? -1 : 1)),
    ),
  };
};

const myOpportunities = async (deps: BoardDeps, userId: string, stage: 'lead' | 'deal'): Promise<Opportunity[]> => {
  const found: Opportunity[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < maxPages; page += 1) {
    const res = await deps.opportunities.listByResponsible(userId, {
      status: 'open',
      stage,
      limit: boardListSize,
      cursor,
    });
    found.push(...res.items);
    if (!res.nextCursor) break;
    cursor = res.nextCursor;
  }
  return found;
};

export const getMyBoard =
  (deps: BoardDeps) =>
  async (request: HttpRequest<undefined, undefined, z.infer<typeof BoardQuery>>): Promise<HttpResult> => {
    const userId = request.user?.id ?? '';
    const now = deps.now().toISOString();
    const [leads, deals, overdue, open, subscriptions, tickets] = await Promise.all([
      myOpportunities(deps, userId, 'lead'),
      myOpportunities(deps, userId, 'deal'),
      deps.activities.listByResponsible(userId, { status: 'open', dueTo: now, limit: boardListSize }),
      deps.activities.listByResponsible(userId, { status: 'open', dueFrom: now, limit: boardListSize }),
      deps.opportunities.listSubscribedBy(userId, boardListSize),
      myTickets(deps, userId, deps.now()),
    ]);
    const isOverdue = (a: Activity) => a.dueAt < now;
    return {
      status: 200,
      body: {
        leads: leads.slice(0, boardListSize).map(toOpportunityResponse),
        deals: deals.slice(0, boardListSize).map(toOpportunityResponse),
        forecast: toMoneyResponse(weightedValue(deals, request.query.currency ?? 'EUR')),
        activities: {
          open: open.items.filter((a) => !isOverdue(a)).map(toActivityResponse),
          overdue: overdue.items.filter(isOverdue).map(toActivityResponse),
        },
        subscriptions: subscriptions.map(toOpportunityResponse),
        tickets,
      },
    };
  };

/** `GET /v1/me/board`: my open leads, my deals with their weighted forecast, my open and overdue activities, my subscriptions. */
import * as z from 'zod/mini';
import type { Activity } from '../../domain/activities/activity.ts';
import { type Opportunity, weightedValue } from '../../domain/opportunities/opportunity.ts';
import type { ActivityRepository } from '../activities/activity.repository.ts';
import { toActivityResponse } from '../activities/activity-response.ts';
import type { HttpRequest, HttpResult } from '../shared/http.ts';
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
  now: () => Date;
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
    const [leads, deals, overdue, open, subscriptions] = await Promise.all([
      myOpportunities(deps, userId, 'lead'),
      myOpportunities(deps, userId, 'deal'),
      deps.activities.listByResponsible(userId, { status: 'open', dueTo: now, limit: boardListSize }),
      deps.activities.listByResponsible(userId, { status: 'open', dueFrom: now, limit: boardListSize }),
      deps.opportunities.listSubscribedBy(userId, boardListSize),
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
      },
    };
  };

/** The contracts of converting an inbox entry and of the personal board. */
import type { AnyRouteSpec } from '../shared/http.ts';
import { ConvertBody } from './conversion-input.ts';
import { BoardQuery } from './my-board.ts';
import { OpportunityIdPath } from './opportunities-input.ts';

export const conversionRoutes = {
  'POST /v1/inbox/{id}/convert': {
    summary:
      'Converts an inbox entry into an opportunity (a lead unless stage is deal), creating or linking company and person, in one transaction; final',
    auth: 'user',
    path: OpportunityIdPath,
    body: ConvertBody,
    responds: { status: 201, description: '{ opportunity, company?, person? }' },
  },
  'GET /v1/me/board': {
    summary: 'My open leads, my deals with the weighted forecast, my open and overdue activities, my subscriptions',
    auth: 'user',
    query: BoardQuery,
    responds: { status: 200, description: '{ leads, deals, forecast, activities: { open, overdue }, subscriptions }' },
  },
} as const satisfies Record<string, AnyRouteSpec>;

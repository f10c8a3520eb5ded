/** The opportunity routes' contracts (conversion and the personal board are the lead's, beside these). */
import * as z from 'zod/mini';
import type { AnyRouteSpec } from '../shared/http.ts';
import {
  ActivityPlanBody,
  DealBody,
  LostBody,
  NewOpportunityBody,
  OpportunityIdPath,
  OpportunityListQuery,
  OpportunityPatchBody,
  StepBody,
} from './opportunities-input.ts';
import { OpportunityOut } from './opportunity-response.ts';

const opportunity = (status: number, description: string) => ({ status, description, schema: OpportunityOut });

export const opportunitiesRoutes = {
  'POST /v1/opportunities': {
    summary: 'Creates an opportunity (a lead unless stage says deal) on the first step of its pipeline, numbered OPP-n',
    auth: 'user',
    body: NewOpportunityBody,
    responds: opportunity(201, 'the opportunity'),
  },
  'GET /v1/opportunities': {
    summary:
      'Opportunities, newest first, filtered by stage, status, pipelineId, stepId, responsibleUserId, tag and companyId; view=board&pipelineId=… groups the open ones by step with count, value and weighted value',
    auth: 'user',
    query: OpportunityListQuery,
    responds: { status: 200, description: 'a page of opportunities, or the board' },
  },
  'GET /v1/opportunities/{id}': {
    summary: 'One opportunity, by id or by number (OPP-12, any case)',
    auth: 'user',
    path: OpportunityIdPath,
    responds: opportunity(200, 'the opportunity'),
  },
  'PATCH /v1/opportunities/{id}': {
    summary:
      'Changes an opportunity: a merge patch carrying the current version; after won or lost only tags, subscribers, priority and the responsible user change',
    auth: 'user',
    path: OpportunityIdPath,
    body: OpportunityPatchBody,
    responds: opportunity(200, 'the opportunity'),
  },
  'POST /v1/opportunities/{id}/deal': {
    summary: 'Turns a lead into a deal, onto the first step of the default deal pipeline (or of pipelineId)',
    auth: 'user',
    path: OpportunityIdPath,
    body: DealBody,
    responds: opportunity(200, 'the deal'),
  },
  'POST /v1/opportunities/{id}/step': {
    summary: 'Moves an open opportunity to a step of its pipeline; the probability follows unless overridden',
    auth: 'user',
    path: OpportunityIdPath,
    body: StepBody,
    responds: opportunity(200, 'the opportunity'),
  },
  'PUT /v1/opportunities/{id}/subscription': {
    summary: 'Subscribes the caller to the opportunity (again: no change)',
    auth: 'user',
    path: OpportunityIdPath,
    responds: opportunity(200, 'the opportunity'),
  },
  'DELETE /v1/opportunities/{id}/subscription': {
    summary: 'Unsubscribes the caller (when not subscribed: no change)',
    auth: 'user',
    path: OpportunityIdPath,
    responds: opportunity(200, 'the opportunity'),
  },
  'POST /v1/opportunities/{id}/won': {
    summary: 'Marks an open opportunity won; its company becomes a customer in the same write',
    auth: 'user',
    path: OpportunityIdPath,
    responds: opportunity(200, 'the won opportunity'),
  },
  'POST /v1/opportunities/{id}/lost': {
    summary: 'Marks an open opportunity lost with a reason from /v1/settings/loss-reasons (missing: 400; unknown: 422)',
    auth: 'user',
    path: OpportunityIdPath,
    body: LostBody,
    responds: opportunity(200, 'the lost opportunity'),
  },
  'POST /v1/opportunities/{id}/activity-plan': {
    summary:
      'Schedules the activity plan of the opportunity’s pipeline (or of pipelineId) from startDate, in working days; the activities appear shortly',
    auth: 'user',
    path: OpportunityIdPath,
    body: ActivityPlanBody,
    responds: {
      status: 202,
      description: 'requested',
      schema: z.object({
        opportunityId: z.string(),
        pipelineId: z.string(),
        startDate: z.string(),
        activities: z.number(),
      }),
    },
  },
} as const satisfies Record<string, AnyRouteSpec>;

/** The activities routes' contracts. */
import type { AnyRouteSpec } from '../shared/http.ts';
import { ActivityIdPath, ActivityListQuery, ActivityPatchBody, NewActivityBody } from './activities-input.ts';
import { ActivityOut } from './activity-response.ts';

const activity = (status: number, description: string) => ({ status, description, schema: ActivityOut });

export const activitiesRoutes = {
  'GET /v1/activities': {
    summary:
      'Activities of an opportunity (chronological) or of a responsible user by due time (open ones unless status=done); one of the two is required',
    auth: 'user',
    query: ActivityListQuery,
    responds: { status: 200, description: 'a page of activities' },
  },
  'POST /v1/activities': {
    summary: 'Creates an activity (call, email, meeting, task or a custom type), the caller responsible unless given',
    auth: 'user',
    body: NewActivityBody,
    responds: activity(201, 'the activity'),
  },
  'GET /v1/activities/{id}': {
    summary: 'One activity',
    auth: 'user',
    path: ActivityIdPath,
    responds: activity(200, 'the activity'),
  },
  'PATCH /v1/activities/{id}': {
    summary:
      'Reschedules (dueAt, which arms the reminder again), reassigns or edits an activity: a merge patch carrying the current version',
    auth: 'user',
    path: ActivityIdPath,
    body: ActivityPatchBody,
    responds: activity(200, 'the activity'),
  },
  'POST /v1/activities/{id}/done': {
    summary: 'Marks an activity done: it stays as documentation and sends no reminder',
    auth: 'user',
    path: ActivityIdPath,
    responds: activity(200, 'the activity'),
  },
} as const satisfies Record<string, AnyRouteSpec>;

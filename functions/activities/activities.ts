/** The activities use cases: create, list by opportunity or by user and due time, read, reschedule / reassign / edit, done. */
import { ulid } from 'ulid';
import type * as z from 'zod/mini';
import { createActivity, markActivityDone, patchActivity } from '../../domain/activities/activity.ts';
import { conflict, notFound, unprocessable, validationError } from '../../domain/shared/errors.ts';
import type { LinkTargets } from '../contacts/link-targets.ts';
import { defaultLimit } from '../shared/cursor.ts';
import type { HttpRequest, HttpResult } from '../shared/http.ts';
import { boundInstant } from '../shared/validation.ts';
import type { UserRepository } from '../users/user.repository.ts';
import type { ActivityIdPath, ActivityListQuery, ActivityPatchBody, NewActivityBody } from './activities-input.ts';
import type { ActivityRepository } from './activity.repository.ts';
import { toActivityPageResponse, toActivityResponse } from './activity-response.ts';

export type ActivitiesDeps = {
  activities: Pick<
    ActivityRepository,
    'create' | 'get' | 'update' | 'listByOpportunity' | 'listByTicket' | 'listByResponsible'
  >;
  users: Pick<UserRepository, 'findUser'>;
  /** the person's company, for an activity that names a person but no company */
  links: Pick<LinkTargets, 'companyAt'>;
  now: () => Date;
};

type Path = z.infer<typeof ActivityIdPath>;

/** A call that nobody gave a length takes half an hour. */
export const defaultDurationMinutes = 30;

const requireUser = async (deps: ActivitiesDeps, id: string): Promise<void> => {
  if (!(await deps.users.findUser(id))) throw unprocessable('responsibleUserId', `no user ${id}`);
};

const load = async (deps: ActivitiesDeps, id: string) => {
  const activity = await deps.activities.get(id);
  if (!activity) throw notFound('activity', id);
  return activity;
};

/** A list bound as the index sorts it: a date means the whole (UTC) day, from its start or to its end. */
const timeBound = (value: string | undefined, end: 'from' | 'to'): string | undefined =>
  value === undefined ? undefined : boundInstant(value, end);

export const createActivityByHand =
  (deps: ActivitiesDeps) =>
  async (request: HttpRequest<z.infer<typeof NewActivityBody>, undefined, undefined>): Promise<HttpResult> => {
    const body = request.body;
    const caller = request.user?.id;
    const responsibleUserId = body.responsibleUserId ?? caller ?? null;
    if (responsibleUserId === null) throw unprocessable('responsibleUserId', 'give the user who does it');
    if (responsibleUserId !== caller) await requireUser(deps, responsibleUserId);
    if (body.opportunityId !== undefined && body.ticketId !== undefined) {
      throw validationError([
        { field: 'ticketId', message: 'an activity belongs to an opportunity or to a ticket, not to both' },
      ]);
    }
    const now = deps.now();
    const activity = createActivity(
      ulid(now.getTime()),
      {
        type: body.type,
        subject: body.subject,
        dueAt: body.dueAt,
        durationMinutes: body.durationMinutes ?? defaultDurationMinutes,
        responsibleUserId,
        opportunityId: body.opportunityId ?? null,
        ticketId: body.ticketId ?? null,
        // an activity with a person happened at the person's company (its timeline shows it)
        companyId: await deps.links.companyAt(body),
        personId: body.personId ?? null,
      },
      now,
    );
    await deps.activities.create(activity);
    return { status: 201, body: toActivityResponse(activity), headers: { location: `/v1/activities/${activity.id}` } };
  };

/**
 * By opportunity: its activities in chronological order (a user or status given as well filters the
 * page). By user alone: that user's open activities by due time, or the done ones with `status=done`.
 */
export const listActivities =
  (deps: ActivitiesDeps) =>
  async (request: HttpRequest<undefined, undefined, z.infer<typeof ActivityListQuery>>): Promise<HttpResult> => {
    const query = request.query;
    const range = {
      dueFrom: timeBound(query.dueFrom, 'from'),
      dueTo: timeBound(query.dueTo, 'to'),
      limit: query.limit ?? defaultLimit,
      cursor: query.cursor,
    };
    if (query.opportunityId !== undefined && query.ticketId !== undefined) {
      throw validationError([{ field: 'ticketId', message: 'list by opportunityId or by ticketId, not both' }]);
    }
    if (query.opportunityId !== undefined || query.ticketId !== undefined) {
      const page =
        query.opportunityId !== undefined
          ? await deps.activities.listByOpportunity(query.opportunityId, range)
          : await deps.activities.listByTicket(query.ticketId ?? '', range);
      const items = page.items.filter(
        (a) =>
          (query.status === undefined || a.status === query.status) &&
          (query.responsibleUserId === undefined || a.responsibleUserId === query.responsibleUserId),
      );
      return { status: 200, body: toActivityPageResponse({ items, nextCursor: page.nextCursor }) };
    }
    if (query.responsibleUserId !== undefined) {
      const page = await deps.activities.listByResponsible(query.responsibleUserId, { ...range, status: query.status });
      return { status: 200, body: toActivityPageResponse(page) };
    }
    throw validationError([
      { field: 'opportunityId', message: 'give opportunityId, ticketId or responsibleUserId' },
      { field: 'responsibleUserId', message: 'give opportunityId, ticketId or responsibleUserId' },
    ]);
  };

export const getActivity =
  (deps: ActivitiesDeps) =>
  async (request: HttpRequest<undefined, Path, undefined>): Promise<HttpResult> => ({
    status: 200,
    body: toActivityResponse(await load(deps, request.path.id)),
  });

/** Merge patch with the current version: reschedule (dueAt), reassign (responsibleUserId), or edit. */
export const patchActivityByHand =
  (deps: ActivitiesDeps) =>
  async (request: HttpRequest<z.infer<typeof ActivityPatchBody>, Path, undefined>): Promise<HttpResult> => {
    const activity = await load(deps, request.path.id);
    const { version, ...patch } = request.body;
    if (version !== activity.version) {
      throw conflict('stale-version', `activity ${activity.id} is at version ${activity.version}, not ${version}`);
    }
    if (patch.responsibleUserId !== undefined && patch.responsibleUserId !== activity.responsibleUserId) {
      await requireUser(deps, patch.responsibleUserId);
    }
    const next = patchActivity(activity, patch, deps.now());
    await deps.activities.update(activity, next);
    return { status: 200, body: toActivityResponse(next) };
  };

/** Done is final and repeatable: a second call answers the activity as it is. */
export const markDone =
  (deps: ActivitiesDeps) =>
  async (request: HttpRequest<undefined, Path, undefined>): Promise<HttpResult> => {
    const activity = await load(deps, request.path.id);
    const next = markActivityDone(activity, deps.now());
    if (next !== activity) await deps.activities.update(activity, next);
    return { status: 200, body: toActivityResponse(next) };
  };

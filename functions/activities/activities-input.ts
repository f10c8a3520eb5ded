/** What activity requests must look like: creation, list filters, merge patches. */
import * as z from 'zod/mini';
import { activityStatuses } from '../../domain/activities/activity.ts';
import { activityTypePattern, pipelineLimits } from '../../domain/pipelines/pipeline.ts';
import { LimitParam } from '../shared/cursor.ts';
import { DateTime, orderedBounds, TimeBound } from '../shared/validation.ts';

const id = z.string().check(z.minLength(1), z.maxLength(128));

/** call, email, meeting, task, or a custom code such as site_visit */
const ActivityType = z
  .string()
  .check(z.regex(activityTypePattern, 'use call, email, meeting, task or a short code such as site_visit'));
const Subject = z.string().check(z.trim(), z.minLength(1), z.maxLength(300));
/** An ISO 8601 time with a zone (Z or an offset); stored in UTC. */
const DueAt = DateTime;
const Duration = z
  .number()
  .check(
    z.int('must be a whole number of minutes'),
    z.minimum(pipelineLimits.minDurationMinutes, `must be at least ${pipelineLimits.minDurationMinutes}`),
    z.maximum(pipelineLimits.maxDurationMinutes, `must be at most ${pipelineLimits.maxDurationMinutes}`),
  );

export const NewActivityBody = z.lazy(() =>
  z.strictObject({
    type: ActivityType,
    subject: Subject,
    dueAt: DueAt,
    durationMinutes: z.optional(Duration),
    responsibleUserId: z.optional(id),
    opportunityId: z.optional(id),
    /** the ticket it belongs to (not with opportunityId) */
    ticketId: z.optional(id),
    companyId: z.optional(id),
    personId: z.optional(id),
  }),
);

export const ActivityPatchBody = z.lazy(() =>
  z.strictObject({
    version: z.number().check(z.int()),
    type: z.optional(ActivityType),
    subject: z.optional(Subject),
    dueAt: z.optional(DueAt),
    durationMinutes: z.optional(Duration),
    responsibleUserId: z.optional(id),
  }),
);

export const ActivityListQuery = z
  .strictObject({
    limit: LimitParam,
    cursor: z.optional(z.string()),
    opportunityId: z.optional(id),
    ticketId: z.optional(id),
    responsibleUserId: z.optional(id),
    status: z.optional(z.enum(activityStatuses)),
    dueFrom: z.optional(TimeBound),
    dueTo: z.optional(TimeBound),
  })
  .check(orderedBounds('dueFrom', 'dueTo'));

export const ActivityIdPath = z.lazy(() => z.object({ id: z.string().check(z.minLength(1), z.maxLength(64)) }));

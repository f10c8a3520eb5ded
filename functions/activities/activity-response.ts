/** What the API answers for an activity: its own schema, mapped field by field from the domain record. */
import * as z from 'zod/mini';
import { type Activity, activityStatuses } from '../../domain/activities/activity.ts';

export const ActivityOut = z.lazy(() =>
  z.object({
    id: z.string(),
    type: z.string(),
    subject: z.string(),
    dueAt: z.string(),
    durationMinutes: z.number(),
    status: z.enum(activityStatuses),
    doneAt: z.nullable(z.string()),
    responsibleUserId: z.nullable(z.string()),
    opportunityId: z.nullable(z.string()),
    companyId: z.nullable(z.string()),
    personId: z.nullable(z.string()),
    ticketId: z.nullable(z.string()),
    reminderSentAt: z.nullable(z.string()),
    createdAt: z.string(),
    updatedAt: z.string(),
    version: z.number(),
  }),
);
export type ActivityResponse = z.infer<typeof ActivityOut>;

export const toActivityResponse = (activity: Activity): ActivityResponse => ({
  id: activity.id,
  type: activity.type,
  subject: activity.subject,
  dueAt: activity.dueAt,
  durationMinutes: activity.durationMinutes,
  status: activity.status,
  doneAt: activity.doneAt,
  responsibleUserId: activity.responsibleUserId,
  opportunityId: activity.opportunityId,
  companyId: activity.companyId,
  personId: activity.personId,
  ticketId: activity.ticketId,
  reminderSentAt: activity.reminderSentAt,
  createdAt: activity.createdAt,
  updatedAt: activity.updatedAt,
  version: activity.version,
});

export const ActivityPageOut = z.lazy(() =>
  z.object({ items: z.array(ActivityOut), nextCursor: z.nullable(z.string()) }),
);

export const toActivityPageResponse = (page: {
  items: readonly Activity[];
  nextCursor: string | null;
}): z.infer<typeof ActivityPageOut> => ({
  items: page.items.map(toActivityResponse),
  nextCursor: page.nextCursor,
});

/** `activity-plan-requested` v1: schedule the activity plan of an opportunity's pipeline from a start date. */
import * as z from 'zod/mini';

export const ActivityPlanRequestedV1 = z.object({
  type: z.literal('activity-plan-requested'),
  version: z.literal(1),
  opportunityId: z.string().check(z.minLength(1)),
  pipelineId: z.string().check(z.minLength(1)),
  /** YYYY-MM-DD: offsets are counted in working days from here */
  startDate: z.string().check(z.regex(/^\d{4}-\d{2}-\d{2}$/)),
  requestedBy: z.nullable(z.string()),
  requestedAt: z.iso.datetime(),
});
export type ActivityPlanRequestedV1 = z.infer<typeof ActivityPlanRequestedV1>;

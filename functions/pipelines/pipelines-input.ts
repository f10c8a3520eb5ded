/** What pipeline requests must look like: steps with probabilities and an activity plan in working days. */
import * as z from 'zod/mini';
import {
  activityTypePattern,
  pipelineLimits,
  pipelineStages,
  planTimePattern,
  stepIdPattern,
} from '../../domain/pipelines/pipeline.ts';
import { LimitParam } from '../shared/cursor.ts';

const text = (max: number) => z.string().check(z.trim(), z.minLength(1, 'must not be empty'), z.maxLength(max));
const whole = (min: number, max: number, unit: string) =>
  z.number().check(z.int(`must be a whole number of ${unit}`), z.minimum(min), z.maximum(max));

export const StepInput = z.lazy(() =>
  z.strictObject({
    id: z.string().check(z.regex(stepIdPattern, 'use a short lower-case code such as angebot')),
    name: text(100),
    probability: z.number().check(z.int('must be a whole percentage'), z.minimum(0), z.maximum(100)),
  }),
);

export const PlannedActivityInput = z.lazy(() =>
  z.strictObject({
    type: z
      .string()
      .check(z.regex(activityTypePattern, 'use call, email, meeting, task or a custom code such as demo')),
    subject: text(300),
    offsetDays: whole(0, pipelineLimits.maxOffsetDays, 'working days'),
    durationMinutes: whole(pipelineLimits.minDurationMinutes, pipelineLimits.maxDurationMinutes, 'minutes'),
    /** 'responsible' (the opportunity's responsible user) or a user id */
    assignee: z._default(z.string().check(z.minLength(1), z.maxLength(128)), 'responsible'),
    /** HH:MM in Europe/Berlin; 09:00 when absent */
    time: z.optional(z.string().check(z.regex(planTimePattern, 'use HH:MM'))),
  }),
);

const Steps = z
  .array(StepInput)
  .check(
    z.minLength(pipelineLimits.minSteps, 'give at least one step'),
    z.maxLength(pipelineLimits.maxSteps, `give at most ${pipelineLimits.maxSteps} steps`),
  );
const Plan = z
  .array(PlannedActivityInput)
  .check(z.maxLength(pipelineLimits.maxPlanItems, `at most ${pipelineLimits.maxPlanItems} activities`));

export const NewPipelineBody = z.lazy(() =>
  z.strictObject({
    name: text(100),
    stage: z.enum(pipelineStages),
    steps: Steps,
    activityPlan: z._default(Plan, []),
  }),
);

export const PipelinePatchBody = z.lazy(() =>
  z.strictObject({
    version: z.number().check(z.int()),
    name: z.optional(text(100)),
    /** named only to say it cannot change: a lead pipeline holds leads */
    stage: z.optional(z.enum(pipelineStages)),
    steps: z.optional(Steps),
    activityPlan: z.optional(Plan),
  }),
);

export const PipelineIdPath = z.lazy(() => z.object({ id: z.string().check(z.minLength(1), z.maxLength(64)) }));

/** The list convention's `limit` and `cursor` (API.md), and the stage. */
export const PipelineListQuery = z.lazy(() =>
  z.strictObject({
    limit: LimitParam,
    cursor: z.optional(z.string()),
    stage: z.optional(z.enum(pipelineStages)),
  }),
);

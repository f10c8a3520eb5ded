/** What the API answers for a pipeline: its own schema, mapped field by field from the domain record. */
import * as z from 'zod/mini';
import { type Pipeline, type PlannedActivity, pipelineStages } from '../../domain/pipelines/pipeline.ts';

const PlannedActivityOut = z.object({
  type: z.string(),
  subject: z.string(),
  offsetDays: z.number(),
  durationMinutes: z.number(),
  assignee: z.string(),
  time: z.optional(z.string()),
});

export const PipelineOut = z.lazy(() =>
  z.object({
    id: z.string(),
    name: z.string(),
    stage: z.enum(pipelineStages),
    steps: z.array(z.object({ id: z.string(), name: z.string(), probability: z.number() })),
    activityPlan: z.array(PlannedActivityOut),
    createdAt: z.string(),
    updatedAt: z.string(),
    version: z.number(),
  }),
);
export type PipelineResponse = z.infer<typeof PipelineOut>;

const toPlannedActivityResponse = (planned: PlannedActivity): z.infer<typeof PlannedActivityOut> => ({
  type: planned.type,
  subject: planned.subject,
  offsetDays: planned.offsetDays,
  durationMinutes: planned.durationMinutes,
  assignee: planned.assignee,
  ...(planned.time === undefined ? {} : { time: planned.time }),
});

export const toPipelineResponse = (pipeline: Pipeline): PipelineResponse => ({
  id: pipeline.id,
  name: pipeline.name,
  stage: pipeline.stage,
  steps: pipeline.steps.map((step) => ({ id: step.id, name: step.name, probability: step.probability })),
  activityPlan: pipeline.activityPlan.map(toPlannedActivityResponse),
  createdAt: pipeline.createdAt,
  updatedAt: pipeline.updatedAt,
  version: pipeline.version,
});

export const PipelinePageOut = z.lazy(() =>
  z.object({ items: z.array(PipelineOut), nextCursor: z.nullable(z.string()) }),
);

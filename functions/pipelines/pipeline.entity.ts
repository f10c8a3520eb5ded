/** Pipelines in the table, listed by stage and name; the two defaults live in the domain until an admin changes one. */
import * as z from 'zod/mini';
import { pipelineStages } from '../../domain/pipelines/pipeline.ts';
import { defineEntity, onIndex } from '../shared/entity.ts';

const allPartition = 'PIPELINES';

export const pipelines = defineEntity({
  name: 'pipeline',
  version: 1,
  schema: z.lazy(() =>
    z.object({
      id: z.string(),
      name: z.string(),
      stage: z.enum(pipelineStages),
      steps: z.array(z.object({ id: z.string(), name: z.string(), probability: z.number() })),
      activityPlan: z.array(
        z.object({
          type: z.string(),
          subject: z.string(),
          offsetDays: z.number(),
          durationMinutes: z.number(),
          assignee: z.string(),
          time: z.optional(z.string()),
        }),
      ),
      createdAt: z.string(),
      updatedAt: z.string(),
      version: z.number(),
    }),
  ),
  key: (id: string) => ({ pk: `PIPELINE#${id}`, sk: 'PIPELINE' }),
  keyOf: (pipeline) => [pipeline.id],
  indexes: (pipeline) => [
    { index: 'gsi1', pk: allPartition, sk: `${pipeline.stage}#${pipeline.name.toLowerCase()}#${pipeline.id}` },
  ],
  patterns: {
    /** every stored pipeline, by stage and name */
    all: () => onIndex('gsi1', allPartition),
  },
});

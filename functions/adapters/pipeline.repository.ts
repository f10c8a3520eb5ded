/** Pipelines in the single table; the two defaults answer until an admin stores a change to them under their id. */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod/mini';
import {
  defaultPipelineFor,
  defaultPipelines,
  isDefaultPipelineId,
  type Pipeline,
  type PipelineStage,
  pipelineStages,
} from '../../domain/pipelines/pipeline.ts';
import { conflict } from '../../domain/shared/errors.ts';
import { entityTags, pipelineKey, pipelinesAll, pipelinesAllPartition } from '../shared/table.ts';
import { parseStored } from '../shared/validation.ts';
import { queryWholePartition } from './index-page.ts';

export const PipelineSchema = z.object({
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
});

const item = (pipeline: Pipeline) => ({
  ...pipelineKey(pipeline.id),
  ...pipelinesAll(pipeline.stage, pipeline.name, pipeline.id),
  ...entityTags('pipeline', 1),
  ...pipeline,
});

/** The shipped defaults are shared constants: callers get their own copy to change. */
const copy = (pipeline: Pipeline): Pipeline => structuredClone(pipeline);

const byStageAndName = (a: Pipeline, b: Pipeline): number =>
  a.stage.localeCompare(b.stage) || a.name.localeCompare(b.name, 'de') || a.id.localeCompare(b.id);

export const createPipelineRepository = (doc: DynamoDBDocumentClient, tableName: string) => {
  const parse = (stored: Record<string, unknown>): Pipeline => parseStored(PipelineSchema, stored, 'pipeline');

  const get = async (id: string, options: { consistent?: boolean } = {}): Promise<Pipeline | null> => {
    const res = await doc.send(
      new GetCommand({ TableName: tableName, Key: pipelineKey(id), ConsistentRead: options.consistent ?? false }),
    );
    if (res.Item) return parse(res.Item);
    const fallback = defaultPipelines.find((p) => p.id === id);
    return fallback ? copy(fallback) : null;
  };

  return {
    get,

    /** Every pipeline, stored ones and the defaults nobody changed, by stage and name (a short list: no paging). */
    async list(): Promise<Pipeline[]> {
      const stored = (
        await queryWholePartition(doc, tableName, { index: 'gsi1', partition: pipelinesAllPartition })
      ).map(parse);
      const untouched = defaultPipelines.filter((d) => !stored.some((p) => p.id === d.id)).map(copy);
      return [...stored, ...untouched].sort(byStageAndName);
    },

    /** The default pipeline of a stage, as an admin last changed it. */
    async defaultFor(stage: PipelineStage): Promise<Pipeline> {
      return (await get(defaultPipelineFor(stage).id)) ?? copy(defaultPipelineFor(stage));
    },

    async create(pipeline: Pipeline): Promise<void> {
      try {
        await doc.send(
          new PutCommand({
            TableName: tableName,
            Item: item(pipeline),
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        );
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) {
          throw conflict('pipeline-exists', `pipeline ${pipeline.id} exists already`);
        }
        throw error;
      }
    },

    /**
     * Writes a change if nobody changed the pipeline since `previous`. A default that was never
     * stored is at version 1 without an item, so the first change of it is conditional on absence.
     */
    async update(previous: Pipeline, next: Pipeline): Promise<void> {
      const condition = isDefaultPipelineId(previous.id)
        ? 'attribute_not_exists(pk) OR version = :expected'
        : 'version = :expected';
      try {
        await doc.send(
          new PutCommand({
            TableName: tableName,
            Item: item(next),
            ConditionExpression: condition,
            ExpressionAttributeValues: { ':expected': previous.version },
          }),
        );
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) {
          throw conflict('stale-version', `pipeline ${previous.id} has changed since version ${previous.version}`);
        }
        throw error;
      }
    },
  };
};

export type PipelineRepository = ReturnType<typeof createPipelineRepository>;

/** Pipelines in the single table; the two defaults answer until an admin stores a change to them under their id. */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  defaultPipelineFor,
  defaultPipelines,
  isDefaultPipelineId,
  type Pipeline,
  type PipelineStage,
} from '../../domain/pipelines/pipeline.ts';
import { conflict, validationError } from '../../domain/shared/errors.ts';
import { decodeCursor, encodeCursor } from '../shared/cursor.ts';
import { createStore, type Page } from '../shared/store.ts';
import { pipelines } from './pipeline.entity.ts';

/** The shipped defaults are shared constants: callers get their own copy to change. */
const copy = (pipeline: Pipeline): Pipeline => structuredClone(pipeline);

const byStageAndName = (a: Pipeline, b: Pipeline): number =>
  a.stage.localeCompare(b.stage) || a.name.localeCompare(b.name, 'de') || a.id.localeCompare(b.id);

export const createPipelineRepository = (doc: DynamoDBDocumentClient, tableName: string) => {
  const store = createStore(doc, tableName);

  const get = async (id: string, options: { consistent?: boolean } = {}): Promise<Pipeline | null> => {
    const stored = await store.get(pipelines, pipelines.key(id), options);
    if (stored) return stored;
    const fallback = defaultPipelines.find((p) => p.id === id);
    return fallback ? copy(fallback) : null;
  };

  /** Every pipeline, stored ones and the defaults nobody changed, by stage and name (a short list). */
  const list = async (): Promise<Pipeline[]> => {
    const stored = await store.queryAll(pipelines, pipelines.patterns.all());
    const untouched = defaultPipelines.filter((d) => !stored.some((p) => p.id === d.id)).map(copy);
    return [...stored, ...untouched].sort(byStageAndName);
  };

  return {
    get,

    list,

    /**
     * A page of `list`, optionally of one stage: the list is short and read whole, so the cursor is
     * the key of the last pipeline shown and the next page starts after it.
     */
    async listPage(query: { stage?: PipelineStage | undefined; limit: number; cursor?: string | undefined }) {
      const all = (await list()).filter((p) => query.stage === undefined || p.stage === query.stage);
      const after = decodeCursor(query.cursor);
      const start = after === undefined ? 0 : all.findIndex((p) => pipelines.key(p.id).pk === after.pk) + 1;
      if (start === 0 && after !== undefined) {
        throw validationError([{ field: 'cursor', message: 'not a cursor this list returned' }]);
      }
      const items = all.slice(start, start + query.limit);
      const last = items.at(-1);
      const more = last !== undefined && start + query.limit < all.length;
      return { items, nextCursor: more ? encodeCursor(pipelines.key(last.id)) : null } satisfies Page<Pipeline>;
    },

    /** The default pipeline of a stage, as an admin last changed it. */
    async defaultFor(stage: PipelineStage): Promise<Pipeline> {
      return (await get(defaultPipelineFor(stage).id)) ?? copy(defaultPipelineFor(stage));
    },

    async create(pipeline: Pipeline): Promise<void> {
      try {
        await store.put(pipelines, pipeline, { expression: 'attribute_not_exists(pk)' });
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
      const expression = isDefaultPipelineId(previous.id)
        ? 'attribute_not_exists(pk) OR version = :expected'
        : 'version = :expected';
      try {
        await store.put(pipelines, next, { expression, values: { ':expected': previous.version } });
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

/** Pipelines: everyone reads them (defaults included); admins create them and change steps and activity plans. */
import { ulid } from 'ulid';
import type * as z from 'zod/mini';
import {
  createPipeline,
  type Pipeline,
  type PlannedActivity,
  patchPipeline,
  planAssignees,
  removedStepIds,
} from '../../domain/pipelines/pipeline.ts';
import { conflict, notFound, unprocessable, validationError } from '../../domain/shared/errors.ts';
import type { OpportunityRepository } from '../opportunities/opportunity.repository.ts';
import { defaultLimit } from '../shared/cursor.ts';
import type { HttpRequest, HttpResult } from '../shared/http.ts';
import type { UserRepository } from '../users/user.repository.ts';
import type { PipelineRepository } from './pipeline.repository.ts';
import { toPipelineResponse } from './pipeline-response.ts';
import type { NewPipelineBody, PipelineIdPath, PipelineListQuery, PipelinePatchBody } from './pipelines-input.ts';

export type PipelinesDeps = {
  pipelines: PipelineRepository;
  opportunities: Pick<OpportunityRepository, 'hasOpenOnStep'>;
  users: Pick<UserRepository, 'findUser'>;
  now: () => Date;
};

type Path = z.infer<typeof PipelineIdPath>;

const location = (id: string) => ({ location: `/v1/pipelines/${id}` });

/** A plan's named assignees must be users: 422 naming the entry (`activityPlan.3.assignee`). */
const checkAssignees = async (deps: PipelinesDeps, plan: readonly PlannedActivity[]): Promise<void> => {
  for (const { index, userId } of planAssignees(plan)) {
    if (!(await deps.users.findUser(userId))) {
      throw unprocessable(`activityPlan.${index}.assignee`, `no user ${userId} (or use "responsible")`);
    }
  }
};

/** Pipelines by stage and name, a page at a time as every list (API.md). */
export const listPipelines =
  (deps: PipelinesDeps) =>
  async (request: HttpRequest<undefined, undefined, z.infer<typeof PipelineListQuery>>): Promise<HttpResult> => {
    const { stage, cursor } = request.query;
    const page = await deps.pipelines.listPage({ stage, limit: request.query.limit ?? defaultLimit, cursor });
    return { status: 200, body: { items: page.items.map(toPipelineResponse), nextCursor: page.nextCursor } };
  };

export const getPipeline =
  (deps: PipelinesDeps) =>
  async (request: HttpRequest<undefined, Path, undefined>): Promise<HttpResult> => {
    const pipeline = await deps.pipelines.get(request.path.id);
    if (!pipeline) throw notFound('pipeline', request.path.id);
    return { status: 200, body: toPipelineResponse(pipeline) };
  };

export const createPipelineFromRequest =
  (deps: PipelinesDeps) =>
  async (request: HttpRequest<z.infer<typeof NewPipelineBody>, undefined, undefined>): Promise<HttpResult> => {
    const now = deps.now();
    const pipeline = createPipeline(ulid(now.getTime()), request.body, now);
    await checkAssignees(deps, pipeline.activityPlan);
    await deps.pipelines.create(pipeline);
    return { status: 201, body: toPipelineResponse(pipeline), headers: location(pipeline.id) };
  };

/** Opportunities standing on a step would be stranded if it went away: 409 naming the steps. */
const checkRemovedSteps = async (deps: PipelinesDeps, before: Pipeline, after: Pipeline): Promise<void> => {
  const removed = removedStepIds(before, after);
  const used = (
    await Promise.all(
      removed.map(async (stepId) => ((await deps.opportunities.hasOpenOnStep(before.id, stepId)) ? [stepId] : [])),
    )
  ).flat();
  if (used.length > 0) {
    throw conflict(
      'step-in-use',
      `open opportunities stand on ${used.join(', ')}; move them to another step before removing it`,
      { stepIds: used },
    );
  }
};

export const patchPipelineFromRequest =
  (deps: PipelinesDeps) =>
  async (request: HttpRequest<z.infer<typeof PipelinePatchBody>, Path, undefined>): Promise<HttpResult> => {
    const pipeline = await deps.pipelines.get(request.path.id, { consistent: true });
    if (!pipeline) throw notFound('pipeline', request.path.id);
    const { version, stage, ...patch } = request.body;
    if (stage !== undefined && stage !== pipeline.stage) {
      throw validationError([
        { field: 'stage', message: `a ${pipeline.stage} pipeline stays one; create a ${stage} pipeline instead` },
      ]);
    }
    if (version !== pipeline.version) {
      throw conflict('stale-version', `pipeline ${pipeline.id} is at version ${pipeline.version}, not ${version}`);
    }
    const next = patchPipeline(pipeline, patch, deps.now());
    await checkAssignees(deps, next.activityPlan);
    await checkRemovedSteps(deps, pipeline, next);
    await deps.pipelines.update(pipeline, next);
    return { status: 200, body: toPipelineResponse(next) };
  };

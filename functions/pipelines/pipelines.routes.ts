/** The pipeline routes' contracts: everyone reads pipelines, admins create and change them. */
import type { AnyRouteSpec } from '../shared/http.ts';
import { PipelineOut, PipelinePageOut } from './pipeline-response.ts';
import { NewPipelineBody, PipelineIdPath, PipelineListQuery, PipelinePatchBody } from './pipelines-input.ts';

const pipeline = (status: number, description: string) => ({ status, description, schema: PipelineOut });

export const pipelinesRoutes = {
  'GET /v1/pipelines': {
    summary: 'Every lead and deal pipeline (the defaults default-lead and default-deal included), by stage and name',
    auth: 'user',
    query: PipelineListQuery,
    responds: {
      status: 200,
      description: 'a page of pipelines, by stage and name',
      schema: PipelinePageOut,
    },
  },
  'POST /v1/pipelines': {
    summary: 'Creates a pipeline with its ordered steps and activity plan (admins only)',
    auth: 'admin',
    body: NewPipelineBody,
    responds: pipeline(201, 'the pipeline'),
  },
  'GET /v1/pipelines/{id}': {
    summary: 'One pipeline',
    auth: 'user',
    path: PipelineIdPath,
    responds: pipeline(200, 'the pipeline'),
  },
  'PATCH /v1/pipelines/{id}': {
    summary:
      'Changes a pipeline: a merge patch carrying the current version; steps and activityPlan replace the whole list; a step with open opportunities cannot be removed (admins only)',
    auth: 'admin',
    path: PipelineIdPath,
    body: PipelinePatchBody,
    responds: pipeline(200, 'the pipeline'),
  },
} as const satisfies Record<string, AnyRouteSpec>;

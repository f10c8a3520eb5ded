/**
 * Lead and deal pipelines with their steps and activity plans.
 * Wired to their dependencies here; pipelines-api.handler.ts loads this with the first request.
 */
import * as z from 'zod/mini';
import { createOpportunityRepository } from '../opportunities/opportunity.repository.ts';
import { sharedDocumentClient } from '../shared/dynamodb-client.ts';
import { readEnv, tableEnv } from '../shared/env.ts';
import { routeTable } from '../shared/http.ts';
import { tableUsers } from '../users/table-users.ts';
import { createPipelineRepository } from './pipeline.repository.ts';
import { pipelinesRoutes } from './pipelines.routes.ts';
import { createPipelineFromRequest, getPipeline, listPipelines, patchPipelineFromRequest } from './pipelines.ts';

const env = readEnv(z.object(tableEnv));
const doc = sharedDocumentClient();
// the router's user lookup and these routes share one repository
const users = tableUsers;
const deps = {
  pipelines: createPipelineRepository(doc, env.TABLE_NAME),
  opportunities: createOpportunityRepository(doc, env.TABLE_NAME),
  users,
  now: () => new Date(),
};

export const routes = routeTable(pipelinesRoutes, {
  'GET /v1/pipelines': listPipelines(deps),
  'POST /v1/pipelines': createPipelineFromRequest(deps),
  'GET /v1/pipelines/{id}': getPipeline(deps),
  'PATCH /v1/pipelines/{id}': patchPipelineFromRequest(deps),
});

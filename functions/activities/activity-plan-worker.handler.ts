/** Lambda: the activity-plans queue's worker. */
import * as z from 'zod/mini';
import { ActivityPlanRequestedV1 } from '../../events/activity-plan-requested.v1.ts';
import { createOpportunityRepository } from '../opportunities/opportunity.repository.ts';
import { createPipelineRepository } from '../pipelines/pipeline.repository.ts';
import { createSettingsRepository } from '../settings/settings.repository.ts';
import { createDocumentClient } from '../shared/dynamodb-client.ts';
import { readEnv, tableEnv } from '../shared/env.ts';
import { sqsHandler } from '../shared/sqs.ts';
import { createActivityRepository } from './activity.repository.ts';
import { scheduleActivityPlanRun } from './schedule-activity-plan.ts';

const env = readEnv(z.object(tableEnv));
const doc = createDocumentClient();
const schedule = scheduleActivityPlanRun({
  opportunities: createOpportunityRepository(doc, env.TABLE_NAME),
  pipelines: createPipelineRepository(doc, env.TABLE_NAME),
  settings: createSettingsRepository(doc, env.TABLE_NAME),
  activities: createActivityRepository(doc, env.TABLE_NAME),
  now: () => new Date(),
});

export const handler = sqsHandler(ActivityPlanRequestedV1, async (message) => {
  await schedule(message);
});

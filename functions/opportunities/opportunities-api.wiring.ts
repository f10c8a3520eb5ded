/** The opportunity routes, wired to the table (loaded by opportunities-api.handler.ts with the first request of one). */
import * as z from 'zod/mini';
import { createCompanyRepository } from '../contacts/company.repository.ts';
import { createLinkTargets } from '../contacts/link-targets.ts';
import { createPersonRepository } from '../contacts/person.repository.ts';
import { createPipelineRepository } from '../pipelines/pipeline.repository.ts';
import { createSettingsRepository } from '../settings/settings.repository.ts';
import { sharedDocumentClient } from '../shared/dynamodb-client.ts';
import { queueUrlEnv, readEnv, tableEnv } from '../shared/env.ts';
import { createQueuePublisher } from '../shared/queue-publisher.ts';
import { sharedSqsClient } from '../shared/sqs-client.ts';
import { tableUsers } from '../users/table-users.ts';
import { opportunityRouteHandlers } from './opportunities.ts';
import { createOpportunityRepository } from './opportunity.repository.ts';

const env = readEnv(z.object({ ...tableEnv, ...queueUrlEnv('activity-plans') }));
const doc = sharedDocumentClient();

export const routes = opportunityRouteHandlers({
  opportunities: createOpportunityRepository(doc, env.TABLE_NAME),
  pipelines: createPipelineRepository(doc, env.TABLE_NAME),
  companies: createCompanyRepository(doc, env.TABLE_NAME),
  persons: createPersonRepository(doc, env.TABLE_NAME),
  users: tableUsers,
  settings: createSettingsRepository(doc, env.TABLE_NAME),
  publisher: createQueuePublisher(sharedSqsClient()),
  activityPlansQueueUrl: env.QUEUE_URL_ACTIVITY_PLANS,
  tableName: env.TABLE_NAME,
  links: createLinkTargets(doc, env.TABLE_NAME),
  now: () => new Date(),
});

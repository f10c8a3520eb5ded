/** Lambda: opportunities, the conversion of inbox entries, and the personal board. */
import * as z from 'zod/mini';
import { createActivityRepository } from '../activities/activity.repository.ts';
import { createCompanyRepository } from '../contacts/company.repository.ts';
import { createLinkTargets } from '../contacts/link-targets.ts';
import { createPersonRepository } from '../contacts/person.repository.ts';
import { tableCandidateFinder } from '../duplicates/find-candidates.ts';
import { createInboxEntryRepository } from '../inbox/inbox-entry.repository.ts';
import { createPipelineRepository } from '../pipelines/pipeline.repository.ts';
import { createSettingsRepository } from '../settings/settings.repository.ts';
import { httpRouter } from '../shared/aws-http.ts';
import { createDocumentClient } from '../shared/dynamodb-client.ts';
import { queueUrlEnv, readEnv, tableEnv } from '../shared/env.ts';
import { routeTable } from '../shared/http.ts';
import { createQueuePublisher } from '../shared/queue-publisher.ts';
import { createSqsClient } from '../shared/sqs-client.ts';
import { createTicketRepository } from '../tickets/ticket.repository.ts';
import { createUserRepository } from '../users/user.repository.ts';
import { conversionRoutes } from './conversion.routes.ts';
import { convertInboxEntryRequest } from './convert-inbox-entry.ts';
import { getMyBoard } from './my-board.ts';
import { opportunityRouteHandlers } from './opportunities.ts';
import { createOpportunityRepository } from './opportunity.repository.ts';

const env = readEnv(z.object({ ...tableEnv, ...queueUrlEnv('activity-plans') }));
const doc = createDocumentClient();
const users = createUserRepository(doc, env.TABLE_NAME);
const opportunities = createOpportunityRepository(doc, env.TABLE_NAME);
const pipelines = createPipelineRepository(doc, env.TABLE_NAME);
const persons = createPersonRepository(doc, env.TABLE_NAME);
const companies = createCompanyRepository(doc, env.TABLE_NAME);
const now = () => new Date();

export const handler = httpRouter(
  {
    ...opportunityRouteHandlers({
      opportunities,
      pipelines,
      companies,
      persons,
      users,
      settings: createSettingsRepository(doc, env.TABLE_NAME),
      publisher: createQueuePublisher(createSqsClient()),
      activityPlansQueueUrl: env.QUEUE_URL_ACTIVITY_PLANS,
      tableName: env.TABLE_NAME,
      links: createLinkTargets(doc, env.TABLE_NAME),
      now,
    }),
    ...routeTable(conversionRoutes, {
      'POST /v1/inbox/{id}/convert': convertInboxEntryRequest({
        doc,
        tableName: env.TABLE_NAME,
        inbox: createInboxEntryRepository(doc, env.TABLE_NAME),
        persons,
        companies,
        opportunities,
        pipelines,
        findCandidates: tableCandidateFinder(doc, env.TABLE_NAME),
        now,
      }),
      'GET /v1/me/board': getMyBoard({
        opportunities,
        activities: createActivityRepository(doc, env.TABLE_NAME),
        tickets: createTicketRepository(doc, env.TABLE_NAME),
        now,
      }),
    }),
  },
  users,
);

/** Converting an inbox entry, wired to the table (loaded by opportunities-api.handler.ts with its first request). */
import * as z from 'zod/mini';
import { createCompanyRepository } from '../contacts/company.repository.ts';
import { createPersonRepository } from '../contacts/person.repository.ts';
import { tableCandidateFinder } from '../duplicates/find-candidates.ts';
import { createInboxEntryRepository } from '../inbox/inbox-entry.repository.ts';
import { createPipelineRepository } from '../pipelines/pipeline.repository.ts';
import { sharedDocumentClient } from '../shared/dynamodb-client.ts';
import { readEnv, tableEnv } from '../shared/env.ts';
import { routeTable } from '../shared/http.ts';
import { conversionRoutes } from './conversion.routes.ts';
import { convertInboxEntryRequest } from './convert-inbox-entry.ts';
import { createOpportunityRepository } from './opportunity.repository.ts';

const env = readEnv(z.object(tableEnv));
const doc = sharedDocumentClient();

export const routes = routeTable(
  { 'POST /v1/inbox/{id}/convert': conversionRoutes['POST /v1/inbox/{id}/convert'] },
  {
    'POST /v1/inbox/{id}/convert': convertInboxEntryRequest({
      doc,
      tableName: env.TABLE_NAME,
      inbox: createInboxEntryRepository(doc, env.TABLE_NAME),
      persons: createPersonRepository(doc, env.TABLE_NAME),
      companies: createCompanyRepository(doc, env.TABLE_NAME),
      opportunities: createOpportunityRepository(doc, env.TABLE_NAME),
      pipelines: createPipelineRepository(doc, env.TABLE_NAME),
      findCandidates: tableCandidateFinder(doc, env.TABLE_NAME),
      now: () => new Date(),
    }),
  },
);

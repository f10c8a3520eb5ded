/** Lambda: scheduled every five minutes; finishes merges of persons and companies that stopped halfway. */

import type { Context } from 'aws-lambda';
import * as z from 'zod/mini';
import { initDeferred } from '../../domain/shared/deferred-init.ts';
import { scheduledRun } from '../shared/correlation.ts';
import { createDocumentClient } from '../shared/dynamodb-client.ts';
import { readEnv, tableEnv } from '../shared/env.ts';
import { createCompanyRepository } from './company.repository.ts';
import { createPersonRepository } from './person.repository.ts';
import { createRecordMerger, listPendingMerges } from './record-merge.ts';
import { resumeMerges } from './resume-merges.ts';

const env = readEnv(z.object(tableEnv));
const doc = createDocumentClient();
const persons = createPersonRepository(doc, env.TABLE_NAME);
const companies = createCompanyRepository(doc, env.TABLE_NAME);
const deps = {
  listPending: (startedBefore: string, limit: number) => listPendingMerges(doc, env.TABLE_NAME, startedBefore, limit),
  persons,
  personMerger: createRecordMerger(doc, env.TABLE_NAME, persons),
  companies,
  companyMerger: createRecordMerger(doc, env.TABLE_NAME, companies),
  now: () => new Date(),
};

export const handler = async (_event?: unknown, context?: Context) =>
  scheduledRun(context, async () => {
    await initDeferred();
    return resumeMerges(deps);
  });

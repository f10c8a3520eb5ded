/**
 * Persons, companies, merges and the duplicate check of the CRM API.
 * Wired to their dependencies here; contacts-api.handler.ts loads this with the first request.
 */
import * as z from 'zod/mini';
import { tableCandidateFinder } from '../duplicates/find-candidates.ts';
import { createEmailRepository } from '../emails/email.repository.ts';
import { createSettingsRepository } from '../settings/settings.repository.ts';
import { sharedDocumentClient } from '../shared/dynamodb-client.ts';
import { readEnv, tableEnv } from '../shared/env.ts';
import { routeTable } from '../shared/http.ts';
import { createStore } from '../shared/store.ts';
import { checkDuplicatesRequest } from './check-duplicates-request.ts';
import {
  createCompanyFromRequest,
  getCompany,
  listCompanies,
  mergeCompanies,
  patchCompanyFromRequest,
} from './companies.ts';
import { createCompanyRepository } from './company.repository.ts';
import { listCompanyBranches, listCompanyPersons } from './company-structure.ts';
import { getCompanyTimeline } from './company-timeline.ts';
import { contactsRoutes } from './contacts.routes.ts';
import { createPersonFromEmail } from './email-persons.ts';
import { createPersonRepository } from './person.repository.ts';
import { createPersonFromRequest, getPerson, listPersons, mergePersons, patchPersonFromRequest } from './persons.ts';
import { createRecordMerger } from './record-merge.ts';

const env = readEnv(z.object(tableEnv));
const doc = sharedDocumentClient();
const persons = createPersonRepository(doc, env.TABLE_NAME);
const companies = createCompanyRepository(doc, env.TABLE_NAME);
const findCandidates = tableCandidateFinder(doc, env.TABLE_NAME);
const now = () => new Date();
const personDeps = {
  persons,
  companies,
  settings: createSettingsRepository(doc, env.TABLE_NAME),
  personMerger: createRecordMerger(doc, env.TABLE_NAME, persons),
  findCandidates,
  now,
};
const companyDeps = {
  companies,
  persons,
  companyMerger: createRecordMerger(doc, env.TABLE_NAME, companies),
  findCandidates,
  now,
};

const emails = createEmailRepository(doc, env.TABLE_NAME);

export const routes = routeTable(contactsRoutes, {
  'POST /v1/persons': createPersonFromRequest(personDeps),
  'GET /v1/persons': listPersons(personDeps),
  'GET /v1/persons/{id}': getPerson(personDeps),
  'PATCH /v1/persons/{id}': patchPersonFromRequest(personDeps),
  'POST /v1/persons/{id}/merge': mergePersons(personDeps),
  'POST /v1/companies': createCompanyFromRequest(companyDeps),
  'GET /v1/companies': listCompanies(companyDeps),
  'GET /v1/companies/{id}': getCompany(companyDeps),
  'PATCH /v1/companies/{id}': patchCompanyFromRequest(companyDeps),
  'POST /v1/companies/{id}/merge': mergeCompanies(companyDeps),
  'GET /v1/companies/{id}/persons': listCompanyPersons(companyDeps),
  'GET /v1/companies/{id}/branches': listCompanyBranches(companyDeps),
  'GET /v1/companies/{id}/timeline': getCompanyTimeline({ companies, store: createStore(doc, env.TABLE_NAME) }),
  'POST /v1/duplicates/check': checkDuplicatesRequest({ findCandidates }),
  'POST /v1/emails/{id}/persons': createPersonFromEmail({
    ...personDeps,
    emails,
  }),
});

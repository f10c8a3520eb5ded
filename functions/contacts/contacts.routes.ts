/** The contracts of the person, company and duplicate-check routes. */
import * as z from 'zod/mini';
import type { AnyRouteSpec } from '../shared/http.ts';
import {
  CompanyListQuery,
  CompanyPatchBody,
  CompanyStructureQuery,
  DuplicateCheckBody,
  MergeBody,
  NewCompanyBody,
  NewPersonBody,
  PersonListQuery,
  PersonPatchBody,
  RecordIdPath,
  TimelineQuery,
} from './contacts-input.ts';
import { CandidateResponse, CompanyResponse, PersonResponse, TimelineItem } from './contacts-response.ts';
import { EmailIdPath, EmailPersonBody } from './email-persons.ts';

const person = (status: number, description: string) => ({ status, description, schema: PersonResponse });
const company = (status: number, description: string) => ({ status, description, schema: CompanyResponse });

export const contactsRoutes = {
  'POST /v1/emails/{id}/persons': {
    summary:
      'Creates a person from one of an email’s unmatched addresses (names from its display name unless given), through duplicate protection, and links the email',
    auth: 'user',
    path: EmailIdPath,
    body: EmailPersonBody,
    responds: person(201, 'the person'),
  },
  'POST /v1/persons': {
    summary: 'Creates a person; possible duplicates answer 409 with the candidates unless "force": true',
    auth: 'user',
    body: NewPersonBody,
    responds: person(201, 'the person'),
  },
  'GET /v1/persons': {
    summary: 'Persons, newest first; companyId lists a company’s persons; q is a prefix search over names and emails',
    auth: 'user',
    query: PersonListQuery,
    responds: { status: 200, description: 'a page of persons' },
  },
  'GET /v1/persons/{id}': {
    summary: 'One person (a merged id answers 308 to the survivor)',
    auth: 'user',
    path: RecordIdPath,
    responds: person(200, 'the person'),
  },
  'PATCH /v1/persons/{id}': {
    summary: 'Changes a person: a merge patch carrying the current version',
    auth: 'user',
    path: RecordIdPath,
    body: PersonPatchBody,
    responds: person(200, 'the person'),
  },
  'POST /v1/persons/{id}/merge': {
    summary: 'Merges duplicateId into this person: data, lookups and every link move; resumable and idempotent',
    auth: 'user',
    path: RecordIdPath,
    body: MergeBody,
    responds: person(200, 'the survivor'),
  },
  'POST /v1/companies': {
    summary: 'Creates a company or household; possible duplicates answer 409 with the candidates unless "force": true',
    auth: 'user',
    body: NewCompanyBody,
    responds: company(201, 'the company'),
  },
  'GET /v1/companies': {
    summary:
      'Companies, newest first, filtered by relationship, type or parent; q is a prefix search over name and emails',
    auth: 'user',
    query: CompanyListQuery,
    responds: { status: 200, description: 'a page of companies' },
  },
  'GET /v1/companies/{id}': {
    summary: 'One company (a merged id answers 308 to the survivor)',
    auth: 'user',
    path: RecordIdPath,
    responds: company(200, 'the company'),
  },
  'PATCH /v1/companies/{id}': {
    summary: 'Changes a company: a merge patch carrying the current version',
    auth: 'user',
    path: RecordIdPath,
    body: CompanyPatchBody,
    responds: company(200, 'the company'),
  },
  'GET /v1/companies/{id}/persons': {
    summary:
      'The company’s persons: a page by name, or with view=tree its people by department, each department a supervisor hierarchy',
    auth: 'user',
    path: RecordIdPath,
    query: CompanyStructureQuery,
    responds: {
      status: 200,
      description:
        'a page of persons; with view=tree { companyId, departments: [{ id, name, people: [{ person, reports: [...] }] }], truncated }',
    },
  },
  'GET /v1/companies/{id}/branches': {
    summary: 'The company’s branches and subsidiaries: a page, or with view=tree the holding structure below it',
    auth: 'user',
    path: RecordIdPath,
    query: CompanyStructureQuery,
    responds: {
      status: 200,
      description:
        'a page of companies; with view=tree { company, branches: [{ company, branches: [...] }], truncated }',
    },
  },
  'GET /v1/companies/{id}/timeline': {
    summary:
      'What happened with the company and its people: its activities, emails, opportunities and tickets, newest first',
    auth: 'user',
    path: RecordIdPath,
    query: TimelineQuery,
    responds: {
      status: 200,
      description: 'a page of the timeline',
      schema: z.object({ items: z.array(TimelineItem), nextCursor: z.nullable(z.string()) }),
    },
  },
  'POST /v1/companies/{id}/merge': {
    summary: 'Merges duplicateId into this company: data, lookups and every link move; resumable and idempotent',
    auth: 'user',
    path: RecordIdPath,
    body: MergeBody,
    responds: company(200, 'the survivor'),
  },
  'POST /v1/duplicates/check': {
    summary: 'Candidates (persons, companies, open inbox entries) for a person or company being typed in',
    auth: 'user',
    body: DuplicateCheckBody,
    responds: {
      status: 200,
      description: 'the candidates, best first, at most ten',
      schema: z.object({ candidates: z.array(CandidateResponse) }),
    },
  },
} as const satisfies Record<string, AnyRouteSpec>;

/** Companies in the single table: the generic record store with the company's list keys, search words, lookups and links. */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod/mini';
import {
  type Company,
  companySearchTokens,
  companySortName,
  companyTypes,
  relationships,
} from '../../domain/companies/company.ts';
import { companyLookups } from '../../domain/duplicates/record-profiles.ts';
import { companiesAll, companiesByParent, companiesByRelationship } from '../shared/table.ts';
import { createRecordStore } from './contact-records.ts';
import { AddressSchema } from './person.repository.ts';
import type { Reference } from './references.ts';

export const CompanySchema = z.object({
  id: z.string(),
  name: z.string(),
  type: z.enum(companyTypes),
  relationship: z.enum(relationships),
  address: z.optional(AddressSchema),
  emails: z.array(z.string()),
  phones: z.array(z.string()),
  website: z.optional(z.string()),
  parentCompanyId: z.optional(z.string()),
  createdAt: z.string(),
  updatedAt: z.string(),
  version: z.number(),
});

export const companyReferences = (company: Company): Reference[] =>
  company.parentCompanyId
    ? [{ target: { kind: 'COMPANY', id: company.parentCompanyId }, field: 'parentCompanyId' }]
    : [];

export const createCompanyRepository = (doc: DynamoDBDocumentClient, tableName: string) =>
  createRecordStore<Company>(doc, tableName, {
    kind: 'COMPANY',
    entity: 'company',
    schema: CompanySchema,
    indexKeys: (company) => ({
      ...companiesAll(company.createdAt, company.id),
      ...companiesByRelationship(company.relationship, companySortName(company), company.id),
      ...(company.parentCompanyId
        ? companiesByParent(company.parentCompanyId, companySortName(company), company.id)
        : {}),
    }),
    searchTokens: companySearchTokens,
    lookups: companyLookups,
    references: companyReferences,
  });

export type CompanyRepository = ReturnType<typeof createCompanyRepository>;

/** Companies in the single table: the generic record store with the company's entity, search words, lookups and links. */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { type Company, companySearchTokens } from '../../domain/companies/company.ts';
import { companyLookups } from '../../domain/duplicates/record-profiles.ts';
import { companies } from './company.entity.ts';
import { createRecordStore } from './contact-records.ts';
import { companySearchItems } from './contact-search.entity.ts';
import { companyTombstones } from './merge-state.entity.ts';
import type { Reference } from './references.ts';

/** A company's links: its parent, and its main contact (a person merge moves it to the surviving person). */
export const companyReferences = (company: Company): Reference[] => [
  ...(company.parentCompanyId
    ? [{ target: { kind: 'COMPANY' as const, id: company.parentCompanyId }, field: 'parentCompanyId' }]
    : []),
  ...(company.mainContactId
    ? [{ target: { kind: 'PERSON' as const, id: company.mainContactId }, field: 'mainContactId' }]
    : []),
];

export const createCompanyRepository = (doc: DynamoDBDocumentClient, tableName: string) =>
  createRecordStore(doc, tableName, {
    kind: 'COMPANY',
    entity: companies,
    tombstones: companyTombstones,
    searchItems: companySearchItems,
    searchTokens: companySearchTokens,
    lookups: companyLookups,
    references: companyReferences,
  });

export type CompanyRepository = ReturnType<typeof createCompanyRepository>;

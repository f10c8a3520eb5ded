/** Companies in the single table: the generic record store with the company's entity, search words, lookups and links. */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { type Company, companySearchTokens } from '../../domain/companies/company.ts';
import { companyLookups } from '../../domain/duplicates/record-profiles.ts';
import { companies, companyRelationshipIndex } from '../contacts/company.entity.ts';
import { companySearchItems } from '../contacts/contact-search.entity.ts';
import { companyTombstones } from '../contacts/merge-state.entity.ts';
import { indexAttributes, type TransactItem } from '../shared/entity.ts';
import { createRecordStore } from './contact-records.ts';
import type { Reference } from './references.ts';

export const companyReferences = (company: Company): Reference[] =>
  company.parentCompanyId
    ? [{ target: { kind: 'COMPANY', id: company.parentCompanyId }, field: 'parentCompanyId' }]
    : [];

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

/**
 * A company becomes a customer in another record's transaction (a won opportunity): its relationship
 * and the relationship list it is in, its version, on the condition that it exists and is not being
 * merged away.
 */
export const becomesCustomer = (tableName: string, companyId: string, now: Date): TransactItem => {
  const customers = companyRelationshipIndex('customer');
  return {
    Update: {
      TableName: tableName,
      Key: companies.key(companyId),
      UpdateExpression: 'SET relationship = :customer, #list = :list, version = version + :one, updatedAt = :now',
      ConditionExpression:
        'attribute_exists(pk) AND attribute_not_exists(mergingInto) AND attribute_not_exists(mergedInto)',
      ExpressionAttributeNames: { '#list': indexAttributes(customers.index).pk },
      ExpressionAttributeValues: {
        ':customer': 'customer',
        ':list': customers.pk,
        ':one': 1,
        ':now': now.toISOString(),
      },
    },
  };
};

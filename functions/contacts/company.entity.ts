/** Companies and households in the table: keyed by id, listed newest first, by relationship and by parent (by folded name). */
import * as z from 'zod/mini';
import { type Company, companySortName, companyTypes, relationships } from '../../domain/companies/company.ts';
import { defineEntity, onIndex } from '../shared/entity.ts';
import { AddressSchema, StageFields } from './person.entity.ts';

export const CompanySchema = z.lazy(() =>
  z.object({
    id: z.string(),
    name: z.string(),
    type: z.enum(companyTypes),
    relationship: z.enum(relationships),
    ...StageFields,
    address: z.optional(AddressSchema),
    emails: z.array(z.string()),
    phones: z.array(z.string()),
    website: z.optional(z.string()),
    parentCompanyId: z.optional(z.string()),
    mainContactId: z.optional(z.string()),
    departments: z.optional(
      z.array(z.object({ id: z.string(), name: z.string(), aliases: z.optional(z.array(z.string())) })),
    ),
    createdAt: z.string(),
    updatedAt: z.string(),
    version: z.number(),
  }),
) satisfies z.ZodMiniType<Company>;

const allPartition = 'COMPANIES';
const byParentPartition = (parentId: string): string => `COMPANIES#PARENT#${parentId}`;
const byRelationshipPartition = (relationship: string): string => `COMPANIES#REL#${relationship}`;

/** The partition of a company's branches: it follows `parentCompanyId` (a merge moves it), the sort key stays. */
export const companyParentIndex = (parentId: string) => ({ index: 'gsi1', pk: byParentPartition(parentId) }) as const;

/** The partition of a relationship's companies: it follows `relationship` (a won deal makes a customer), the sort key stays. */
export const companyRelationshipIndex = (relationship: string) =>
  ({ index: 'gsi2', pk: byRelationshipPartition(relationship) }) as const;

/** The sort key of every company record item (the table stream's filter selects them by it). */
export const companyRecordSortKey = 'COMPANY';

export const companies = defineEntity({
  name: 'company',
  version: 1,
  schema: CompanySchema,
  key: (id: string) => ({ pk: `COMPANY#${id}`, sk: companyRecordSortKey }),
  keyOf: (company: Company) => [company.id],
  indexes: (company) => [
    { index: 'gsi4', pk: allPartition, sk: `${company.createdAt}#${company.id}` },
    { ...companyRelationshipIndex(company.relationship), sk: `${companySortName(company)}#${company.id}` },
    company.parentCompanyId
      ? { ...companyParentIndex(company.parentCompanyId), sk: `${companySortName(company)}#${company.id}` }
      : null,
  ],
  patterns: {
    /** every company, by creation (newest first when read backwards) */
    all: () => onIndex('gsi4', allPartition),
    /** the companies of one relationship (prospects, customers, …), by folded name */
    byRelationship: (relationship: string) => onIndex('gsi2', byRelationshipPartition(relationship)),
    /** the branches and subsidiaries of a company, by folded name */
    byParent: (parentId: string) => onIndex('gsi1', byParentPartition(parentId)),
  },
});

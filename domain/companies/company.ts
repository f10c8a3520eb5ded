/** The company (Firma, Organisation): a business or a private household, with its relationship to us and its parent. */
import { tokenize } from '../inbox/search-tokens.ts';
import { distinctEmails, distinctPhones } from '../persons/person.ts';
import { unprocessable } from '../shared/errors.ts';
import { applyMergePatch } from '../shared/merge-patch.ts';
import { normaliseEmail } from '../shared/normalise-email.ts';
import type { Address, AddressPatch } from '../shared/postal-address.ts';

export const companyTypes = ['company', 'household'] as const;
export type CompanyType = (typeof companyTypes)[number];
export const relationships = ['prospect', 'customer', 'supplier', 'partner'] as const;
export type Relationship = (typeof relationships)[number];

export type Company = {
  id: string;
  name: string;
  type: CompanyType;
  relationship: Relationship;
  address?: Address;
  emails: string[];
  phones: string[];
  website?: string;
  parentCompanyId?: string;
  createdAt: string;
  updatedAt: string;
  version: number;
};

export type CompanyFields = Omit<Company, 'id' | 'createdAt' | 'updatedAt' | 'version'>;

export const createCompany = (id: string, fields: CompanyFields, now: Date): Company => {
  const at = now.toISOString();
  return {
    ...fields,
    id,
    emails: distinctEmails(fields.emails),
    phones: distinctPhones(fields.phones),
    createdAt: at,
    updatedAt: at,
    version: 1,
  };
};

export type CompanyPatch = { [K in Exclude<keyof CompanyFields, 'address'>]?: CompanyFields[K] | null } & {
  address?: AddressPatch | null;
};

export const patchCompany = (company: Company, patch: CompanyPatch, now: Date): Company => {
  const next = applyMergePatch(company, patch);
  return {
    ...next,
    emails: distinctEmails(next.emails ?? []),
    phones: distinctPhones(next.phones ?? []),
    updatedAt: now.toISOString(),
    version: company.version + 1,
  };
};

/** A company may not be its own parent, directly or up the chain of holdings. */
export const checkParentChain = (companyId: string, chain: readonly string[]): void => {
  if (chain.includes(companyId)) {
    throw unprocessable('parentCompanyId', 'would make the company its own parent (a cycle)');
  }
};

/** A customer stays a customer when merged with a prospect: the closer relationship wins. */
const relationshipRank: Record<Relationship, number> = { customer: 3, partner: 2, supplier: 1, prospect: 0 };

/** The survivor keeps its values and takes what it lacks from the duplicate, every email and phone included. */
export const absorbCompany = (survivor: Company, duplicate: Company, now: Date): Company => {
  const fill = <K extends keyof Company>(field: K): Partial<Company> =>
    survivor[field] === undefined && duplicate[field] !== undefined ? { [field]: duplicate[field] } : {};
  const merged: Company = {
    ...survivor,
    ...fill('address'),
    ...fill('website'),
    ...fill('parentCompanyId'),
    relationship:
      relationshipRank[duplicate.relationship] > relationshipRank[survivor.relationship]
        ? duplicate.relationship
        : survivor.relationship,
    emails: distinctEmails([...survivor.emails, ...duplicate.emails]),
    phones: distinctPhones([...survivor.phones, ...duplicate.phones]),
    updatedAt: now.toISOString(),
    version: survivor.version + 1,
  };
  // a branch of the duplicate merged into it belongs to the duplicate's parent
  if (merged.parentCompanyId === duplicate.id) {
    if (duplicate.parentCompanyId === undefined) delete merged.parentCompanyId;
    else merged.parentCompanyId = duplicate.parentCompanyId;
  }
  if (merged.parentCompanyId === survivor.id) delete merged.parentCompanyId;
  return merged;
};

export const companySearchTokens = (company: Company): string[] => [
  ...new Set([...tokenize(company.name), ...company.emails.flatMap((e) => [normaliseEmail(e), ...tokenize(e)])]),
];

export const companySortName = (company: Company): string => tokenize(company.name).join(' ') || company.id;

/** The company (Firma, Organisation): a business or a private household, with its relationship to us and its parent. */
import { tokenize } from '../inbox/search-tokens.ts';
import { distinctEmails, distinctPhones } from '../persons/person.ts';
import { unprocessable } from '../shared/errors.ts';
import { applyMergePatch } from '../shared/merge-patch.ts';
import { normaliseEmail } from '../shared/normalise-email.ts';
import { type Address, type AddressPatch, isEmptyAddress } from '../shared/postal-address.ts';
import {
  changedByHand,
  initialStage,
  type LifecycleStage,
  mergedStage,
  requireAgreement,
  type StageChange,
  type StageEvent,
} from './lifecycle.ts';

export const companyTypes = ['company', 'household'] as const;
export type CompanyType = (typeof companyTypes)[number];
export const relationships = ['prospect', 'customer', 'supplier', 'partner'] as const;
export type Relationship = (typeof relationships)[number];

export type Company = {
  id: string;
  name: string;
  type: CompanyType;
  /** the kind of relationship; `customer` exactly when `lifecycleStage` is (lifecycle.ts keeps them in step) */
  relationship: Relationship;
  /** how far the company has come (general, lead, prospect, customer); absent on companies stored before stages */
  lifecycleStage?: LifecycleStage;
  /** every change of the stage, oldest first */
  stageHistory?: StageChange[];
  address?: Address;
  emails: string[];
  phones: string[];
  website?: string;
  parentCompanyId?: string;
  /**
   * The main contact (Hauptkontakt, seed 003): at most one person of the company, who carries its
   * address. The one source of truth: a person's `isMainContact` is read from here.
   */
  mainContactId?: string;
  /**
   * The company's departments (Abteilungen), which its persons reference by id: renaming one renames
   * it for all of them. `aliases` are the ids a merged company's same-named department had.
   */
  departments?: Department[];
  createdAt: string;
  updatedAt: string;
  version: number;
};

/** A department of a company; `aliases` are the ids a merged company's same-named department had. */
export type Department = { id: string; name: string; aliases?: string[] };

/** What a client sets; the system sets id, times, version and the stage history. */
export type CompanyFields = Omit<Company, 'id' | 'createdAt' | 'updatedAt' | 'version' | 'stageHistory'>;

/**
 * A new company at the stage it is given (or `customer` when its relationship is, else `general`),
 * its relationship in step with it; `event` says who or what created it there.
 */
export const createCompany = (
  id: string,
  fields: CompanyFields,
  now: Date,
  event: StageEvent = { by: 'user' },
): Company => {
  const at = now.toISOString();
  requireAgreement(fields.lifecycleStage, fields.relationship);
  const stage = fields.lifecycleStage ?? (fields.relationship === 'customer' ? 'customer' : 'general');
  return {
    ...fields,
    ...initialStage(stage, at, event),
    id,
    emails: distinctEmails(fields.emails),
    phones: distinctPhones(fields.phones),
    createdAt: at,
    updatedAt: at,
    version: 1,
  };
};

export type CompanyPatch = {
  [K in Exclude<keyof CompanyFields, 'address' | 'relationship' | 'lifecycleStage'>]?: CompanyFields[K] | null;
} & {
  address?: AddressPatch | null;
  relationship?: Relationship;
  lifecycleStage?: LifecycleStage;
};

/** A change by hand (`userId` the user's): stage and relationship through lifecycle.ts, the rest a merge patch. */
export const patchCompany = (
  company: Company,
  patch: CompanyPatch,
  now: Date,
  userId: string | null = null,
): Company => {
  const { relationship, lifecycleStage, ...rest } = patch;
  const staged = changedByHand(company, { relationship, lifecycleStage }, now.toISOString(), userId);
  const next = applyMergePatch(staged, rest);
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
    // one main contact: the survivor's, or the duplicate's when it had none (its persons come along)
    ...fill('mainContactId'),
    ...mergedDepartments(survivor, duplicate),
    // both records keep relationship and stage in step, so the closer relationship and the further stage agree
    relationship:
      relationshipRank[duplicate.relationship] > relationshipRank[survivor.relationship]
        ? duplicate.relationship
        : survivor.relationship,
    ...mergedStage(survivor, duplicate, now.toISOString()),
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

/** The part of a person that decides whether they carry the company's address. */
type MainContactCandidate = { id: string; companyId?: string | undefined; address?: Address | undefined };

/**
 * The company's address as views and vCards show it (seed 003: the main contact "beinhaltet die
 * Firmenadresse"): its main contact's own address when the main contact works there and has one,
 * else the company's own.
 */
export const companyAddress = (
  company: Pick<Company, 'id' | 'address' | 'mainContactId'>,
  mainContact: MainContactCandidate | undefined,
): { address?: Address; fromMainContact: boolean } => {
  if (
    mainContact &&
    mainContact.id === company.mainContactId &&
    mainContact.companyId === company.id &&
    !isEmptyAddress(mainContact.address) &&
    mainContact.address
  ) {
    return { address: mainContact.address, fromMainContact: true };
  }
  return { ...(company.address ? { address: company.address } : {}), fromMainContact: false };
};

/** The company with `personId` as its main contact (none: `null`); unchanged when it is so already. Version and times are the caller's. */
export const withMainContact = (company: Company, personId: string | null): Company => {
  if ((company.mainContactId ?? null) === personId) return company;
  const { mainContactId: _, ...rest } = company;
  return { ...rest, ...(personId ? { mainContactId: personId } : {}) };
};

/** Departments per company (the list is stored on the company's item). */
export const maxDepartments = 200;

/** A department's name as compared: case, umlauts and punctuation folded ("F&E" and "f & e" are one). */
export const foldedName = (name: string): string => tokenize(name).join(' ') || name.trim().toLowerCase();

/** The department an id names in the company (its own id or an alias from a merge), if any. */
export const departmentOf = (company: Pick<Company, 'departments'>, id: string | undefined): Department | undefined =>
  id === undefined ? undefined : company.departments?.find((d) => d.id === id || d.aliases?.includes(id));

/** The departments of both: the survivor's, then the duplicate's it lacks; a same-named one keeps the other's id as an alias. */
const mergedDepartments = (survivor: Company, duplicate: Company): Pick<Company, 'departments'> => {
  if (!duplicate.departments?.length) return {};
  const kept = (survivor.departments ?? []).map((d) => ({ ...d }));
  for (const theirs of duplicate.departments) {
    const same = kept.find((d) => foldedName(d.name) === foldedName(theirs.name));
    if (same) same.aliases = [...(same.aliases ?? []), theirs.id, ...(theirs.aliases ?? [])];
    else kept.push(theirs);
  }
  return { departments: kept };
};

/**
 * The company with its department list as given: an entry with an id renames that department (for
 * every person in it), one without adds a department (`newId`); a department left out is removed.
 * Two departments may not share a name (422 naming the entry), nor may an entry name an unknown id.
 */
export const withDepartments = (
  company: Company,
  list: readonly { id?: string | undefined; name: string }[],
  newId: () => string,
): Company => {
  const seen = new Map<string, number>();
  const departments = list.map((entry, index): Department => {
    const folded = foldedName(entry.name);
    if (seen.has(folded)) {
      throw unprocessable(`departments.${index}.name`, `${entry.name} is named twice (entry ${seen.get(folded)})`);
    }
    seen.set(folded, index);
    if (entry.id === undefined) return { id: newId(), name: entry.name };
    const known = company.departments?.find((d) => d.id === entry.id);
    if (!known) throw unprocessable(`departments.${index}.id`, `no department ${entry.id} at this company`);
    return { ...known, name: entry.name };
  });
  return { ...company, departments };
};

/** The departments `next` no longer has that `previous` had. */
export const removedDepartments = (previous: Company, next: Company): Department[] =>
  (previous.departments ?? []).filter((d) => !next.departments?.some((n) => n.id === d.id));

/** The company's department of that name (folded), added when it has none: its id, and the company. */
export const ensureDepartment = (
  company: Company,
  name: string,
  newId: () => string,
): { company: Company; departmentId: string } => {
  const wanted = foldedName(name);
  const found = company.departments?.find((d) => foldedName(d.name) === wanted);
  if (found) return { company, departmentId: found.id };
  if ((company.departments?.length ?? 0) >= maxDepartments) {
    throw unprocessable('department', `the company has ${maxDepartments} departments already: choose one of them`);
  }
  const added = { id: newId(), name: name.trim() };
  return { company: { ...company, departments: [...(company.departments ?? []), added] }, departmentId: added.id };
};

/** Companies and households: create behind duplicate protection, read, change, list, merge. */
import { ulid } from 'ulid';
import type * as z from 'zod/mini';
import {
  absorbCompany,
  type Company,
  type CompanyFields,
  checkParentChain,
  createCompany,
  departmentOf,
  patchCompany,
  removedDepartments,
  withDepartments,
} from '../../domain/companies/company.ts';
import { stageOf } from '../../domain/companies/lifecycle.ts';
import { companyLookups } from '../../domain/duplicates/record-profiles.ts';
import { unprocessable, validationError } from '../../domain/shared/errors.ts';
import type { FindCandidates } from '../duplicates/find-candidates.ts';
import { defaultLimit } from '../shared/cursor.ts';
import type { HttpRequest, HttpResult } from '../shared/http.ts';
import type { CompanyRepository } from './company.repository.ts';
import { defined, e164Phones, someAddress } from './contact-fields.ts';
import { companyView, companyViews } from './contact-views.ts';
import type { CompanyListQuery, CompanyPatchBody, MergeBody, NewCompanyBody, RecordIdPath } from './contacts-input.ts';
import type { PersonRepository } from './person.repository.ts';
import { possibleDuplicates } from './possible-duplicates.ts';
import {
  type Collection,
  loadActive,
  MergedInto,
  mergeRecords,
  redirectAnswer,
  requireLinkable,
  staleVersion,
} from './record-access.ts';
import { chainAbove } from './record-chain.ts';
import type { createRecordMerger } from './record-merge.ts';

export type CompaniesDeps = {
  companies: CompanyRepository;
  /** the main contacts: checked when set, read for the company's address */
  persons: Pick<PersonRepository, 'load' | 'getMany' | 'inCompany'>;
  companyMerger: ReturnType<typeof createRecordMerger<Company>>;
  findCandidates: FindCandidates;
  now: () => Date;
};

type Path = z.infer<typeof RecordIdPath>;
const companies: Collection = { what: 'company', basePath: '/v1/companies' };

const parentChain = (deps: CompaniesDeps, parentId: string) =>
  chainAbove(deps.companies, parentId, (c) => c.parentCompanyId);

const checkParent = async (deps: CompaniesDeps, company: Company, previous: Company | null): Promise<void> => {
  if (!company.parentCompanyId || company.parentCompanyId === previous?.parentCompanyId) return;
  await requireLinkable(deps.companies, 'parentCompanyId', 'company', company.parentCompanyId);
  checkParentChain(company.id, await parentChain(deps, company.parentCompanyId));
};

/** A department may be removed only when none of the company's persons is in it (422 naming `departments`). */
const checkDepartmentsUnused = async (deps: CompaniesDeps, previous: Company, next: Company): Promise<void> => {
  const removed = removedDepartments(previous, next);
  if (removed.length === 0) return;
  const members = await deps.persons.inCompany(previous.id);
  const inUse = removed.filter((d) => members.some((p) => departmentOf({ departments: [d] }, p.departmentId)));
  if (inUse.length > 0) {
    throw unprocessable(
      'departments',
      `${inUse.map((d) => d.name).join(', ')} still has persons: move them to another department first`,
    );
  }
};

/** A main contact is a person of the company, not merged away (422 naming `mainContactId`). */
const checkMainContact = async (deps: CompaniesDeps, company: Company, previous: Company): Promise<void> => {
  const id = company.mainContactId;
  if (!id || id === previous.mainContactId) return;
  const loaded = await deps.persons.load(id, { consistent: true });
  if (loaded?.state !== 'active' || loaded.mergingInto) throw unprocessable('mainContactId', `no person ${id}`);
  if (loaded.record.companyId !== company.id) {
    throw unprocessable('mainContactId', `person ${id} does not work at company ${company.id}`);
  }
};

export const createCompanyFromRequest =
  (deps: CompaniesDeps) =>
  async (request: HttpRequest<z.infer<typeof NewCompanyBody>, undefined, undefined>): Promise<HttpResult> => {
    const { force, emails, phones, address, type, relationship, ...rest } = request.body;
    const fields: CompanyFields = {
      ...defined(rest),
      name: rest.name,
      type: type ?? 'company',
      relationship: relationship ?? (rest.lifecycleStage === 'customer' ? 'customer' : 'prospect'),
      emails: emails ?? [],
      phones: e164Phones(phones),
      ...someAddress(address),
    };
    const now = deps.now();
    const company = createCompany(ulid(now.getTime()), fields, now, { by: 'user', userId: request.user?.id });
    await checkParent(deps, company, null);
    if (!force) {
      const candidates = await deps.findCandidates(companyLookups(company), { kinds: ['company'] });
      if (candidates.length > 0) throw possibleDuplicates('company', candidates);
    }
    await deps.companies.create(company);
    return {
      status: 201,
      body: await companyView(deps, company),
      headers: { location: `/v1/companies/${company.id}` },
    };
  };

export const getCompany =
  (deps: CompaniesDeps) =>
  async (request: HttpRequest<undefined, Path, undefined>): Promise<HttpResult> => {
    const company = await loadActive(deps.companies, companies, request.path.id, request.event.rawPath);
    if (company instanceof MergedInto) return redirectAnswer(company, request.event.rawPath);
    return { status: 200, body: await companyView(deps, company) };
  };

export const patchCompanyFromRequest =
  (deps: CompaniesDeps) =>
  async (request: HttpRequest<z.infer<typeof CompanyPatchBody>, Path, undefined>): Promise<HttpResult> => {
    const company = await loadActive(deps.companies, companies, request.path.id, request.event.rawPath, {
      forChange: true,
    });
    if (company instanceof MergedInto) return redirectAnswer(company, request.event.rawPath);
    const { version, phones, departments, ...patch } = request.body;
    if (version !== company.version) throw staleVersion('company', company.id, company.version, version);
    if (patch.parentCompanyId === company.id) {
      throw validationError([{ field: 'parentCompanyId', message: 'a company cannot be its own parent' }]);
    }
    const patched = patchCompany(
      company,
      { ...patch, ...(phones === undefined ? {} : { phones: e164Phones(phones) }) },
      deps.now(),
      request.user?.id ?? null,
    );
    const next = departments === undefined ? patched : withDepartments(patched, departments, () => ulid());
    await checkDepartmentsUnused(deps, company, next);
    await checkParent(deps, next, company);
    await checkMainContact(deps, next, company);
    await deps.companies.update(company, next);
    return { status: 200, body: await companyView(deps, next) };
  };

export const listCompanies =
  (deps: CompaniesDeps) =>
  async (request: HttpRequest<undefined, undefined, z.infer<typeof CompanyListQuery>>): Promise<HttpResult> => {
    const { q, relationship, lifecycleStage, type, parentCompanyId, cursor } = request.query;
    const limit = request.query.limit ?? defaultLimit;
    const filter = (c: Company): boolean =>
      (relationship === undefined || c.relationship === relationship) &&
      (lifecycleStage === undefined || stageOf(c) === lifecycleStage) &&
      (type === undefined || c.type === type) &&
      (parentCompanyId === undefined || c.parentCompanyId === parentCompanyId);
    const page =
      q !== undefined
        ? await deps.companies.search({ q, limit, cursor, filter })
        : parentCompanyId !== undefined
          ? await deps.companies.list(deps.companies.patterns.byParent(parentCompanyId), { limit, cursor, filter })
          : relationship !== undefined
            ? await deps.companies.list(deps.companies.patterns.byRelationship(relationship), { limit, cursor, filter })
            : await deps.companies.list(deps.companies.patterns.all(), { limit, cursor, newestFirst: true, filter });
    return { status: 200, body: { items: await companyViews(deps, page.items), nextCursor: page.nextCursor } };
  };

/** Merges (or continues merging) `duplicateId` into `survivorId`: the request's and the merge resumer's way alike. */
export const mergeCompanyInto = (
  deps: Pick<CompaniesDeps, 'companies' | 'companyMerger' | 'now'>,
  survivorId: string,
  duplicateId: string,
  requestPath = `/v1/companies/${survivorId}/merge`,
): Promise<Company | MergedInto> =>
  mergeRecords(
    {
      store: deps.companies,
      merger: deps.companyMerger,
      absorb: absorbCompany,
      ancestorsOf: (survivor) =>
        survivor.parentCompanyId
          ? chainAbove(deps.companies, survivor.parentCompanyId, (c) => c.parentCompanyId)
          : Promise.resolve([]),
      now: deps.now,
    },
    companies,
    survivorId,
    duplicateId,
    requestPath,
  );

export const mergeCompanies =
  (deps: CompaniesDeps) =>
  async (request: HttpRequest<z.infer<typeof MergeBody>, Path, undefined>): Promise<HttpResult> => {
    const survivor = await mergeCompanyInto(deps, request.path.id, request.body.duplicateId, request.event.rawPath);
    if (survivor instanceof MergedInto) return redirectAnswer(survivor, request.event.rawPath);
    return { status: 200, body: await companyView(deps, survivor) };
  };

/** Contact persons: create behind duplicate protection, read (with the company's address when they have none), change, list, merge. */
import { ulid } from 'ulid';
import type * as z from 'zod/mini';
import { type Company, departmentOf, ensureDepartment, withMainContact } from '../../domain/companies/company.ts';
import { personLookups } from '../../domain/duplicates/record-profiles.ts';
import type { Candidate } from '../../domain/inbox/inbox-entry.ts';
import {
  absorbPerson,
  checkSupervisorChain,
  createPerson,
  type Person,
  type PersonFields,
  patchPerson,
} from '../../domain/persons/person.ts';
import { requireListed } from '../../domain/settings/settings.ts';
import { unprocessable, validationError } from '../../domain/shared/errors.ts';
import type { FindCandidates } from '../duplicates/find-candidates.ts';
import type { SettingsRepository } from '../settings/settings.repository.ts';
import { defaultLimit } from '../shared/cursor.ts';
import type { HttpRequest, HttpResult } from '../shared/http.ts';
import type { TransactItem } from '../shared/transactions.ts';
import type { CompanyRepository } from './company.repository.ts';
import { defined, e164Phones, someAddress } from './contact-fields.ts';
import { personView, personViews } from './contact-views.ts';
import type { MergeBody, NewPersonBody, PersonListQuery, PersonPatchBody, RecordIdPath } from './contacts-input.ts';
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

export type PersonsDeps = {
  persons: PersonRepository;
  companies: Pick<CompanyRepository, 'load' | 'getMany' | 'updateItems' | 'createItems'>;
  personMerger: ReturnType<typeof createRecordMerger<Person>>;
  findCandidates: FindCandidates;
  /** the `origins` list a person's origin is checked against */
  settings: Pick<SettingsRepository, 'get'>;
  now: () => Date;
};

/** What creating a person needs (a vCard import creates, it never merges). */
export type NewPersonDeps = Omit<PersonsDeps, 'personMerger'>;

type Path = z.infer<typeof RecordIdPath>;
const persons: Collection = { what: 'person', basePath: '/v1/persons' };

/** What a person's request asks of their company besides the link: to be its main contact, a department. */
export type CompanyAsks = {
  isMainContact?: boolean | undefined;
  /** a department by name (the company's, added when it has none of that name); null: none */
  department?: string | null | undefined;
  /** a department by id (one of the company's); null: none */
  departmentId?: string | null | undefined;
};

/**
 * The company writes of a person's change, in its transaction, and the person as written: the
 * company the person leaves, or whose main contact they stop being, no longer names them; the
 * company whose main contact they become names them instead of its previous one (one main contact
 * per company); a department given by name is the company's of that name, added to its list when it
 * has none. Each company is written conditional on its version. Also the companies as they are
 * after, for the answer.
 */
const companyWrites = async (
  deps: NewPersonDeps,
  person: Person,
  previous: Person | null,
  asks: CompanyAsks,
): Promise<{ person: Person; items: TransactItem[]; companies: Company[] }> => {
  const wantsMain = asks.isMainContact;
  if (wantsMain === true && !person.companyId) {
    throw unprocessable('isMainContact', 'a main contact belongs to a company: give companyId as well');
  }
  if (asks.departmentId && !person.companyId) {
    throw unprocessable('departmentId', 'a department is a company’s: give companyId as well');
  }
  const now = deps.now();
  // each company is read once and written once, whatever the request asks of it
  const touched = new Map<string, { loaded: Company; next: Company; guard: boolean }>();
  const company = async (companyId: string) => {
    const known = touched.get(companyId);
    if (known) return known;
    const loaded = await deps.companies.load(companyId, { consistent: true });
    // a company gone or being merged is reported by the link check of the person's transaction
    if (loaded?.state !== 'active') return null;
    const entry = { loaded: loaded.record, next: loaded.record, guard: false };
    touched.set(companyId, entry);
    return entry;
  };

  const moved = previous?.companyId !== person.companyId;
  if (previous?.companyId && (moved || wantsMain === false)) {
    const left = await company(previous.companyId);
    if (left?.next.mainContactId === person.id) left.next = withMainContact(left.next, null);
  }
  let written: Person = person;
  if (moved && previous?.departmentId !== undefined && asks.department === undefined && !asks.departmentId) {
    // the department was the old company's
    const { departmentId: _, ...rest } = written;
    written = rest;
  }
  const byName = typeof asks.department === 'string' && person.companyId ? asks.department : null;
  if (person.companyId && (wantsMain === true || byName !== null || asks.departmentId)) {
    const current = await company(person.companyId);
    if (current) {
      if (wantsMain === true) current.next = withMainContact(current.next, person.id);
      let departmentId: string | undefined;
      if (byName !== null) {
        const ensured = ensureDepartment(current.next, byName, () => ulid(now.getTime()));
        current.next = ensured.company;
        departmentId = ensured.departmentId;
      } else if (asks.departmentId) {
        const department = departmentOf(current.next, asks.departmentId);
        if (!department) throw unprocessable('departmentId', `no department ${asks.departmentId} at this company`);
        departmentId = department.id;
      }
      if (departmentId !== undefined) {
        // the company's list holds the department: the person references it, not its name
        const { department: _, ...rest } = written;
        written = { ...rest, departmentId };
        current.guard = true;
      }
    }
  }
  if (asks.department === null || asks.departmentId === null) {
    const { department: _, departmentId: __, ...rest } = written;
    written = rest;
  }

  const items: TransactItem[] = [];
  const companies: Company[] = [];
  for (const { loaded, next, guard } of touched.values()) {
    // joining a department writes the company too (a new version), so a concurrent removal of that
    // department, which is conditional on the version it read, cannot pass unnoticed
    if (next === loaded && !guard) {
      companies.push(loaded);
      continue;
    }
    const bumped = { ...next, updatedAt: now.toISOString(), version: loaded.version + 1 };
    companies.push(bumped);
    items.push(...deps.companies.updateItems(loaded, bumped));
  }
  // the stored flag follows the company (the one source of truth), so no old flag outlives a change
  const main = written.companyId ? companies.find((c) => c.id === written.companyId) : undefined;
  if (main) written = { ...written, isMainContact: main.mainContactId === written.id };
  else if (!written.companyId || moved) written = { ...written, isMainContact: false };
  return { person: written, items, companies };
};

/**
 * A person's origin is one of the `origins` list when it is set or changed (422 naming `origin`); a
 * value stored before the list existed stays readable, and a patch that leaves it alone keeps it.
 */
const checkOrigin = async (deps: NewPersonDeps, person: Person, previous: Person | null): Promise<void> => {
  if (person.origin === undefined || person.origin === previous?.origin) return;
  requireListed('origin', person.origin, await deps.settings.get('origins'));
};

const checkLinks = async (deps: NewPersonDeps, person: Person, previous: Person | null): Promise<void> => {
  if (person.companyId !== previous?.companyId) {
    await requireLinkable(deps.companies, 'companyId', 'company', person.companyId);
  }
  if (person.supervisorId !== previous?.supervisorId && person.supervisorId) {
    await requireLinkable(deps.persons, 'supervisorId', 'person', person.supervisorId);
    checkSupervisorChain(person.id, await chainAbove(deps.persons, person.supervisorId, (p) => p.supervisorId));
  }
};

/** How a new person is stored: behind duplicate protection unless forced, with what they ask of their company. */
export type NewPersonOptions = {
  force: boolean;
  asks: CompanyAsks;
  userId: string | undefined;
  /** a company created in the same transaction, which the person's `companyId` names */
  newCompany?: Company;
  /** more writes of the transaction (an import's guard), given the person */
  extra?: (person: Person) => readonly TransactItem[];
  /** work before the transaction, once the person will be written (an import stores the photo) */
  beforeWrite?: (person: Person) => Promise<void>;
  /** check only: nothing is written */
  dryRun?: boolean;
};

/**
 * A new person through the rules every way of creating one keeps: origin listed, links that exist,
 * no supervisor cycle, duplicate protection (the candidates come back and nothing is written,
 * unless forced), and the company's side (main contact, department) in the same transaction.
 */
export const storeNewPerson = async (
  deps: NewPersonDeps,
  fields: PersonFields,
  options: NewPersonOptions,
): Promise<{ person: Person; companies: Company[] } | { candidates: Candidate[] }> => {
  const now = deps.now();
  const person = createPerson(ulid(now.getTime()), fields, now, { by: 'user', userId: options.userId });
  await checkOrigin(deps, person, null);
  const newCompany = options.newCompany;
  await checkLinks(
    deps,
    newCompany && newCompany.id === person.companyId ? { ...person, companyId: undefined } : person,
    null,
  );
  if (!options.force) {
    const candidates = await deps.findCandidates(personLookups(person), { kinds: ['person'] });
    if (candidates.length > 0) return { candidates };
  }
  if (options.dryRun) return { person, companies: newCompany ? [newCompany] : [] };
  const company = await companyWrites(deps, person, null, options.asks);
  await options.beforeWrite?.(company.person);
  await deps.persons.create(company.person, [
    ...(newCompany ? deps.companies.createItems(newCompany) : []),
    ...company.items,
    ...(options.extra?.(company.person) ?? []),
  ]);
  return { person: company.person, companies: newCompany ? [newCompany, ...company.companies] : company.companies };
};

export const createPersonFromRequest =
  (deps: PersonsDeps) =>
  async (request: HttpRequest<z.infer<typeof NewPersonBody>, undefined, undefined>): Promise<HttpResult> => {
    const { force, emails, phones, address, isMainContact, ...rest } = request.body;
    const fields: PersonFields = {
      ...defined(rest),
      lastName: rest.lastName,
      emails: emails ?? [],
      phones: e164Phones(phones),
      ...someAddress(address),
      isMainContact: isMainContact ?? false,
    };
    const stored = await storeNewPerson(deps, fields, {
      force: force === true,
      asks: { isMainContact, department: rest.department, departmentId: rest.departmentId },
      userId: request.user?.id,
    });
    if ('candidates' in stored) throw possibleDuplicates('person', stored.candidates);
    return {
      status: 201,
      body: await personView(deps, stored.person, stored.companies),
      headers: { location: `/v1/persons/${stored.person.id}` },
    };
  };

export const getPerson =
  (deps: PersonsDeps) =>
  async (request: HttpRequest<undefined, Path, undefined>): Promise<HttpResult> => {
    const person = await loadActive(deps.persons, persons, request.path.id, request.event.rawPath);
    if (person instanceof MergedInto) return redirectAnswer(person, request.event.rawPath);
    return { status: 200, body: await personView(deps, person) };
  };

export const patchPersonFromRequest =
  (deps: PersonsDeps) =>
  async (request: HttpRequest<z.infer<typeof PersonPatchBody>, Path, undefined>): Promise<HttpResult> => {
    const person = await loadActive(deps.persons, persons, request.path.id, request.event.rawPath, { forChange: true });
    if (person instanceof MergedInto) return redirectAnswer(person, request.event.rawPath);
    const { version, phones, ...patch } = request.body;
    if (version !== person.version) throw staleVersion('person', person.id, person.version, version);
    if (patch.supervisorId === person.id) {
      throw validationError([{ field: 'supervisorId', message: 'a person cannot be their own supervisor' }]);
    }
    const next = patchPerson(
      person,
      { ...patch, ...(phones === undefined ? {} : { phones: e164Phones(phones) }) },
      deps.now(),
      request.user?.id ?? null,
    );
    await checkOrigin(deps, next, person);
    await checkLinks(deps, next, person);
    const company = await companyWrites(deps, next, person, {
      isMainContact: patch.isMainContact,
      department: patch.department,
      departmentId: patch.departmentId,
    });
    await deps.persons.update(person, company.person, company.items);
    return { status: 200, body: await personView(deps, company.person, company.companies) };
  };

export const listPersons =
  (deps: PersonsDeps) =>
  async (request: HttpRequest<undefined, undefined, z.infer<typeof PersonListQuery>>): Promise<HttpResult> => {
    const { q, companyId, cursor } = request.query;
    const limit = request.query.limit ?? defaultLimit;
    const page =
      q !== undefined
        ? await deps.persons.search({
            q,
            limit,
            cursor,
            ...(companyId === undefined ? {} : { filter: (p: Person) => p.companyId === companyId }),
          })
        : companyId !== undefined
          ? await deps.persons.list(deps.persons.patterns.byCompany(companyId), { limit, cursor })
          : await deps.persons.list(deps.persons.patterns.all(), { limit, cursor, newestFirst: true });
    return { status: 200, body: { items: await personViews(deps, page.items), nextCursor: page.nextCursor } };
  };

/** Merges (or continues merging) `duplicateId` into `survivorId`: the request's and the merge resumer's way alike. */
export const mergePersonInto = (
  deps: Pick<PersonsDeps, 'persons' | 'personMerger' | 'now'>,
  survivorId: string,
  duplicateId: string,
  requestPath = `/v1/persons/${survivorId}/merge`,
): Promise<Person | MergedInto> =>
  mergeRecords(
    {
      store: deps.persons,
      merger: deps.personMerger,
      absorb: absorbPerson,
      ancestorsOf: (survivor) =>
        survivor.supervisorId
          ? chainAbove(deps.persons, survivor.supervisorId, (p) => p.supervisorId)
          : Promise.resolve([]),
      now: deps.now,
    },
    persons,
    survivorId,
    duplicateId,
    requestPath,
  );

export const mergePersons =
  (deps: PersonsDeps) =>
  async (request: HttpRequest<z.infer<typeof MergeBody>, Path, undefined>): Promise<HttpResult> => {
    const survivor = await mergePersonInto(deps, request.path.id, request.body.duplicateId, request.event.rawPath);
    if (survivor instanceof MergedInto) return redirectAnswer(survivor, request.event.rawPath);
    return { status: 200, body: await personView(deps, survivor) };
  };

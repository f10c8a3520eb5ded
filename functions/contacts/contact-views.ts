/**
 * Persons and companies as the API shows them, with what they show of each other: a company's
 * address is its main contact's when that person has one (seed 003), a person without an address
 * shows their company's, and a person is the main contact exactly when their company names them.
 * One BatchGetItem per kind of record a page needs, never a read per record.
 */
import { type Company, companyAddress } from '../../domain/companies/company.ts';
import type { Person } from '../../domain/persons/person.ts';
import type { CompanyRepository } from './company.repository.ts';
import { toCompanyResponse, toPersonResponse } from './contacts-response.ts';
import type { PersonRepository } from './person.repository.ts';

export type ViewReads = {
  persons: Pick<PersonRepository, 'getMany'>;
  companies: Pick<CompanyRepository, 'getMany'>;
};

const distinct = (ids: readonly (string | undefined)[]): string[] => [
  ...new Set(ids.filter((id): id is string => id !== undefined)),
];

/** The records of `ids` not already at hand, read at once, together with those at hand. */
const withRead = async <T extends { id: string }>(
  at: readonly T[],
  ids: readonly string[],
  read: (ids: readonly string[]) => Promise<Map<string, T>>,
): Promise<Map<string, T>> => {
  const known = new Map(at.map((record) => [record.id, record]));
  const missing = ids.filter((id) => !known.has(id));
  const found = missing.length > 0 ? await read(missing) : new Map<string, T>();
  return new Map([...known, ...found]);
};

export const companyViews = async (reads: ViewReads, list: readonly Company[], persons: readonly Person[] = []) => {
  const mainContacts = await withRead(persons, distinct(list.map((c) => c.mainContactId)), (ids) =>
    reads.persons.getMany(ids),
  );
  return list.map((company) =>
    toCompanyResponse(company, company.mainContactId ? mainContacts.get(company.mainContactId) : undefined),
  );
};

export const companyView = async (reads: ViewReads, company: Company, persons: readonly Person[] = []) =>
  (await companyViews(reads, [company], persons))[0] as ReturnType<typeof toCompanyResponse>;

export const personViews = async (
  reads: ViewReads,
  list: readonly Person[],
  companiesAtHand: readonly Company[] = [],
) => {
  const companies = await withRead(companiesAtHand, distinct(list.map((p) => p.companyId)), (ids) =>
    reads.companies.getMany(ids),
  );
  // the main contacts of the companies whose address someone without one of their own shows
  const showing = distinct(
    list.filter((p) => p.companyId && !p.address).map((p) => companies.get(p.companyId ?? '')?.mainContactId),
  );
  const mainContacts = await withRead(list, showing, (ids) => reads.persons.getMany(ids));
  return list.map((person) => {
    const company = person.companyId ? companies.get(person.companyId) : undefined;
    if (!company) return toPersonResponse(person, undefined);
    const mainContact = company.mainContactId ? mainContacts.get(company.mainContactId) : undefined;
    return toPersonResponse(person, {
      address: companyAddress(company, mainContact).address,
      mainContactId: company.mainContactId,
      departments: company.departments,
    });
  });
};

export const personView = async (reads: ViewReads, person: Person, companiesAtHand: readonly Company[] = []) =>
  (await personViews(reads, [person], companiesAtHand))[0] as ReturnType<typeof toPersonResponse>;

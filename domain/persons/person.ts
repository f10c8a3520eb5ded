/** The contact person (Ansprechpartner): master data, the company they belong to, their supervisor, and merging. */
import { tokenize } from '../inbox/search-tokens.ts';
import { unprocessable } from '../shared/errors.ts';
import { applyMergePatch } from '../shared/merge-patch.ts';
import { normaliseEmail } from '../shared/normalise-email.ts';
import type { Address, AddressPatch } from '../shared/postal-address.ts';

export type Person = {
  id: string;
  salutation?: string;
  title?: string;
  /** optional: business contacts are often known by last name only ("Herr Kempton"), as in Salesforce */
  firstName?: string;
  lastName: string;
  emails: string[];
  phones: string[];
  address?: Address;
  birthday?: string;
  companyId?: string;
  isMainContact: boolean;
  supervisorId?: string;
  department?: string;
  position?: string;
  origin?: string;
  createdAt: string;
  updatedAt: string;
  version: number;
};

/** What a client sets; the system sets id, times and version. */
export type PersonFields = Omit<Person, 'id' | 'createdAt' | 'updatedAt' | 'version'>;

/** Emails and phones are kept once each, in the order given (the first is the preferred one). */
const distinctBy = (values: readonly string[], key: (v: string) => string): string[] => {
  const seen = new Set<string>();
  return values.filter((v) => {
    const k = key(v);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
};

export const distinctEmails = (emails: readonly string[]): string[] =>
  distinctBy(
    emails.map((e) => e.trim()),
    normaliseEmail,
  );
export const distinctPhones = (phones: readonly string[]): string[] => distinctBy(phones, (p) => p);

export const createPerson = (id: string, fields: PersonFields, now: Date): Person => {
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

export type PersonPatch = { [K in Exclude<keyof PersonFields, 'address'>]?: PersonFields[K] | null } & {
  address?: AddressPatch | null;
};

export const patchPerson = (person: Person, patch: PersonPatch, now: Date): Person => {
  const next = applyMergePatch(person, patch);
  return {
    ...next,
    emails: distinctEmails(next.emails ?? []),
    phones: distinctPhones(next.phones ?? []),
    isMainContact: next.isMainContact ?? false,
    updatedAt: now.toISOString(),
    version: person.version + 1,
  };
};

/** A person may not be their own supervisor, directly or up the chain. */
export const checkSupervisorChain = (personId: string, chain: readonly string[]): void => {
  if (chain.includes(personId)) {
    throw unprocessable('supervisorId', 'would make the person their own supervisor (a cycle)');
  }
};

/**
 * The survivor of a merge keeps its own values and takes from the duplicate whatever it lacks:
 * every email and phone, and each empty field. A link to the duplicate or to the survivor itself is
 * never kept.
 */
export const absorbPerson = (survivor: Person, duplicate: Person, now: Date): Person => {
  const fill = <K extends keyof Person>(field: K): Partial<Person> =>
    survivor[field] === undefined && duplicate[field] !== undefined ? { [field]: duplicate[field] } : {};
  const merged: Person = {
    ...survivor,
    ...fill('firstName'),
    ...fill('salutation'),
    ...fill('title'),
    ...fill('address'),
    ...fill('birthday'),
    ...fill('companyId'),
    ...fill('supervisorId'),
    ...fill('department'),
    ...fill('position'),
    ...fill('origin'),
    isMainContact: survivor.isMainContact || duplicate.isMainContact,
    emails: distinctEmails([...survivor.emails, ...duplicate.emails]),
    phones: distinctPhones([...survivor.phones, ...duplicate.phones]),
    updatedAt: now.toISOString(),
    version: survivor.version + 1,
  };
  // reporting to the duplicate means reporting to whom the duplicate reported
  if (merged.supervisorId === duplicate.id) {
    if (duplicate.supervisorId === undefined) delete merged.supervisorId;
    else merged.supervisorId = duplicate.supervisorId;
  }
  if (merged.supervisorId === survivor.id) delete merged.supervisorId;
  return merged;
};

/** The words a person is found by in `q`: names and emails. */
export const personSearchTokens = (person: Person): string[] => [
  ...new Set([
    ...(person.firstName ? tokenize(person.firstName) : []),
    ...tokenize(person.lastName),
    ...person.emails.flatMap((e) => [normaliseEmail(e), ...tokenize(e)]),
  ]),
];

/** The sort name within a company's persons: last name, then first name when there is one. */
export const personSortName = (person: Person): string =>
  tokenize([person.lastName, person.firstName ?? ''].join(' ')).join(' ');

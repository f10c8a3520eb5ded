/** The contact person (Ansprechpartner): master data, the company they belong to, their supervisor, and merging. */
import {
  initialStage,
  type LifecycleStage,
  mergedStage,
  type StageChange,
  type StageEvent,
  withStage,
} from '../companies/lifecycle.ts';
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
  /** a department as free text: a person without a company's, or one stored before departments were a company's list */
  department?: string;
  /** the company's department the person belongs to (companies' `departments`): its name is shown */
  departmentId?: string;
  position?: string;
  /** the part the person plays (vCard ROLE: "Einkäufer", "Entscheider"), beside the position they hold */
  role?: string;
  /** web addresses (their page, a profile) */
  urls?: string[];
  /** free text about the person */
  note?: string;
  /** tags (Schlagworte; vCard CATEGORIES), each once */
  tags?: string[];
  /** a portrait: stored in the bucket under `photos/` by its content hash, or a link that is never fetched */
  photo?: PersonPhoto;
  origin?: string;
  /**
   * Where the person worked and works (seed 003: "Ansprechpartner können das Unternehmen
   * wechseln"), oldest first; the current employment has no end. Kept by the system: a change of
   * `companyId` ends the current one and starts the next. Records of what happened with the person
   * (activities, opportunities, tickets, emails) keep the company they happened at.
   */
  employments?: Employment[];
  /**
   * How far a person without a company (B2C) has come; a person with a company has the company's
   * stage, so theirs is neither shown nor changed while they have one.
   */
  lifecycleStage?: LifecycleStage;
  /** every change of the person's own stage, oldest first */
  stageHistory?: StageChange[];
  createdAt: string;
  updatedAt: string;
  version: number;
};

/** A stored image (its SHA-256, hex, names the object) or a link kept as given. */
export type PersonPhoto = { sha256: string; mediaType: string; size: number } | { url: string };

export type Employment = { companyId: string; from: string; to: string | null };

/** What a client sets; the system sets id, times, version and the employment history. */
export type PersonFields = Omit<Person, 'id' | 'createdAt' | 'updatedAt' | 'version' | 'employments' | 'stageHistory'>;

/** A person with a company has the company's stage: theirs is refused (422 naming `lifecycleStage`). */
const requireOwnStage = (person: { companyId?: string | undefined }, stage: LifecycleStage | undefined): void => {
  if (stage !== undefined && person.companyId) {
    throw unprocessable('lifecycleStage', 'a person with a company has the company’s stage: change it there');
  }
};

/**
 * The person's employment history, in step with `companyId`: as stored; for a person stored before
 * it was kept, the current company since the person was created. The one change of `companyId` that
 * writes no history is a merge of companies, which makes two companies one: the current employment
 * then names the surviving company, from when it began.
 */
export const employmentsOf = (person: Person): Employment[] => {
  const stored = person.employments ?? [];
  const open = stored.find((e) => e.to === null);
  if (!person.companyId) return open ? stored.map((e) => (e.to === null ? { ...e, to: person.updatedAt } : e)) : stored;
  if (open?.companyId === person.companyId) return stored;
  if (open) return stored.map((e) => (e === open ? { ...e, companyId: person.companyId ?? e.companyId } : e));
  return [
    ...stored,
    { companyId: person.companyId, from: stored.length === 0 ? person.createdAt : person.updatedAt, to: null },
  ];
};

/** The history after the person's company became `companyId` (or none) at `at`. */
const employmentsAfter = (person: Person, companyId: string | undefined, at: string): Employment[] => {
  const history = employmentsOf(person).map((e) => (e.to === null && e.companyId !== companyId ? { ...e, to: at } : e));
  const current = history.some((e) => e.to === null);
  return companyId && !current ? [...history, { companyId, from: at, to: null }] : history;
};

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

export const createPerson = (
  id: string,
  fields: PersonFields,
  now: Date,
  event: StageEvent = { by: 'user' },
): Person => {
  const at = now.toISOString();
  requireOwnStage(fields, fields.lifecycleStage);
  return {
    ...fields,
    ...(fields.companyId ? {} : initialStage(fields.lifecycleStage ?? 'general', at, event)),
    id,
    emails: distinctEmails(fields.emails),
    phones: distinctPhones(fields.phones),
    ...(fields.urls ? { urls: distinctText(fields.urls) } : {}),
    ...(fields.tags ? { tags: distinctText(fields.tags) } : {}),
    employments: fields.companyId ? [{ companyId: fields.companyId, from: at, to: null }] : [],
    createdAt: at,
    updatedAt: at,
    version: 1,
  };
};

export type PersonPatch = { [K in Exclude<keyof PersonFields, 'address'>]?: PersonFields[K] | null } & {
  address?: AddressPatch | null;
};

/** A change (by hand: `userId` the user's); a stage in the patch goes through lifecycle.ts. */
export const patchPerson = (person: Person, patch: PersonPatch, now: Date, userId: string | null = null): Person => {
  const { lifecycleStage, ...rest } = patch;
  const merged = applyMergePatch(person, rest);
  requireOwnStage(merged, lifecycleStage ?? undefined);
  const next = lifecycleStage ? withStage(merged, lifecycleStage, now.toISOString(), { by: 'user', userId }) : merged;
  return {
    ...next,
    employments:
      next.companyId === person.companyId
        ? employmentsOf(person)
        : employmentsAfter(person, next.companyId, now.toISOString()),
    emails: distinctEmails(next.emails ?? []),
    phones: distinctPhones(next.phones ?? []),
    ...(next.urls ? { urls: distinctText(next.urls) } : {}),
    ...(next.tags ? { tags: distinctText(next.tags) } : {}),
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
 * Both histories of two records of one person, by start; the duplicate's current employment is
 * ended when the survivor works elsewhere (the survivor's company is the one kept).
 */
const mergedEmployments = (survivor: Person, duplicate: Person, at: string): Employment[] => {
  const current = survivor.companyId ?? duplicate.companyId;
  const seen = new Set<string>();
  const all = [...employmentsOf(survivor), ...employmentsOf(duplicate)]
    .map((e) => (e.to === null && e.companyId !== current ? { ...e, to: at } : e))
    .sort((a, b) => a.from.localeCompare(b.from));
  let open = false;
  return all.filter((e) => {
    // one current employment: the earliest start of the two records'
    if (e.to === null) {
      if (open) return false;
      open = true;
    }
    const key = `${e.companyId}|${e.from}|${e.to}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
};

/**
 * The survivor of a merge keeps its own values and takes from the duplicate whatever it lacks:
 * every email and phone, and each empty field. A link to the duplicate or to the survivor itself is
 * never kept.
 */
/** Both lists, each value once, the survivor's first; nothing when both have none. */
const listUnion = <K extends 'urls' | 'tags'>(
  field: K,
  a: readonly string[] | undefined,
  b: readonly string[] | undefined,
): Partial<Pick<Person, K>> =>
  a || b ? ({ [field]: distinctText([...(a ?? []), ...(b ?? [])]) } as Partial<Pick<Person, K>>) : {};

/** Values each once, compared without case: a tag or address typed twice is kept as first written. */
export const distinctText = (values: readonly string[]): string[] => {
  const seen = new Set<string>();
  return values.filter((v) => {
    const key = v.trim().toLowerCase();
    if (key === '' || seen.has(key)) return false;
    seen.add(key);
    return true;
  });
};

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
    // a department is the company's: taken only with the company it belongs to
    ...(survivor.departmentId === undefined &&
    duplicate.departmentId !== undefined &&
    duplicate.companyId === (survivor.companyId ?? duplicate.companyId)
      ? { departmentId: duplicate.departmentId }
      : {}),
    ...fill('position'),
    ...fill('role'),
    ...fill('note'),
    ...fill('photo'),
    ...fill('origin'),
    ...listUnion('urls', survivor.urls, duplicate.urls),
    ...listUnion('tags', survivor.tags, duplicate.tags),
    isMainContact: survivor.isMainContact || duplicate.isMainContact,
    employments: mergedEmployments(survivor, duplicate, now.toISOString()),
    ...(survivor.lifecycleStage || duplicate.lifecycleStage ? mergedStage(survivor, duplicate, now.toISOString()) : {}),
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

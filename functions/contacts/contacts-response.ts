/**
 * What the person, company and duplicate-check routes answer: the API's own shapes, mapped field by
 * field from the records, so a stored attribute can be renamed without changing an answer.
 */
import * as z from 'zod/mini';
import type { Company } from '../../domain/companies/company.ts';
import { companyAddress, companyTypes, departmentOf, relationships } from '../../domain/companies/company.ts';
import { lifecycleStages, type StageChange, stageCauses, stageOf } from '../../domain/companies/lifecycle.ts';
import { employmentsOf, type Person } from '../../domain/persons/person.ts';
import { type Address, effectiveAddress } from '../../domain/shared/postal-address.ts';
import { CandidateResponse } from '../inbox/inbox-entry-response.ts';

const optionalString = z.optional(z.string());

const AddressResponse = z.object({
  street: optionalString,
  addressLine2: optionalString,
  postalCode: optionalString,
  city: optionalString,
  country: optionalString,
});

const StageChangeResponse = z.object({
  from: z.nullable(z.enum(lifecycleStages)),
  to: z.enum(lifecycleStages),
  at: z.string(),
  /** `user` by hand; the pipeline's events `conversion`, `lead`, `deal`, `won`; `relationship` set by hand; `merge` */
  by: z.enum(stageCauses),
  userId: optionalString,
  /** the opportunity whose event raised the stage */
  recordId: optionalString,
});

const toStageHistory = (history: readonly StageChange[] | undefined) =>
  (history ?? []).map((c) => ({ from: c.from, to: c.to, at: c.at, by: c.by, userId: c.userId, recordId: c.recordId }));

export const PersonResponse = z.lazy(() =>
  z.object({
    id: z.string(),
    salutation: optionalString,
    title: optionalString,
    firstName: optionalString,
    lastName: z.string(),
    emails: z.array(z.string()),
    phones: z.array(z.string()),
    address: z.optional(AddressResponse),
    /** true when `address` is the company's, shown because the person has none of their own */
    addressInherited: z.boolean(),
    birthday: optionalString,
    companyId: optionalString,
    isMainContact: z.boolean(),
    supervisorId: optionalString,
    department: optionalString,
    /** the company's department (one of its `departments`) the person is in */
    departmentId: optionalString,
    position: optionalString,
    role: optionalString,
    urls: z.array(z.string()),
    note: optionalString,
    tags: z.array(z.string()),
    /** a stored portrait (read it at `/v1/persons/{id}/photo`) or a link kept as given */
    photo: z.optional(
      z.union([z.object({ mediaType: z.string(), size: z.number(), href: z.string() }), z.object({ url: z.string() })]),
    ),
    origin: optionalString,
    /** where the person worked and works, oldest first; the current employment has `to: null` */
    employments: z.array(z.object({ companyId: z.string(), from: z.string(), to: z.nullable(z.string()) })),
    /** a person without a company only (B2C): one with a company has the company's stage */
    lifecycleStage: z.optional(z.enum(lifecycleStages)),
    stageHistory: z.optional(z.array(StageChangeResponse)),
    createdAt: z.string(),
    updatedAt: z.string(),
    version: z.number(),
  }),
);

export const CompanyResponse = z.lazy(() =>
  z.object({
    id: z.string(),
    name: z.string(),
    type: z.enum(companyTypes),
    relationship: z.enum(relationships),
    /** general → lead → prospect → customer; `relationship` is customer exactly when this is */
    lifecycleStage: z.enum(lifecycleStages),
    /** every change of the stage, oldest first: from, to, when, and by whom or which event */
    stageHistory: z.array(StageChangeResponse),
    address: z.optional(AddressResponse),
    emails: z.array(z.string()),
    phones: z.array(z.string()),
    website: optionalString,
    parentCompanyId: optionalString,
    /** the one person of the company who carries its address (Hauptkontakt); null when none is (or they left) */
    mainContactId: z.nullable(z.string()),
    /** the company's departments, which its persons reference (renaming one renames it for all) */
    departments: z.array(z.object({ id: z.string(), name: z.string() })),
    /** true when `address` is the main contact's (seed 003: the main contact holds the company address) */
    addressFromMainContact: z.boolean(),
    createdAt: z.string(),
    updatedAt: z.string(),
    version: z.number(),
  }),
);

type AddressBody = z.infer<typeof AddressResponse>;

// fields without a value are undefined here and left out of the JSON
const toAddressResponse = (address: Address): AddressBody => ({
  street: address.street,
  addressLine2: address.addressLine2,
  postalCode: address.postalCode,
  city: address.city,
  country: address.country,
});

/**
 * What a person's view needs of their company: its address as the company shows it (its main
 * contact's or its own) and who its main contact is.
 */
export type PersonCompanyView = {
  address?: Address | undefined;
  mainContactId?: string | undefined;
  departments?: Company['departments'];
};

const photoView = (person: Person) => {
  const photo = person.photo;
  if (!photo) return undefined;
  return 'url' in photo
    ? { url: photo.url }
    : { mediaType: photo.mediaType, size: photo.size, href: `/v1/persons/${person.id}/photo` };
};

/**
 * A person as the API shows them: with their company's address when they have none, and as the
 * main contact exactly when the company names them.
 */
export const toPersonResponse = (
  person: Person,
  company: PersonCompanyView | undefined,
): z.infer<typeof PersonResponse> => {
  const { address, addressInherited } = effectiveAddress(person.address, company?.address);
  const department = company && departmentOf(company, person.departmentId);
  return {
    id: person.id,
    salutation: person.salutation,
    title: person.title,
    firstName: person.firstName,
    lastName: person.lastName,
    emails: person.emails,
    phones: person.phones,
    birthday: person.birthday,
    companyId: person.companyId,
    isMainContact: person.companyId !== undefined && company?.mainContactId === person.id,
    supervisorId: person.supervisorId,
    // the company's department by its current name (a rename shows for all), else the free text
    department: department?.name ?? person.department,
    departmentId: department?.id,
    position: person.position,
    role: person.role,
    urls: person.urls ?? [],
    note: person.note,
    tags: person.tags ?? [],
    photo: photoView(person),
    origin: person.origin,
    employments: employmentsOf(person).map((e) => ({ companyId: e.companyId, from: e.from, to: e.to })),
    ...(person.companyId ? {} : { lifecycleStage: stageOf(person), stageHistory: toStageHistory(person.stageHistory) }),
    createdAt: person.createdAt,
    updatedAt: person.updatedAt,
    version: person.version,
    address: address ? toAddressResponse(address) : undefined,
    addressInherited,
  };
};

/** A company as the API shows it: with its main contact's address when the main contact (`mainContact`) has one. */
export const toCompanyResponse = (
  company: Company,
  mainContact?: Pick<Person, 'id' | 'companyId' | 'address'>,
): z.infer<typeof CompanyResponse> => {
  const { address, fromMainContact } = companyAddress(company, mainContact);
  return {
    id: company.id,
    name: company.name,
    type: company.type,
    relationship: company.relationship,
    lifecycleStage: stageOf(company),
    stageHistory: toStageHistory(company.stageHistory),
    address: address ? toAddressResponse(address) : undefined,
    addressFromMainContact: fromMainContact,
    emails: company.emails,
    phones: company.phones,
    website: company.website,
    parentCompanyId: company.parentCompanyId,
    // only a main contact who works there (a person merge or a move can leave the id behind)
    mainContactId:
      company.mainContactId !== undefined &&
      mainContact?.id === company.mainContactId &&
      mainContact.companyId === company.id
        ? company.mainContactId
        : null,
    departments: (company.departments ?? []).map((d) => ({ id: d.id, name: d.name })),
    createdAt: company.createdAt,
    updatedAt: company.updatedAt,
    version: company.version,
  };
};

/** One entry of a company's timeline: a record that links the company, summarised. */
export const TimelineItem = z.object({
  kind: z.enum(['activity', 'email', 'opportunity', 'ticket']),
  id: z.string(),
  /** when the record was created (an email: received) */
  at: z.string(),
  /** the opportunity's or ticket's number */
  number: z.nullable(z.string()),
  /** subject or title */
  title: z.nullable(z.string()),
  status: z.string(),
  /** the person it concerns, when it names one */
  personId: z.nullable(z.string()),
});

/** A duplicate candidate answers as in the inbox's duplicate check. */

export { CandidateResponse, toCandidateResponse } from '../inbox/inbox-entry-response.ts';

const VCardProblemResponse = z.object({
  /** the vCard property (N, FN, EMAIL, …) */
  property: z.string(),
  /** the line in the file (1-based; 0 when the card names no line) */
  line: z.number(),
  message: z.string(),
});

/** What `POST /v1/contacts/vcards` answers: one result per card, in file order. */
export const VCardImportResponse = z.lazy(() =>
  z.object({
    results: z.array(
      z.object({
        /** the card's place in the file, 0-based */
        index: z.number(),
        status: z.enum(['created', 'duplicate', 'invalid']),
        /** what the card is of: a person, or a company (its own card: KIND:org, Apple's company entries, a card named only by its ORG) */
        kind: z.optional(z.enum(['person', 'company'])),
        /** the card's name (FN, else N; a company's card its ORG) */
        name: optionalString,
        /** the person (or, for kind company, the company) created; not on a dry run */
        id: optionalString,
        /** a duplicate's candidates, best first; the same card imported before is one candidate of score 1 */
        candidates: z.optional(z.array(CandidateResponse)),
        /** why the card is invalid, by property and line */
        errors: z.optional(z.array(VCardProblemResponse)),
        /** what the card held that was not kept, by property and line */
        warnings: z.optional(z.array(VCardProblemResponse)),
        /** what ORG named: an existing company linked, a new one created, or possible candidates left to a user */
        company: z.optional(
          z.object({
            status: z.enum(['linked', 'created', 'possible']),
            name: z.string(),
            id: optionalString,
            candidates: z.optional(z.array(CandidateResponse)),
          }),
        ),
      }),
    ),
    /** cards in the file */
    cardsTotal: z.number(),
    /** the `from` of the file's next part, or null when this part was its last */
    nextFrom: z.nullable(z.number()),
    dryRun: z.boolean(),
  }),
);

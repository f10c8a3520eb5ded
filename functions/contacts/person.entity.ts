/** Persons in the table: keyed by id, listed newest first and by company (by folded last name). */
import * as z from 'zod/mini';
import { lifecycleStages, stageCauses } from '../../domain/companies/lifecycle.ts';
import { type Person, personSortName } from '../../domain/persons/person.ts';
import { defineEntity, onIndex } from '../shared/entity.ts';

const optionalString = z.optional(z.string());

export const AddressSchema = z.object({
  street: optionalString,
  addressLine2: optionalString,
  postalCode: optionalString,
  city: optionalString,
  country: optionalString,
});

/** A stage and its history as stored on companies and persons (records stored before stages have neither). */
export const StageFields = {
  lifecycleStage: z.optional(z.enum(lifecycleStages)),
  stageHistory: z.optional(
    z.array(
      z.object({
        from: z.nullable(z.enum(lifecycleStages)),
        to: z.enum(lifecycleStages),
        at: z.string(),
        by: z.enum(stageCauses),
        userId: optionalString,
        recordId: optionalString,
      }),
    ),
  ),
};

export const PersonSchema = z.lazy(() =>
  z.object({
    id: z.string(),
    salutation: optionalString,
    title: optionalString,
    firstName: optionalString,
    lastName: z.string(),
    emails: z.array(z.string()),
    phones: z.array(z.string()),
    address: z.optional(AddressSchema),
    birthday: optionalString,
    companyId: optionalString,
    isMainContact: z.boolean(),
    supervisorId: optionalString,
    department: optionalString,
    departmentId: optionalString,
    position: optionalString,
    role: optionalString,
    urls: z.optional(z.array(z.string())),
    note: optionalString,
    tags: z.optional(z.array(z.string())),
    photo: z.optional(
      z.union([
        z.object({ sha256: z.string(), mediaType: z.string(), size: z.number() }),
        z.object({ url: z.string() }),
      ]),
    ),
    origin: optionalString,
    // persons stored before the history was kept have none: employmentsOf derives it
    employments: z.optional(z.array(z.object({ companyId: z.string(), from: z.string(), to: z.nullable(z.string()) }))),
    ...StageFields,
    createdAt: z.string(),
    updatedAt: z.string(),
    version: z.number(),
  }),
) satisfies z.ZodMiniType<Person>;

const allPartition = 'PERSONS';
const byCompanyPartition = (companyId: string): string => `PERSONS#COMPANY#${companyId}`;

/**
 * The partition of a company's persons: it follows `companyId` (a merge moves it to the surviving
 * company), while the sort key (the person's name) stays.
 */
export const personCompanyIndex = (companyId: string) =>
  ({ index: 'gsi1', pk: byCompanyPartition(companyId) }) as const;

/** The sort key of every person record item (the table stream's filter selects them by it). */
export const personRecordSortKey = 'PERSON';

export const persons = defineEntity({
  name: 'person',
  version: 1,
  schema: PersonSchema,
  key: (id: string) => ({ pk: `PERSON#${id}`, sk: personRecordSortKey }),
  keyOf: (person: Person) => [person.id],
  indexes: (person) => [
    { index: 'gsi4', pk: allPartition, sk: `${person.createdAt}#${person.id}` },
    person.companyId ? { ...personCompanyIndex(person.companyId), sk: `${personSortName(person)}#${person.id}` } : null,
  ],
  patterns: {
    /** every person, by creation (newest first when read backwards) */
    all: () => onIndex('gsi4', allPartition),
    /** the persons of a company, by folded last name */
    byCompany: (companyId: string) => onIndex('gsi1', byCompanyPartition(companyId)),
  },
});

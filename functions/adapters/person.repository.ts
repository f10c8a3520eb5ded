/** Persons in the single table: the generic record store with the person's list keys, search words, lookups and links. */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod/mini';
import { personLookups } from '../../domain/duplicates/record-profiles.ts';
import { type Person, personSearchTokens, personSortName } from '../../domain/persons/person.ts';
import { personsAll, personsByCompany } from '../shared/table.ts';
import { createRecordStore } from './contact-records.ts';
import type { Reference } from './references.ts';

const optionalString = z.optional(z.string());

export const AddressSchema = z.object({
  street: optionalString,
  addressLine2: optionalString,
  postalCode: optionalString,
  city: optionalString,
  country: optionalString,
});

export const PersonSchema = z.object({
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
  position: optionalString,
  origin: optionalString,
  createdAt: z.string(),
  updatedAt: z.string(),
  version: z.number(),
});

export const personReferences = (person: Person): Reference[] => [
  ...(person.companyId ? [{ target: { kind: 'COMPANY' as const, id: person.companyId }, field: 'companyId' }] : []),
  ...(person.supervisorId
    ? [{ target: { kind: 'PERSON' as const, id: person.supervisorId }, field: 'supervisorId' }]
    : []),
];

export const createPersonRepository = (doc: DynamoDBDocumentClient, tableName: string) =>
  createRecordStore<Person>(doc, tableName, {
    kind: 'PERSON',
    entity: 'person',
    schema: PersonSchema,
    indexKeys: (person) => ({
      ...personsAll(person.createdAt, person.id),
      ...(person.companyId ? personsByCompany(person.companyId, personSortName(person), person.id) : {}),
    }),
    searchTokens: personSearchTokens,
    lookups: personLookups,
    references: personReferences,
  });

export type PersonRepository = ReturnType<typeof createPersonRepository>;

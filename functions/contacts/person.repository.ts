/** Persons in the single table: the generic record store with the person's entity, search words, lookups and links. */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { personLookups } from '../../domain/duplicates/record-profiles.ts';
import { type Person, personSearchTokens } from '../../domain/persons/person.ts';
import { createRecordStore } from './contact-records.ts';
import { personSearchItems } from './contact-search.entity.ts';
import { personTombstones } from './merge-state.entity.ts';
import { persons } from './person.entity.ts';
import type { Reference } from './references.ts';

export const personReferences = (person: Person): Reference[] => [
  ...(person.companyId ? [{ target: { kind: 'COMPANY' as const, id: person.companyId }, field: 'companyId' }] : []),
  ...(person.supervisorId
    ? [{ target: { kind: 'PERSON' as const, id: person.supervisorId }, field: 'supervisorId' }]
    : []),
];

export const createPersonRepository = (doc: DynamoDBDocumentClient, tableName: string) =>
  createRecordStore(doc, tableName, {
    kind: 'PERSON',
    entity: persons,
    tombstones: personTombstones,
    searchItems: personSearchItems,
    searchTokens: personSearchTokens,
    lookups: personLookups,
    references: personReferences,
  });

export type PersonRepository = ReturnType<typeof createPersonRepository>;

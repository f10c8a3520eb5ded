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

/** At most this many persons of one company are read whole (a tree of its people, a check of its departments). */
export const maxPersonsPerCompany = 2_000;

export const createPersonRepository = (doc: DynamoDBDocumentClient, tableName: string) => {
  const records = createRecordStore(doc, tableName, {
    kind: 'PERSON',
    entity: persons,
    tombstones: personTombstones,
    searchItems: personSearchItems,
    searchTokens: personSearchTokens,
    lookups: personLookups,
    references: personReferences,
  });
  return {
    ...records,
    /**
     * Every person of a company by name (its list index, page by page, the records read whole), at most
     * `maxPersonsPerCompany`; the list index is eventually consistent, so each is checked to still
     * work there.
     */
    inCompany(companyId: string): Promise<Person[]> {
      return records.listAll(persons.patterns.byCompany(companyId), {
        keep: (p) => p.companyId === companyId,
        max: maxPersonsPerCompany,
      });
    },
  };
};

export type PersonRepository = ReturnType<typeof createPersonRepository>;

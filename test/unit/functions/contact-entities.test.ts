// The entities of persons, companies and duplicate protection write exactly the items the code before
// them wrote: the expected items below were printed by that code (functions/shared/table.ts's builders
// and the repositories that used them) for the same records, so deployed tables and local data keep
// working without a migration.
import { describe, expect, it } from 'vitest';
import type { Company } from '../../../domain/companies/company.ts';
import type { Person } from '../../../domain/persons/person.ts';
import { companies, companyRelationshipIndex } from '../../../functions/contacts/company.entity.ts';
import {
  companySearchItems,
  personSearchItems,
  searchItem,
} from '../../../functions/contacts/contact-search.entity.ts';
import { companyTombstones, pendingMerges, personTombstones } from '../../../functions/contacts/merge-state.entity.ts';
import { persons } from '../../../functions/contacts/person.entity.ts';
import { recordKey, referenceItem } from '../../../functions/contacts/reference.entity.ts';
import {
  frequencyCounterItem,
  frequencyCounters,
  frequencyEventItem,
} from '../../../functions/duplicates/frequency-counter.entity.ts';
import { firstLayoutKey, lookupItem, lookupLayout } from '../../../functions/duplicates/match-lookup.entity.ts';
import { matchingMigrations } from '../../../functions/duplicates/matching-migration.entity.ts';

const person: Person = {
  id: '01JPERSON00000000000000001',
  salutation: 'Frau',
  firstName: 'Anna',
  lastName: 'Müller-Lüdenscheidt',
  emails: ['anna@example.de'],
  phones: ['+4930123456'],
  address: { street: 'Hauptstr. 1', postalCode: '10115', city: 'Berlin' },
  birthday: '1980-02-03',
  companyId: '01JCOMPANY0000000000000001',
  isMainContact: true,
  supervisorId: '01JPERSON00000000000000009',
  createdAt: '2026-03-01T10:00:00.000Z',
  updatedAt: '2026-03-02T10:00:00.000Z',
  version: 3,
};

const company: Company = {
  id: '01JCOMPANY0000000000000001',
  name: 'Nordlicht Elektro GmbH',
  type: 'company',
  relationship: 'customer',
  address: { street: 'Hafenweg 2', postalCode: '20457', city: 'Hamburg', country: 'DE' },
  emails: ['info@nordlicht.de'],
  phones: [],
  website: 'https://nordlicht.de',
  parentCompanyId: '01JCOMPANY0000000000000009',
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-05T00:00:00.000Z',
  version: 2,
};

describe('persons and companies are stored as before', () => {
  it('writes a person under its key, in the list of all persons and of its company', () => {
    expect(persons.item(person)).toStrictEqual({
      pk: 'PERSON#01JPERSON00000000000000001',
      sk: 'PERSON',
      gsi4pk: 'PERSONS',
      gsi4sk: '2026-03-01T10:00:00.000Z#01JPERSON00000000000000001',
      gsi1pk: 'PERSONS#COMPANY#01JCOMPANY0000000000000001',
      gsi1sk: 'mueller luedenscheidt anna#01JPERSON00000000000000001',
      _et: 'person',
      _v: 1,
      ...person,
    });
  });

  it('leaves a person without a company out of every company’s list', () => {
    const { companyId: _, ...alone } = person;
    expect(Object.keys(persons.item(alone))).not.toContain('gsi1pk');
  });

  it('writes a company under its key, in the lists of all companies, of its relationship and of its parent', () => {
    expect(companies.item(company)).toStrictEqual({
      pk: 'COMPANY#01JCOMPANY0000000000000001',
      sk: 'COMPANY',
      gsi4pk: 'COMPANIES',
      gsi4sk: '2026-01-01T00:00:00.000Z#01JCOMPANY0000000000000001',
      gsi2pk: 'COMPANIES#REL#customer',
      gsi2sk: 'nordlicht elektro gmbh#01JCOMPANY0000000000000001',
      gsi1pk: 'COMPANIES#PARENT#01JCOMPANY0000000000000009',
      gsi1sk: 'nordlicht elektro gmbh#01JCOMPANY0000000000000001',
      _et: 'company',
      _v: 1,
      ...company,
    });
    expect(companyRelationshipIndex('customer')).toEqual({ index: 'gsi2', pk: 'COMPANIES#REL#customer' });
  });

  it('keys every record the way references name it', () => {
    expect(recordKey({ kind: 'PERSON', id: person.id })).toEqual(persons.key(person.id));
    expect(recordKey({ kind: 'COMPANY', id: company.id })).toEqual(companies.key(company.id));
  });

  it('writes search items under the token’s first two characters, newest first within a token', () => {
    expect(searchItem(personSearchItems, 'mueller', person)).toStrictEqual({
      pk: 'PERSONQ#mu',
      sk: 'mueller#8227640799999#01JPERSON00000000000000001',
      _et: 'person-search',
      _v: 1,
      recordId: '01JPERSON00000000000000001',
    });
    expect(searchItem(companySearchItems, 'nordlicht', company)).toStrictEqual({
      pk: 'COMPANYQ#no',
      sk: 'nordlicht#8232774399999#01JCOMPANY0000000000000001',
      _et: 'company-search',
      _v: 1,
      recordId: '01JCOMPANY0000000000000001',
    });
  });

  it('writes a reference item in the target’s partition', () => {
    expect(
      referenceItem({ kind: 'COMPANY', id: company.id }, { kind: 'PERSON', id: person.id }, 'companyId'),
    ).toStrictEqual({
      pk: 'REFS#COMPANY#01JCOMPANY0000000000000001',
      sk: 'PERSON#01JPERSON00000000000000001#companyId',
      _et: 'reference',
      _v: 1,
      fromKind: 'PERSON',
      fromId: '01JPERSON00000000000000001',
      field: 'companyId',
    });
  });

  it('turns a merged record into a tombstone under its own key', () => {
    const tombstone = { id: 'P2', mergedInto: 'P1', mergedAt: '2026-03-04T00:01:00.000Z' };
    expect(personTombstones.item(tombstone)).toStrictEqual({
      pk: 'PERSON#P2',
      sk: 'PERSON',
      _et: 'person',
      _v: 1,
      ...tombstone,
    });
    expect(companyTombstones.item(tombstone)).toMatchObject({ pk: 'COMPANY#P2', sk: 'COMPANY', _et: 'company' });
  });

  it('marks a record being merged away in the pending-merge index, and reads it back', () => {
    const key = pendingMerges.indexKey('2026-03-04T00:00:00.000Z', 'PERSON', 'P2');
    expect(key).toEqual({ index: 'gsi3', pk: 'MERGE#PENDING', sk: '2026-03-04T00:00:00.000Z#PERSON#P2' });
    expect(pendingMerges.attributes).toEqual({ pk: 'gsi3pk', sk: 'gsi3sk' });
    expect(pendingMerges.parse({ id: 'P2', mergingInto: 'P1', gsi3pk: key.pk, gsi3sk: key.sk })).toEqual({
      kind: 'PERSON',
      duplicateId: 'P2',
      survivorId: 'P1',
      startedAt: '2026-03-04T00:00:00.000Z',
    });
  });
});

describe('duplicate protection’s items are stored as before', () => {
  it('writes a lookup item with the refinement in its sort key, master data before inbox entries', () => {
    const profiles = { person: { lastName: 'mueller', emails: ['anna@example.de'] } };
    expect(
      lookupItem({ key: 'EMAIL#anna%40example.de', refine: '06' }, { kind: 'PERSON', id: person.id }, profiles),
    ).toStrictEqual({
      pk: 'LOOKUP#EMAIL#anna%40example.de',
      sk: '1#06#PERSON#01JPERSON00000000000000001',
      _et: 'match-lookup',
      _v: 2,
      kind: 'PERSON',
      id: '01JPERSON00000000000000001',
      profiles,
    });
    expect(lookupItem({ key: 'EMAIL#a', refine: '06' }, { kind: 'INBOX', id: 'E1' }, {})).toMatchObject({
      sk: '2#06#INBOX#E1',
    });
    expect(firstLayoutKey('EMAIL#a', { kind: 'INBOX', id: 'E1' })).toEqual({ pk: 'LOOKUP#EMAIL#a', sk: '2#INBOX#E1' });
  });

  it('tells current lookup items from earlier layouts and from the very first, foreign ones', () => {
    expect(lookupLayout({ _et: 'match-lookup', _v: 2 })).toBe('current');
    expect(lookupLayout({ _et: 'match-lookup', _v: 1 })).toBe('earlier');
    expect(lookupLayout({ _et: 'person-lookup', _v: 1 })).toBe('foreign');
  });

  it('writes a frequency counter shard in its value’s partition, a hash for a long value', () => {
    expect(frequencyCounterItem('P|ln|mueller', 2, 3)).toStrictEqual({
      pk: 'FREQ#P%7Cln%7Cmueller',
      sk: 'SHARD#2',
      _et: 'frequency',
      _v: 1,
      value: 'P|ln|mueller',
      count: 3,
    });
    expect(frequencyCounters.key('x'.repeat(500), 2)).toEqual({
      pk: 'FREQ#sha256:c38c2bf3055c516a98ac5d97f30e7c364e827bc0199e1c3415b794afbe55dcad',
      sk: 'SHARD#2',
    });
  });

  it('writes the guard of a counted change with its expiry', () => {
    expect(frequencyEventItem('ev-1', 1772755200)).toStrictEqual({
      pk: 'FREQEVENT#ev-1',
      sk: 'FREQEVENT',
      _et: 'frequency-event',
      _v: 1,
      ttl: 1772755200,
    });
  });

  it('keeps the backfill’s marker where the local stack looks for it', () => {
    expect(matchingMigrations.item({ layout: 2 })).toStrictEqual({
      pk: 'MIGRATION#matching',
      sk: 'MIGRATION',
      _et: 'migration',
      _v: 1,
      layout: 2,
    });
  });
});

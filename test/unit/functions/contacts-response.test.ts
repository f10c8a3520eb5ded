// Persons and companies answer in the API's own shape, mapped field by field from the record: the JSON
// is what the API answered before, and nothing of how a record is stored reaches a client.
import { describe, expect, it } from 'vitest';
import type { Company } from '../../../domain/companies/company.ts';
import type { Person } from '../../../domain/persons/person.ts';
import { companies } from '../../../functions/contacts/company.entity.ts';
import { contactsRoutes } from '../../../functions/contacts/contacts.routes.ts';
import { toCompanyResponse, toPersonResponse } from '../../../functions/contacts/contacts-response.ts';
import { persons } from '../../../functions/contacts/person.entity.ts';

const person: Person = {
  id: 'P1',
  firstName: 'Anna',
  lastName: 'Müller',
  emails: ['anna@example.de'],
  phones: [],
  companyId: 'C1',
  isMainContact: false,
  employments: [{ companyId: 'C1', from: '2026-03-01T10:00:00.000Z', to: null }],
  createdAt: '2026-03-01T10:00:00.000Z',
  updatedAt: '2026-03-01T10:00:00.000Z',
  version: 1,
};

const company: Company = {
  id: 'C1',
  name: 'Nordlicht GmbH',
  type: 'company',
  relationship: 'prospect',
  address: { street: 'Hafenweg 2', postalCode: '20457', city: 'Hamburg' },
  emails: [],
  phones: ['+49401234'],
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
  version: 4,
};

const json = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

describe('person and company answers', () => {
  it('shows a person with the company’s address when they have none, and says so', () => {
    expect(json(toPersonResponse(person, { address: company.address }))).toEqual({
      ...person,
      address: company.address,
      addressInherited: true,
      // lists a person stored before they existed shows empty
      urls: [],
      tags: [],
    });
  });

  it('shows a person’s own address before the company’s', () => {
    const own = { ...person, address: { city: 'Berlin' } };
    expect(json(toPersonResponse(own, { address: company.address }))).toEqual({
      ...own,
      addressInherited: false,
      urls: [],
      tags: [],
    });
    const { companyId: _, employments: __, ...alone } = person;
    // a person without a company carries a stage of their own (B2C); one stored before stages is general
    expect(json(toPersonResponse(alone, undefined))).toEqual({
      ...alone,
      employments: [],
      addressInherited: false,
      urls: [],
      tags: [],
      lifecycleStage: 'general',
      stageHistory: [],
    });
  });

  it('shows a company as it is, a company stored before stages at the stage its relationship implies', () => {
    const shown = { mainContactId: null, addressFromMainContact: false, departments: [] };
    expect(json(toCompanyResponse(company))).toEqual({
      ...company,
      ...shown,
      lifecycleStage: 'general',
      stageHistory: [],
    });
    const customer: Company = { ...company, relationship: 'customer' };
    expect(toCompanyResponse(customer)).toMatchObject({ relationship: 'customer', lifecycleStage: 'customer' });
    const staged: Company = {
      ...company,
      lifecycleStage: 'lead',
      stageHistory: [{ from: 'general', to: 'lead', at: company.updatedAt, by: 'conversion', recordId: 'O1' }],
    };
    expect(json(toCompanyResponse(staged))).toEqual({ ...staged, ...shown });
  });

  it('shows the main contact’s address as the company’s, and the company’s own when the main contact has none or left', () => {
    const contact = {
      ...person,
      id: 'P7',
      address: { street: 'Kaiserstraße 5', postalCode: '60311', city: 'Frankfurt' },
    };
    const named: Company = { ...company, mainContactId: 'P7' };
    expect(toCompanyResponse(named, contact)).toMatchObject({
      mainContactId: 'P7',
      address: contact.address,
      addressFromMainContact: true,
    });
    const { address: _, ...homeless } = contact;
    expect(toCompanyResponse(named, homeless)).toMatchObject({
      address: company.address,
      addressFromMainContact: false,
    });
    // one who left (or whom a person merge left behind) is no main contact of this company
    expect(toCompanyResponse(named, { ...contact, companyId: 'C9' })).toMatchObject({
      mainContactId: null,
      address: company.address,
      addressFromMainContact: false,
    });
    // a person is the main contact exactly when the company names them
    expect(toPersonResponse({ ...person, isMainContact: true }, { mainContactId: 'P7' }).isMainContact).toBe(false);
    expect(toPersonResponse({ ...person, id: 'P7' }, { mainContactId: 'P7' }).isMainContact).toBe(true);
  });

  it('never shows how a record is stored: keys, list keys, entity tags and merge marks stay in the table', () => {
    const storedPerson = { ...persons.item(person), mergingInto: 'P9' };
    const storedCompany = { ...companies.item(company), mergingInto: 'C9' };
    // a record read back with storage attributes still on it answers exactly as the record itself
    expect(json(toPersonResponse(persons.parse(storedPerson), undefined))).toEqual(
      json(toPersonResponse(person, undefined)),
    );
    expect(Object.keys(toPersonResponse({ ...person, ...storedPerson }, undefined))).not.toContain('gsi4pk');
    expect(Object.keys(toCompanyResponse({ ...company, ...storedCompany })).sort()).toEqual(
      Object.keys(toCompanyResponse(company)).sort(),
    );
  });

  it('describes its answers with schemas of its own, not the stored ones', () => {
    expect(contactsRoutes['GET /v1/persons/{id}'].responds.schema).not.toBe(persons.schema);
    expect(contactsRoutes['GET /v1/companies/{id}'].responds.schema).not.toBe(companies.schema);
  });
});

import { ulid } from 'ulid';
import { describe, expect, it } from 'vitest';
import { type Contact, createInboxEntry } from '../../domain/inbox/inbox-entry.ts';
import { createCompanyRepository } from '../../functions/contacts/company.repository.ts';
import { createPersonRepository } from '../../functions/contacts/person.repository.ts';
import { tableCandidateFinder } from '../../functions/duplicates/find-candidates.ts';
import { createInboxEntryRepository } from '../../functions/inbox/inbox-entry.repository.ts';
import type { ConvertBody } from '../../functions/opportunities/conversion-input.ts';
import { convertInboxEntryRequest } from '../../functions/opportunities/convert-inbox-entry.ts';
import { createOpportunityRepository } from '../../functions/opportunities/opportunity.repository.ts';
import { createPipelineRepository } from '../../functions/pipelines/pipeline.repository.ts';
import type { HttpRequest } from '../../functions/shared/http.ts';
import { documentClient, tableName } from '../support/aws.ts';
import { apiEvent } from '../support/events.ts';
import { aCompany, aPerson } from '../support/fixtures.ts';

const doc = documentClient();
const inbox = createInboxEntryRepository(doc, tableName);
const persons = createPersonRepository(doc, tableName);
const companies = createCompanyRepository(doc, tableName);
const opportunities = createOpportunityRepository(doc, tableName);
const convert = convertInboxEntryRequest({
  doc,
  tableName,
  inbox,
  persons,
  companies,
  opportunities,
  pipelines: createPipelineRepository(doc, tableName),
  findCandidates: tableCandidateFinder(doc, tableName),
  now: () => new Date(),
});

const request = (id: string, body: ConvertBody): HttpRequest<ConvertBody, { id: string }, undefined> => ({
  body,
  bodyKind: 'json',
  path: { id },
  query: undefined,
  user: { id: 'demo-sales', email: 'sales@kontakt.localhost', name: 'Sales', roles: ['sales'] },
  headers: {},
  event: apiEvent({ routeKey: 'POST /v1/inbox/{id}/convert', path: `/v1/inbox/${id}/convert` }),
  requestId: ulid(),
});

const anEntry = async (contact: Contact) => {
  const entry = createInboxEntry(
    {
      id: ulid(),
      source: 'webform',
      priority: 'high',
      responsibleUserId: null,
      contact,
      expectedBudget: { amount: 12500, currency: 'EUR' },
      raw: {},
      createdBy: null,
    },
    new Date(),
  );
  await inbox.create(entry);
  return entry;
};

const unique = () => ulid().slice(-8).toLowerCase();

describe('converting an inbox entry', () => {
  it('creates the opportunity, the company and the person in one go and marks the entry converted', async () => {
    const tag = unique();
    const entry = await anEntry({
      firstName: 'Ole',
      lastName: `Jensen${tag}`,
      email: `ole.${tag}@nordsee-fisch.example`,
      phone: '0461 1234567',
      companyName: `Nordsee Fisch ${tag} GmbH`,
      street: 'Hafendamm 3',
      postalCode: '24937',
      city: 'Flensburg',
    });

    const res = await convert(request(entry.id, { company: { create: true }, person: { create: true } }));
    const body = res.body as {
      opportunity: Record<string, unknown>;
      company: Record<string, unknown>;
      person: Record<string, unknown>;
    };
    const stored = await inbox.get(entry.id, { consistent: true });

    expect(res.status).toBe(201);
    expect(body.opportunity).toMatchObject({
      stage: 'lead',
      title: entry.title,
      source: 'webform',
      priority: 'high',
      value: { amount: 12500, currency: 'EUR' },
      companyId: body.company.id,
      personId: body.person.id,
      inboxEntryId: entry.id,
    });
    expect(body.company).toMatchObject({
      type: 'company',
      name: `Nordsee Fisch ${tag} GmbH`,
      address: { city: 'Flensburg' },
    });
    expect(body.person).toMatchObject({ companyId: body.company.id, phones: ['+494611234567'], isMainContact: true });
    expect(stored).toMatchObject({
      processingStatus: 'converted',
      opportunityId: body.opportunity.id,
      companyId: body.company.id,
      personId: body.person.id,
    });
    expect(stored?.qualifiedAt).toEqual(expect.any(String));
  });

  it('makes the contact a lead, or a prospect for a deal, with the conversion in its stage history', async () => {
    const tag = unique();
    const b2b = await anEntry({
      lastName: `Stufe${tag}`,
      email: `stufe.${tag}@example.de`,
      companyName: `Stufenbau ${tag} GmbH`,
    });
    const b2c = await anEntry({ firstName: 'Privat', lastName: `Kundin${tag}`, email: `privat.${tag}@example.de` });
    const existing = aCompany({ name: `Bestand ${tag} AG` });
    await companies.create(existing);
    const forDeal = await anEntry({ lastName: `Deal${tag}`, email: `deal.${tag}@example.de` });

    const created = await convert(request(b2b.id, { company: { create: true }, person: { create: true } }));
    const alone = await convert(request(b2c.id, { person: { create: true } }));
    const deal = await convert(
      request(forDeal.id, { stage: 'deal', company: { id: existing.id }, person: { create: true, force: true } }),
    );
    const body = (res: { body?: unknown }) =>
      res.body as { opportunity: { id: string }; company?: Record<string, unknown>; person?: Record<string, unknown> };
    const linked = await companies.load(existing.id, { consistent: true });

    expect(body(created).company).toMatchObject({
      lifecycleStage: 'lead',
      stageHistory: [
        { from: null, to: 'lead', by: 'conversion', userId: 'demo-sales', recordId: body(created).opportunity.id },
      ],
    });
    // a person with a company has the company's stage; one without carries their own (B2C)
    expect(body(created).person).not.toHaveProperty('lifecycleStage');
    expect(body(alone).person).toMatchObject({
      lifecycleStage: 'lead',
      stageHistory: [{ from: null, to: 'lead', by: 'conversion', recordId: body(alone).opportunity.id }],
    });
    expect(deal.status).toBe(201);
    expect(linked).toMatchObject({
      state: 'active',
      record: {
        lifecycleStage: 'prospect',
        relationship: 'prospect',
        version: existing.version + 1,
        stageHistory: [
          expect.objectContaining({ to: 'general' }),
          {
            from: 'general',
            to: 'prospect',
            at: expect.any(String),
            by: 'conversion',
            userId: 'demo-sales',
            recordId: body(deal).opportunity.id,
          },
        ],
      },
    });
  });

  it('makes the opportunity of a person who works at a company that company’s, and raises the company', async () => {
    const tag = unique();
    const employer = aCompany({ name: `Arbeitgeber ${tag} GmbH` });
    await companies.create(employer);
    const employee = aPerson({ firstName: 'Nina', lastName: `Angestellt${tag}`, companyId: employer.id });
    await persons.create(employee);
    const entry = await anEntry({ lastName: `Angestellt${tag}`, email: `nina.${tag}@example.de` });

    const res = await convert(request(entry.id, { person: { id: employee.id } }));
    const raised = await companies.load(employer.id, { consistent: true });

    expect(res.status).toBe(201);
    expect((res.body as { opportunity: unknown }).opportunity).toMatchObject({
      companyId: employer.id,
      personId: employee.id,
    });
    expect(raised).toMatchObject({ record: { lifecycleStage: 'lead', version: employer.version + 1 } });
  });

  it('yields exactly one opportunity for ten concurrent conversions; the others answer 409 already-converted', async () => {
    const tag = unique();
    const entry = await anEntry({ firstName: 'Zehn', lastName: `Parallel${tag}`, email: `zehn.${tag}@example.de` });

    const results = await Promise.allSettled(
      Array.from({ length: 10 }, () => convert(request(entry.id, { person: { create: true, force: true } }))),
    );
    const created = results.filter((r) => r.status === 'fulfilled');
    const refused = results.flatMap((r) => (r.status === 'rejected' ? [r.reason] : []));
    const stored = await inbox.get(entry.id, { consistent: true });
    const opportunityId = (
      created[0]?.status === 'fulfilled' ? (created[0].value.body as { opportunity: { id: string } }) : null
    )?.opportunity.id;
    const personsNow = await persons.search({ q: `parallel${tag}`, limit: 50 });

    expect(created).toHaveLength(1);
    expect(refused).toHaveLength(9);
    for (const error of refused) expect(error).toMatchObject({ code: 'already-converted', extra: { opportunityId } });
    expect(stored?.opportunityId).toBe(opportunityId);
    expect(personsNow.items).toHaveLength(1);
  });

  it('creates a household for a private customer, so that won can make it a customer', async () => {
    const tag = unique();
    const entry = await anEntry({ firstName: 'Mia', lastName: `Privat${tag}`, city: 'Kiel', postalCode: '24103' });

    const res = await convert(request(entry.id, { company: { create: true }, person: { create: true } }));
    const body = res.body as { company: Record<string, unknown>; person: Record<string, unknown> };

    expect(body.company).toMatchObject({ type: 'household', name: `Mia Privat${tag}`, address: { city: 'Kiel' } });
    expect(body.person).toMatchObject({ companyId: body.company.id });
  });

  it('warns of an existing person instead of creating a second one, links them when asked, and gives them the new company', async () => {
    const tag = unique();
    const existing = aPerson({
      firstName: 'Frieda',
      lastName: `Vorhanden${tag}`,
      emails: [`frieda.${tag}@example.de`],
    });
    await persons.create(existing);
    const entry = await anEntry({
      firstName: 'Frieda',
      lastName: `Vorhanden${tag}`,
      email: `frieda.${tag}@example.de`,
      companyName: `Vorhanden ${tag} KG`,
    });

    const warned = await convert(request(entry.id, { company: { create: true }, person: { create: true } })).catch(
      (e: unknown) => e,
    );
    const untouched = await inbox.get(entry.id, { consistent: true });
    const linked = await convert(request(entry.id, { company: { create: true }, person: { id: existing.id } }));
    const body = linked.body as { company: { id: string }; opportunity: { personId: string } };
    const person = await persons.load(existing.id, { consistent: true });

    expect(warned).toMatchObject({
      code: 'possible-duplicates',
      extra: { candidates: [expect.objectContaining({ id: existing.id })] },
    });
    expect(untouched?.processingStatus).not.toBe('converted');
    expect(body.opportunity.personId).toBe(existing.id);
    expect(person?.state === 'active' && person.record.companyId).toBe(body.company.id);
  });

  it('links an existing company and person, each checked once in the one transaction', async () => {
    const tag = unique();
    const company = aCompany({ name: `Bestand ${tag} AG` });
    await companies.create(company);
    const person = aPerson({ firstName: 'Bea', lastName: `Bestand${tag}`, companyId: company.id });
    await persons.create(person);
    const companyOnly = await anEntry({ lastName: `Firma${tag}`, email: `firma.${tag}@example.de` });
    const both = await anEntry({ firstName: 'Bea', lastName: `Bestand${tag}`, email: `bea.${tag}@example.de` });
    const withNewPerson = await anEntry({
      firstName: 'Neu',
      lastName: `Kollege${tag}`,
      email: `neu.${tag}@example.de`,
    });

    const linkedCompany = await convert(request(companyOnly.id, { company: { id: company.id } }));
    const linkedBoth = await convert(request(both.id, { company: { id: company.id }, person: { id: person.id } }));
    const newColleague = await convert(
      request(withNewPerson.id, { company: { id: company.id }, person: { create: true } }),
    );

    expect(linkedCompany.body).toMatchObject({ opportunity: { companyId: company.id, personId: null } });
    expect(linkedBoth.body).toMatchObject({ opportunity: { companyId: company.id, personId: person.id } });
    expect(newColleague.body).toMatchObject({ person: { companyId: company.id, isMainContact: false } });
  });

  it('refuses a link to a company that does not exist, and needs a last name to create a person', async () => {
    const entry = await anEntry({ firstName: `Ohnenachname${unique()}`, email: `x.${unique()}@example.de` });

    const unknownCompany = await convert(request(entry.id, { company: { id: 'no-such-company' } })).catch(
      (e: unknown) => e,
    );
    const noLastName = await convert(request(entry.id, { person: { create: true } })).catch((e: unknown) => e);

    expect(unknownCompany).toMatchObject({ code: 'unprocessable', errors: [{ field: 'company.id' }] });
    expect(noLastName).toMatchObject({ code: 'validation-failed', errors: [{ field: 'contact.lastName' }] });
    expect((await inbox.get(entry.id, { consistent: true }))?.processingStatus).toBe('new');
  });

  it('creates a person known by last name only ("Herr Kempton"), without a first name', async () => {
    const lastName = `Kempton${unique()}`;
    const entry = await anEntry({ salutation: 'Herr', lastName, email: `kempton.${unique()}@example.de` });

    const converted = await convert(request(entry.id, { person: { create: true } }));

    expect(converted.body).toMatchObject({ person: { lastName, salutation: 'Herr' } });
    // the answer as the client reads it: JSON, where an absent first name is no property at all
    expect(JSON.parse(JSON.stringify(converted.body))).not.toHaveProperty('person.firstName');
  });
});

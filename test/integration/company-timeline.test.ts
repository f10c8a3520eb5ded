// The company's timeline (seed 003: the company sees everything its people did): its activities,
// emails, opportunities and tickets newest first, a page at a time; a merge moves them to the
// survivor, and a person who changes company leaves their past with the old one.
import { ulid } from 'ulid';
import { describe, expect, it } from 'vitest';
import { createActivity } from '../../domain/activities/activity.ts';
import { createOpportunity } from '../../domain/opportunities/opportunity.ts';
import { defaultDealPipeline } from '../../domain/pipelines/pipeline.ts';
import { defaultServiceHours, defaultServiceTargets } from '../../domain/tickets/service-hours.ts';
import { createTicket } from '../../domain/tickets/ticket.ts';
import { createActivityRepository } from '../../functions/activities/activity.repository.ts';
import { mergeCompanyInto } from '../../functions/contacts/companies.ts';
import { createCompanyRepository } from '../../functions/contacts/company.repository.ts';
import { getCompanyTimeline } from '../../functions/contacts/company-timeline.ts';
import { createPersonRepository } from '../../functions/contacts/person.repository.ts';
import { patchPersonFromRequest } from '../../functions/contacts/persons.ts';
import { createRecordMerger } from '../../functions/contacts/record-merge.ts';
import { tableCandidateFinder } from '../../functions/duplicates/find-candidates.ts';
import { createEmailRepository } from '../../functions/emails/email.repository.ts';
import { createOpportunityRepository } from '../../functions/opportunities/opportunity.repository.ts';
import { createSettingsRepository } from '../../functions/settings/settings.repository.ts';
import type { HttpRequest } from '../../functions/shared/http.ts';
import { createStore } from '../../functions/shared/store.ts';
import { createTicketRepository } from '../../functions/tickets/ticket.repository.ts';
import { documentClient, tableName } from '../support/aws.ts';
import { apiEvent } from '../support/events.ts';
import { aCompany, anEmail, aPerson } from '../support/fixtures.ts';

const doc = documentClient();
const companies = createCompanyRepository(doc, tableName);
const persons = createPersonRepository(doc, tableName);
const opportunities = createOpportunityRepository(doc, tableName);
const activities = createActivityRepository(doc, tableName);
const tickets = createTicketRepository(doc, tableName);
const emails = createEmailRepository(doc, tableName);
const timeline = getCompanyTimeline({ companies, store: createStore(doc, tableName) });

const request = <B, Q>(id: string, body: B, query: Q): HttpRequest<B, { id: string }, Q> => ({
  body,
  bodyKind: 'json',
  path: { id },
  query,
  user: null,
  headers: {},
  event: apiEvent({ routeKey: 'GET /v1/companies/{id}/timeline', path: `/v1/companies/${id}/timeline` }),
  requestId: ulid(),
});

type Page = {
  items: { kind: string; id: string; title: string | null; number: string | null }[];
  nextCursor: string | null;
};
const read = async (companyId: string, query: { limit?: number; cursor?: string } = {}): Promise<Page> =>
  (await timeline(request(companyId, undefined, query))).body as Page;

/** Every item of the timeline, page by page (pages of two: the cursor is used). */
const readAll = async (companyId: string): Promise<Page['items']> => {
  const all: Page['items'] = [];
  let cursor: string | undefined;
  do {
    const page = await read(companyId, { limit: 2, ...(cursor ? { cursor } : {}) });
    all.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return all;
};

/** Records a millisecond apart at least, so their ids (ULIDs) order them as they were made. */
const tick = () => new Promise((done) => setTimeout(done, 2));

describe('the company timeline', () => {
  it('shows what happened with the company and its people newest first, and moves with a merge', async () => {
    const tag = ulid();
    const company = aCompany({ name: `Zeitleiste ${tag} GmbH` });
    const duplicate = aCompany({ name: `Zeitleiste ${tag}` });
    const person = aPerson({ firstName: 'Lea', lastName: `Zeit${tag}`, companyId: company.id });
    await Promise.all([companies.create(company), companies.create(duplicate)]);
    await persons.create(person);

    const opp = createOpportunity(
      ulid(),
      await opportunities.nextNumber(),
      {
        title: `Wartungsvertrag ${tag}`,
        stage: 'deal',
        pipeline: defaultDealPipeline,
        value: null,
        source: 'webform',
        priority: 'normal',
        responsibleUserId: null,
        companyId: company.id,
        personId: person.id,
      },
      new Date(),
    );
    await opportunities.create(opp);
    await tick();
    const call = createActivity(
      ulid(),
      {
        type: 'call',
        subject: `Rückruf ${tag}`,
        dueAt: new Date(Date.now() + 86_400_000).toISOString(),
        durationMinutes: 15,
        responsibleUserId: null,
        opportunityId: opp.id,
        companyId: company.id,
        personId: person.id,
      },
      new Date(),
    );
    await activities.create(call);
    await tick();
    const email = {
      ...anEmail(),
      id: ulid(),
      sesMessageId: `timeline-${tag}`,
      messageId: `<${tag}@example.com>`,
      subject: `Angebot ${tag}`,
      // Smart BCC links the company of each person it links
      links: { [`person:${person.id}`]: 'to', [`company:${company.id}`]: 'to' } as const,
    };
    await emails.storeOnce(email);
    await tick();
    const ticket = createTicket(
      ulid(),
      await tickets.nextNumber(),
      {
        type: 'complaint',
        subject: `Lieferung ${tag}`,
        description: '',
        value: null,
        priority: 'normal',
        companyId: duplicate.id,
        personId: null,
        responsibleUserId: null,
        reference: null,
        createdBy: null,
      },
      { hours: { ...defaultServiceHours, holidays: [] }, targets: defaultServiceTargets },
      new Date(),
    );
    await tickets.create(ticket);

    const before = await readAll(company.id);
    expect(before.map((i) => [i.kind, i.id])).toEqual([
      ['email', email.id],
      ['activity', call.id],
      ['opportunity', opp.id],
    ]);
    expect(before).toEqual([
      expect.objectContaining({ title: `Angebot ${tag}`, number: null }),
      expect.objectContaining({ title: `Rückruf ${tag}`, status: 'open', personId: person.id }),
      expect.objectContaining({ title: `Wartungsvertrag ${tag}`, number: opp.number }),
    ]);

    await mergeCompanyInto(
      { companies, companyMerger: createRecordMerger(doc, tableName, companies), now: () => new Date() },
      company.id,
      duplicate.id,
    );
    const after = await readAll(company.id);
    expect(after.map((i) => [i.kind, i.id])).toEqual([
      ['ticket', ticket.id],
      ['email', email.id],
      ['activity', call.id],
      ['opportunity', opp.id],
    ]);
    expect(await timeline(request(duplicate.id, undefined, {}))).toMatchObject({
      status: 308,
      headers: { location: `/v1/companies/${company.id}/timeline` },
    });
  });

  it('keeps a person’s past with the old company when they change company', async () => {
    const tag = ulid();
    const oldCompany = aCompany({ name: `Alte Firma ${tag} GmbH` });
    const newCompany = aCompany({ name: `Neue Firma ${tag} GmbH` });
    const person = aPerson({ firstName: 'Tom', lastName: `Wechsel${tag}`, companyId: oldCompany.id });
    await Promise.all([companies.create(oldCompany), companies.create(newCompany)]);
    await persons.create(person);
    const visit = createActivity(
      ulid(),
      {
        type: 'meeting',
        subject: `Besuch ${tag}`,
        dueAt: new Date(Date.now() + 86_400_000).toISOString(),
        durationMinutes: 60,
        responsibleUserId: null,
        companyId: oldCompany.id,
        personId: person.id,
      },
      new Date(),
    );
    await activities.create(visit);

    const moved = await patchPersonFromRequest({
      persons,
      companies,
      personMerger: createRecordMerger(doc, tableName, persons),
      findCandidates: tableCandidateFinder(doc, tableName),
      settings: createSettingsRepository(doc, tableName),
      now: () => new Date(),
    })({
      ...request(person.id, { version: person.version, companyId: newCompany.id }, undefined),
      event: apiEvent({ routeKey: 'PATCH /v1/persons/{id}', path: `/v1/persons/${person.id}` }),
    });

    expect(moved.body).toMatchObject({ companyId: newCompany.id });
    expect((await readAll(oldCompany.id)).map((i) => i.id)).toEqual([visit.id]);
    expect(await readAll(newCompany.id)).toEqual([]);
  });
});

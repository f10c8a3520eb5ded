import { ulid } from 'ulid';
import { describe, expect, it } from 'vitest';
import { createActivity } from '../../domain/activities/activity.ts';
import type { Company } from '../../domain/companies/company.ts';
import { personLookups } from '../../domain/duplicates/record-profiles.ts';
import { createOpportunity } from '../../domain/opportunities/opportunity.ts';
import type { Person } from '../../domain/persons/person.ts';
import { defaultDealPipeline } from '../../domain/pipelines/pipeline.ts';
import { KontaktError } from '../../domain/shared/errors.ts';
import { defaultServiceHours, defaultServiceTargets } from '../../domain/tickets/service-hours.ts';
import { createTicket } from '../../domain/tickets/ticket.ts';
import { createActivityRepository } from '../../functions/activities/activity.repository.ts';
import { getCompany, listCompanies, mergeCompanies } from '../../functions/contacts/companies.ts';
import { createCompanyRepository } from '../../functions/contacts/company.repository.ts';
import { createPersonRepository } from '../../functions/contacts/person.repository.ts';
import { getPerson, listPersons, mergePersons, patchPersonFromRequest } from '../../functions/contacts/persons.ts';
import { createRecordMerger, listPendingMerges, type MergeHooks } from '../../functions/contacts/record-merge.ts';
import { references } from '../../functions/contacts/reference.entity.ts';
import { resumeMerges } from '../../functions/contacts/resume-merges.ts';
import { tableCandidateFinder } from '../../functions/duplicates/find-candidates.ts';
import { createOpportunityRepository } from '../../functions/opportunities/opportunity.repository.ts';
import { createSettingsRepository } from '../../functions/settings/settings.repository.ts';
import type { HttpRequest } from '../../functions/shared/http.ts';
import { problemStatus } from '../../functions/shared/problem.ts';
import { createStore } from '../../functions/shared/store.ts';
import { createTicketRepository } from '../../functions/tickets/ticket.repository.ts';
import { documentClient, tableName } from '../support/aws.ts';
import { apiEvent } from '../support/events.ts';
import { aCompany, aPerson } from '../support/fixtures.ts';

const doc = documentClient();
const persons = createPersonRepository(doc, tableName);
const companies = createCompanyRepository(doc, tableName);
const findCandidates = tableCandidateFinder(doc, tableName);
const opportunities = createOpportunityRepository(doc, tableName);
const tickets = createTicketRepository(doc, tableName);
const activities = createActivityRepository(doc, tableName);
const now = () => new Date();

const personDeps = (hooks: MergeHooks = {}) => ({
  persons,
  companies,
  personMerger: createRecordMerger(doc, tableName, persons, hooks),
  findCandidates,
  settings: createSettingsRepository(doc, tableName),
  now,
});
const companyDeps = {
  companies,
  persons,
  companyMerger: createRecordMerger(doc, tableName, companies),
  findCandidates,
  now,
};

const request = <B>(
  routeKey: string,
  path: string,
  id: string,
  body: B,
): HttpRequest<B, { id: string }, undefined> => ({
  body,
  bodyKind: 'json',
  path: { id },
  query: undefined,
  user: null,
  headers: {},
  event: apiEvent({ routeKey, path }),
  requestId: ulid(),
});

const mergeRequest = (kind: 'persons' | 'companies', survivorId: string, duplicateId: string) =>
  request(`POST /v1/${kind}/{id}/merge`, `/v1/${kind}/${survivorId}/merge`, survivorId, { duplicateId });
const getRequest = (kind: 'persons' | 'companies', id: string) =>
  request(`GET /v1/${kind}/{id}`, `/v1/${kind}/${id}`, id, undefined);

const listPersonsOf = async (companyId: string): Promise<{ id: string; isMainContact: boolean }[]> => {
  const res = await listPersons(personDeps())({
    ...request('GET /v1/persons', '/v1/persons', companyId, undefined),
    query: { companyId },
  } as never);
  return (res.body as { items: { id: string; isMainContact: boolean }[] }).items;
};

const referencesOf = async (kind: 'PERSON' | 'COMPANY', id: string): Promise<number> =>
  (await createStore(doc, tableName).queryAll(references, references.patterns.to({ kind, id }), { consistent: true }))
    .length;

const inBatches = async <T>(items: readonly T[], size: number, work: (item: T) => Promise<unknown>) => {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(work));
};

const loadPerson = async (id: string): Promise<Person> => {
  const loaded = await persons.load(id, { consistent: true });
  if (loaded?.state !== 'active') throw new Error(`person ${id} is not active`);
  return loaded.record;
};

/** A survivor, its duplicate, and `count` persons who report to the duplicate. */
const team = async (count: number) => {
  const tag = ulid().toLowerCase();
  const survivor = aPerson({ firstName: 'Hanna', lastName: 'Krüger', emails: [`hanna.${tag}@firma.example`] });
  const duplicate = aPerson({
    firstName: 'Hanna',
    lastName: 'Krueger',
    emails: [`h.krueger.${tag}@privat.example`],
    phones: [`+4930555${String(Math.floor(Math.random() * 10_000)).padStart(4, '0')}`],
    position: 'Teamleitung',
  });
  await persons.create(survivor);
  await persons.create(duplicate);
  const reports = Array.from({ length: count }, (_, i) =>
    aPerson({ firstName: `Mitarbeiter${i}`, lastName: `Team${tag}`, supervisorId: duplicate.id }),
  );
  await inBatches(reports, 10, (p) => persons.create(p));
  return { survivor, duplicate, reports };
};

describe('merging persons', () => {
  it('moves 150 links after being killed halfway and resumed, and the duplicate answers 308', async () => {
    const { survivor, duplicate, reports } = await team(150);
    const crash: MergeHooks = {
      afterChunk: (moved) => {
        if (moved >= 75) throw new Error('killed halfway');
      },
    };

    await expect(mergePersons(personDeps(crash))(mergeRequest('persons', survivor.id, duplicate.id))).rejects.toThrow(
      'killed halfway',
    );
    const halfway = await referencesOf('PERSON', duplicate.id);
    const resumed = await mergePersons(personDeps())(mergeRequest('persons', survivor.id, duplicate.id));
    const after = await Promise.all(reports.map((p) => loadPerson(p.id)));
    const redirect = await getPerson(personDeps())(getRequest('persons', duplicate.id)).catch((e: unknown) => e);
    const byOldEmail = await findCandidates(personLookups(duplicate), { kinds: ['person'] });

    expect(halfway).toBe(75);
    expect(resumed.status).toBe(200);
    expect(resumed.body).toMatchObject({
      id: survivor.id,
      emails: [...survivor.emails, ...duplicate.emails],
      phones: duplicate.phones,
      position: 'Teamleitung',
    });
    expect(after.every((p) => p.supervisorId === survivor.id)).toBe(true);
    expect(after.every((p) => p.version === 2)).toBe(true);
    expect(await referencesOf('PERSON', duplicate.id)).toBe(0);
    expect(await referencesOf('PERSON', survivor.id)).toBe(150);
    expect(redirect).toMatchObject({ status: 308, headers: { location: `/v1/persons/${survivor.id}` } });
    expect(byOldEmail.map((c) => c.id)).toEqual([survivor.id]);
  });

  it('is finished in the background when nobody asks again after a crash', async () => {
    const { survivor, duplicate, reports } = await team(40);
    const crash: MergeHooks = {
      afterChunk: () => {
        throw new Error('killed');
      },
    };
    await expect(mergePersons(personDeps(crash))(mergeRequest('persons', survivor.id, duplicate.id))).rejects.toThrow(
      'killed',
    );
    const resumer = {
      listPending: (startedBefore: string, limit: number) => listPendingMerges(doc, tableName, startedBefore, limit),
      persons,
      personMerger: createRecordMerger(doc, tableName, persons),
      companies,
      companyMerger: createRecordMerger(doc, tableName, companies),
    };

    const tooEarly = await resumeMerges({ ...resumer, now: () => new Date() });
    const stillMerging = await persons.load(duplicate.id, { consistent: true });
    const later = await resumeMerges({ ...resumer, now: () => new Date(Date.now() + 10 * 60_000) });
    const after = await Promise.all(reports.map((p) => loadPerson(p.id)));
    const pendingAfter = await listPendingMerges(doc, tableName, new Date(Date.now() + 10 * 60_000).toISOString(), 100);

    expect(tooEarly.resumed).toBe(0);
    expect(stillMerging).toMatchObject({ state: 'active', mergingInto: survivor.id });
    expect(later.resumed).toBeGreaterThanOrEqual(1);
    expect(after.every((p) => p.supervisorId === survivor.id)).toBe(true);
    expect(await persons.load(duplicate.id, { consistent: true })).toEqual({
      state: 'merged',
      mergedInto: survivor.id,
    });
    expect(pendingAfter.map((m) => m.duplicateId)).not.toContain(duplicate.id);
  });

  it('answers the survivor again when the finished merge is asked for once more, and 409 for another survivor', async () => {
    const { survivor, duplicate } = await team(3);
    const other = aPerson({ firstName: 'Otto', lastName: `Anders${ulid()}` });
    await persons.create(other);

    const first = await mergePersons(personDeps())(mergeRequest('persons', survivor.id, duplicate.id));
    const again = await mergePersons(personDeps())(mergeRequest('persons', survivor.id, duplicate.id));
    const elsewhere = await mergePersons(personDeps())(mergeRequest('persons', other.id, duplicate.id)).catch(
      (e: unknown) => e,
    );

    expect(again).toEqual(first);
    expect(elsewhere).toMatchObject({ code: 'already-merged' });
  });

  it('keeps every concurrent edit of the linked persons and still moves every link', async () => {
    const { survivor, duplicate, reports } = await team(60);
    const promote = async (person: Person, position: string): Promise<number> => {
      for (let attempt = 1; ; attempt += 1) {
        const current = await loadPerson(person.id);
        try {
          await patchPersonFromRequest(personDeps())(
            request('PATCH /v1/persons/{id}', `/v1/persons/${person.id}`, person.id, {
              version: current.version,
              position,
            }),
          );
          return attempt;
        } catch (error) {
          if (!(error instanceof KontaktError && problemStatus(error) === 409) || attempt > 20) throw error;
        }
      }
    };

    const [merged] = await Promise.all([
      mergePersons(personDeps())(mergeRequest('persons', survivor.id, duplicate.id)),
      ...reports.map((p, i) => promote(p, `Rolle ${i}`)),
    ]);
    const after = await Promise.all(reports.map((p) => loadPerson(p.id)));

    expect(merged.status).toBe(200);
    expect(after.map((p) => p.supervisorId)).toEqual(reports.map(() => survivor.id));
    expect(after.map((p) => p.position)).toEqual(reports.map((_, i) => `Rolle ${i}`));
    expect(await referencesOf('PERSON', survivor.id)).toBe(60);
  });

  it('refuses a new link to a person that is being merged away', async () => {
    const { survivor, duplicate } = await team(30);
    const newcomer = aPerson({ firstName: 'Neu', lastName: `Zugang${ulid()}` });
    await persons.create(newcomer);
    const stop: MergeHooks = {
      afterChunk: () => {
        throw new Error('paused');
      },
    };
    await expect(mergePersons(personDeps(stop))(mergeRequest('persons', survivor.id, duplicate.id))).rejects.toThrow(
      'paused',
    );

    const linkToMerging = await patchPersonFromRequest(personDeps())(
      request('PATCH /v1/persons/{id}', `/v1/persons/${newcomer.id}`, newcomer.id, {
        version: newcomer.version,
        supervisorId: duplicate.id,
      }),
    ).catch((e: unknown) => e);
    const editOfMerging = await patchPersonFromRequest(personDeps())(
      request('PATCH /v1/persons/{id}', `/v1/persons/${duplicate.id}`, duplicate.id, {
        version: (await loadPerson(duplicate.id)).version,
        position: 'Neu',
      }),
    ).catch((e: unknown) => e);
    await mergePersons(personDeps())(mergeRequest('persons', survivor.id, duplicate.id));

    expect(linkToMerging).toMatchObject({ code: 'unprocessable', errors: [{ field: 'supervisorId' }] });
    expect(editOfMerging).toMatchObject({ code: 'merge-in-progress' });
    expect((await loadPerson(newcomer.id)).supervisorId).toBeUndefined();
  });

  it('does not make the survivor report to itself when it reported to the duplicate', async () => {
    const tag = ulid();
    const boss = aPerson({ firstName: 'Chef', lastName: `Oben${tag}` });
    await persons.create(boss);
    const duplicate = aPerson({ firstName: 'Ida', lastName: `Doppelt${tag}`, supervisorId: boss.id });
    await persons.create(duplicate);
    const survivor = aPerson({ firstName: 'Ida', lastName: `Doppelt${tag}`, supervisorId: duplicate.id });
    await persons.create(survivor);

    const merged = await mergePersons(personDeps())(mergeRequest('persons', survivor.id, duplicate.id));

    expect(merged.body).toMatchObject({ id: survivor.id, supervisorId: boss.id });
    expect(await referencesOf('PERSON', duplicate.id)).toBe(0);
  });
});

describe('merging companies', () => {
  it('moves the persons and the branches of the duplicate to the survivor', async () => {
    const tag = ulid();
    const survivor = aCompany({ name: `Nordlicht Energie GmbH ${tag}`, relationship: 'prospect' });
    const duplicate = aCompany({
      name: `Nordlicht Energie ${tag}`,
      relationship: 'customer',
      website: 'https://nordlicht.example',
    });
    await companies.create(survivor);
    await companies.create(duplicate);
    const staff = Array.from({ length: 30 }, (_, i) =>
      aPerson({ firstName: `P${i}`, lastName: `Nord${tag}`, companyId: duplicate.id }),
    );
    await inBatches(staff, 10, (p) => persons.create(p));
    const branches: Company[] = [
      aCompany({ name: `Nordlicht Hamburg ${tag}`, parentCompanyId: duplicate.id }),
      aCompany({ name: `Nordlicht Bremen ${tag}`, parentCompanyId: duplicate.id }),
    ];
    for (const branch of branches) await companies.create(branch);

    const merged = await mergeCompanies(companyDeps)(mergeRequest('companies', survivor.id, duplicate.id));
    const members = await persons.list(persons.patterns.byCompany(survivor.id), { limit: 100 });
    const children = await listCompanies(companyDeps)({
      ...getRequest('companies', survivor.id),
      path: undefined,
      query: { parentCompanyId: survivor.id },
    });
    const redirect = await getCompany(companyDeps)(getRequest('companies', duplicate.id)).catch((e: unknown) => e);

    expect(merged.body).toMatchObject({
      id: survivor.id,
      relationship: 'customer',
      website: 'https://nordlicht.example',
    });
    expect(members.items.map((p) => p.id).sort()).toEqual(staff.map((p) => p.id).sort());
    expect((children.body as { items: Company[] }).items.map((c) => c.id).sort()).toEqual(
      branches.map((b) => b.id).sort(),
    );
    expect(redirect).toMatchObject({ status: 308, headers: { location: `/v1/companies/${survivor.id}` } });
  });
});

describe('merging keeps one main contact', () => {
  it('keeps the survivor’s main contact when both companies had one, and follows a merged main contact to the survivor', async () => {
    const survivorCompany = aCompany({ name: `Haupt Erhalten ${ulid()} GmbH` });
    const duplicateCompany = aCompany({ name: `Haupt Doppelt ${ulid()} GmbH` });
    await companies.create(survivorCompany);
    await companies.create(duplicateCompany);
    const kept = aPerson({ firstName: 'Greta', lastName: 'Behalten', companyId: survivorCompany.id });
    const other = aPerson({ firstName: 'Otto', lastName: 'Andere', companyId: duplicateCompany.id });
    await persons.create(kept);
    await persons.create(other);
    const name = async (company: Company, personId: string) => {
      const loaded = await companies.load(company.id, { consistent: true });
      if (loaded?.state !== 'active') throw new Error('company gone');
      await companies.update(loaded.record, {
        ...loaded.record,
        mainContactId: personId,
        version: loaded.record.version + 1,
      });
    };
    await name(survivorCompany, kept.id);
    await name(duplicateCompany, other.id);

    await mergeCompanies(companyDeps)(mergeRequest('companies', survivorCompany.id, duplicateCompany.id));
    const merged = await listPersonsOf(survivorCompany.id);
    const company = await getCompany(companyDeps)(getRequest('companies', survivorCompany.id));

    expect(company.body).toMatchObject({ mainContactId: kept.id });
    expect(merged.map((p) => [p.id, p.isMainContact]).sort()).toEqual(
      [
        [kept.id, true],
        [other.id, false],
      ].sort(),
    );

    // the main contact's own duplicate is merged into another person of the company: the company follows
    const twin = aPerson({
      firstName: 'Greta',
      lastName: 'Behalten',
      companyId: survivorCompany.id,
      emails: [`zwilling.${ulid()}@example.de`],
    });
    await persons.create(twin);
    await mergePersons(personDeps())(mergeRequest('persons', twin.id, kept.id));
    const followed = await getCompany(companyDeps)(getRequest('companies', survivorCompany.id));
    expect(followed.body).toMatchObject({ mainContactId: twin.id });
  });
});

describe('merging moves opportunities, activities and tickets too', () => {
  it('re-links the opportunities, activities and tickets of a merged company and person to the survivors', async () => {
    const tag = ulid();
    const survivorCompany = aCompany({ name: `Seewind Logistik GmbH ${tag}` });
    const duplicateCompany = aCompany({ name: `Seewind Logistik ${tag}` });
    const survivorPerson = aPerson({ firstName: 'Jan', lastName: `Seewind${tag}`, companyId: survivorCompany.id });
    const duplicatePerson = aPerson({ firstName: 'Jan', lastName: `Seewind${tag}`, companyId: duplicateCompany.id });
    await companies.create(survivorCompany);
    await companies.create(duplicateCompany);
    await persons.create(survivorPerson);
    await persons.create(duplicatePerson);
    const deals = await Promise.all(
      [1, 2].map(async (n) => {
        const opp = createOpportunity(
          ulid(),
          await opportunities.nextNumber(),
          {
            title: `Auftrag ${n}`,
            stage: 'deal',
            pipeline: defaultDealPipeline,
            value: { amount: 1000 * n, currency: 'EUR' },
            source: 'webform',
            priority: 'normal',
            responsibleUserId: null,
            companyId: duplicateCompany.id,
            personId: duplicatePerson.id,
          },
          new Date(),
        );
        await opportunities.create(opp);
        return opp;
      }),
    );
    const calls = await Promise.all(
      deals.map(async (deal) => {
        const activity = createActivity(
          ulid(),
          {
            type: 'call',
            subject: `Rückruf ${deal.title}`,
            dueAt: new Date(Date.now() + 86_400_000).toISOString(),
            durationMinutes: 15,
            responsibleUserId: null,
            opportunityId: deal.id,
            companyId: duplicateCompany.id,
            personId: duplicatePerson.id,
          },
          new Date(),
        );
        await activities.create(activity);
        return activity;
      }),
    );

    const ticket = createTicket(
      ulid(),
      await tickets.nextNumber(),
      {
        type: 'complaint',
        subject: `Lieferung ${tag}`,
        description: '',
        value: null,
        priority: 'normal',
        companyId: duplicateCompany.id,
        personId: duplicatePerson.id,
        responsibleUserId: null,
        reference: null,
        createdBy: null,
      },
      { hours: { ...defaultServiceHours, holidays: [] }, targets: defaultServiceTargets },
      new Date(),
    );
    await tickets.create(ticket);

    await mergePersons(personDeps())(mergeRequest('persons', survivorPerson.id, duplicatePerson.id));
    await mergeCompanies(companyDeps)(mergeRequest('companies', survivorCompany.id, duplicateCompany.id));
    const movedTicket = await tickets.get(ticket.id, { consistent: true });
    expect([movedTicket?.companyId, movedTicket?.personId, movedTicket?.version]).toEqual([
      survivorCompany.id,
      survivorPerson.id,
      ticket.version + 2,
    ]);
    // and the survivors' ticket lists show it
    expect((await tickets.list({ limit: 10, companyId: survivorCompany.id })).items.map((t) => t.id)).toEqual([
      ticket.id,
    ]);
    const movedDeals = await Promise.all(deals.map((d) => opportunities.get(d.id, { consistent: true })));
    const movedCalls = await Promise.all(calls.map((c) => activities.get(c.id)));

    expect(movedDeals.map((d) => [d?.companyId, d?.personId])).toEqual(
      deals.map(() => [survivorCompany.id, survivorPerson.id]),
    );
    expect(movedCalls.map((c) => [c?.companyId, c?.personId, c?.opportunityId])).toEqual(
      calls.map((c) => [survivorCompany.id, survivorPerson.id, c.opportunityId]),
    );
    expect(await referencesOf('COMPANY', duplicateCompany.id)).toBe(0);
    expect(await referencesOf('PERSON', duplicatePerson.id)).toBe(0);
  });
});

// Service tickets through their routes against DynamoDB Local, wired with the real repositories:
// numbers under 50 parallel creations, who may read and write, the lifecycle with its update log and
// due times, a closed ticket's read-only state, stale writes, and the lists.
import { ulid } from 'ulid';
import { beforeAll, describe, expect, it } from 'vitest';
import { createActivity } from '../../domain/activities/activity.ts';
import { defaultHolidays } from '../../domain/calendar/german-holidays.ts';
import { KontaktError } from '../../domain/shared/errors.ts';
import { addServiceTime } from '../../domain/tickets/service-hours.ts';
import { createActivityRepository } from '../../functions/activities/activity.repository.ts';
import { createCompanyRepository } from '../../functions/contacts/company.repository.ts';
import { createLinkTargets } from '../../functions/contacts/link-targets.ts';
import { createPersonRepository } from '../../functions/contacts/person.repository.ts';
import { createEmailRepository } from '../../functions/emails/email.repository.ts';
import { createSettingsRepository } from '../../functions/settings/settings.repository.ts';
import { httpRouter } from '../../functions/shared/aws-http.ts';
import { createServiceDeskRepository } from '../../functions/tickets/service-desk.repository.ts';
import { createTicketRepository } from '../../functions/tickets/ticket.repository.ts';
import { type TicketDeps, ticketRouteHandlers } from '../../functions/tickets/tickets.ts';
import { createUserRepository } from '../../functions/users/user.repository.ts';
import { documentClient, tableName } from '../support/aws.ts';
import { apiEvent, lambdaContext } from '../support/events.ts';
import { aCompany, aPerson } from '../support/fixtures.ts';

const doc = documentClient();
const users = createUserRepository(doc, tableName);
const companies = createCompanyRepository(doc, tableName);
const persons = createPersonRepository(doc, tableName);
const settings = createSettingsRepository(doc, tableName);
const activities = createActivityRepository(doc, tableName);
const deps: TicketDeps = {
  tickets: createTicketRepository(doc, tableName),
  desk: createServiceDeskRepository(doc, tableName),
  activities,
  emails: createEmailRepository(doc, tableName),
  links: createLinkTargets(doc, tableName),
  users,
  settings,
  now: () => new Date(),
};
const api = httpRouter(ticketRouteHandlers(deps), users);
// Monday 2026-11-30 08:00 in Berlin: a ticket opened then is long overdue now
const openedLongAgo = httpRouter(ticketRouteHandlers({ ...deps, now: () => new Date('2026-11-30T07:00:00Z') }), users);

const service = 'tic-service';
const colleague = 'tic-service-2';
const sales = 'tic-sales';
const admin = 'tic-admin';

// biome-ignore lint/suspicious/noExplicitAny: the tests read answers of many shapes; the assertions check them
type Answer = { status: number; headers: Record<string, string>; json: any };

const callOn =
  (router: typeof api) =>
  async (
    routeKey: string,
    options: { id?: string; body?: unknown; query?: Record<string, string>; as?: string } = {},
  ): Promise<Answer> => {
    const path = routeKey.split(' ')[1]?.replace('{id}', options.id ?? '') ?? '/';
    const res = await router(
      apiEvent({
        routeKey,
        path,
        sub: options.as ?? service,
        ...(options.id ? { pathParameters: { id: options.id } } : {}),
        ...(options.query ? { query: options.query } : {}),
        ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
      }),
      // bursts of parallel requests share this one process (in AWS each gets 10 s of its own)
      lambdaContext(120_000),
    );
    return { status: res.statusCode, headers: res.headers, json: res.body ? JSON.parse(res.body) : undefined };
  };
const call = callOn(api);

const open = async (body: Record<string, unknown> = {}, as?: string) => {
  const res = await call('POST /v1/tickets', {
    body: { type: 'complaint', subject: 'Lieferung beschädigt', ...body },
    ...(as ? { as } : {}),
  });
  expect(res.status).toBe(201);
  return res.json;
};

beforeAll(async () => {
  for (const [id, roles] of [
    [service, ['service']],
    [colleague, ['service']],
    [sales, ['sales']],
    [admin, ['admin']],
  ] as const) {
    await users.save({ id, email: `${id}@example.com`, name: id, roles: [...roles] }, { upsert: true });
  }
});

describe('ticket numbers', () => {
  it('gives 50 parallel creations 50 distinct consecutive numbers, each found by number in any case', async () => {
    const created = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        call('POST /v1/tickets', { body: { type: 'question', subject: `Rückfrage ${i}` } }),
      ),
    );
    expect(created.map((res) => res.status)).toEqual(Array(50).fill(201));
    const numbers = created.map((res) => Number(String(res.json.number).slice('TIC-'.length))).sort((a, b) => a - b);
    expect(new Set(numbers).size).toBe(50);
    expect((numbers.at(-1) ?? 0) - (numbers[0] ?? 0)).toBe(49);

    const sample = created[17]?.json;
    for (const spelled of [sample.number, sample.number.toLowerCase(), sample.id]) {
      const found = await call('GET /v1/tickets/{id}', { id: spelled, as: sales });
      expect(found).toMatchObject({ status: 200, json: { id: sample.id, number: sample.number, updates: [] } });
    }
    expect((await call('GET /v1/tickets/{id}', { id: 'TIC-999999' })).status).toBe(404);
  });
});

describe('who may do what', () => {
  it('lets every user read tickets, and only service and admin write them', async () => {
    const ticket = await open();
    const bySales = await call('POST /v1/tickets', { as: sales, body: { type: 'question', subject: 'Frage' } });
    expect(bySales).toMatchObject({ status: 403, json: { type: '/problems/forbidden' } });
    expect(bySales.json.detail).toContain('service');
    expect(
      (await call('POST /v1/tickets/{id}/updates', { id: ticket.id, as: sales, body: { text: 'Hallo' } })).status,
    ).toBe(403);
    expect((await call('GET /v1/tickets', { as: sales })).status).toBe(200);
    expect((await call('POST /v1/tickets', { as: admin, body: { type: 'question', subject: 'Frage' } })).status).toBe(
      201,
    );
  });

  it('names the field of bad input (400) and of values not on their lists or records that do not exist (422)', async () => {
    const missing = await call('POST /v1/tickets', { body: { subject: 'ohne Typ' } });
    expect(missing.status).toBe(400);
    expect(missing.json.errors.map((e: { field: string }) => e.field)).toContain('type');
    const unknownType = await call('POST /v1/tickets', { body: { type: 'gossip', subject: 'x' } });
    expect(unknownType).toMatchObject({ status: 422, json: { errors: [{ field: 'type' }] } });
    const unknownCompany = await call('POST /v1/tickets', {
      body: { type: 'question', subject: 'x', companyId: '01JDNOSUCHCOMPANY0000000000' },
    });
    expect(unknownCompany).toMatchObject({ status: 422, json: { errors: [{ field: 'companyId' }] } });
    const unknownUser = await call('POST /v1/tickets', {
      body: { type: 'question', subject: 'x', responsibleUserId: 'nobody' },
    });
    expect(unknownUser).toMatchObject({ status: 422, json: { errors: [{ field: 'responsibleUserId' }] } });
    const ticket = await open();
    const statusInPatch = await call('PATCH /v1/tickets/{id}', {
      id: ticket.id,
      body: { version: ticket.version, status: 'closed' },
    });
    expect(statusInPatch.status).toBe(400);
    expect(JSON.stringify(statusInPatch.json.errors)).toContain('status');
  });
});

describe('the lifecycle (seed 004): open, answer, wait, resolve, close, reopen', () => {
  it('logs every update with its status, keeps the due times, and keeps a closed ticket read-only', async () => {
    const company = aCompany({ name: `Fliesen Krämer ${ulid()} GmbH` });
    await companies.create(company);
    const ticket = await open({
      priority: 'urgent',
      companyId: company.id,
      value: { amount: 1250, currency: 'EUR' },
      reference: { kind: 'order', number: 'A-2026-118' },
      description: 'Die Palette kam mit gebrochenen Fliesen an.',
    });
    expect(ticket).toMatchObject({
      status: 'new',
      priority: 'urgent',
      companyId: company.id,
      value: { amount: 1250, currency: 'EUR' },
      reference: { kind: 'order', number: 'A-2026-118' },
      createdBy: service,
      firstResponseAt: null,
      version: 1,
    });
    expect(ticket.firstResponseDueAt).toEqual(expect.any(String));
    expect(Date.parse(ticket.resolutionDueAt)).toBeGreaterThan(Date.parse(ticket.firstResponseDueAt));

    const say = (text: string, status?: string, as = colleague) =>
      call('POST /v1/tickets/{id}/updates', { id: ticket.number, as, body: { text, ...(status ? { status } : {}) } });

    const answered = await say('Wir prüfen das.', 'in_progress');
    expect(answered).toMatchObject({ status: 201, json: { authorId: colleague, status: 'in_progress' } });
    let current = (await call('GET /v1/tickets/{id}', { id: ticket.id })).json;
    expect(current.status).toBe('in_progress');
    expect(current.firstResponseAt).toEqual(answered.json.at);
    expect(current.firstResponseDueAt).toBeNull();

    expect((await say('Bitte Fotos schicken', 'waiting')).status).toBe(201);
    current = (await call('GET /v1/tickets/{id}', { id: ticket.id })).json;
    expect(current).toMatchObject({ status: 'waiting', resolutionDueAt: null });

    expect((await say('Ersatz geliefert', 'resolved')).status).toBe(201);
    expect((await say('Abgeschlossen', 'closed')).status).toBe(201);
    current = (await call('GET /v1/tickets/{id}', { id: ticket.id })).json;
    expect(current).toMatchObject({ status: 'closed', resolvedAt: expect.any(String), closedAt: expect.any(String) });

    const patchClosed = await call('PATCH /v1/tickets/{id}', {
      id: ticket.id,
      body: { version: current.version, subject: 'Neu' },
    });
    expect(patchClosed).toMatchObject({ status: 409, json: { type: '/problems/ticket-closed' } });
    expect((await say('Noch etwas')).status).toBe(409);

    const reopened = await say('Kunde meldet weiteren Bruch', 'open');
    expect(reopened.status).toBe(201);
    current = (await call('GET /v1/tickets/{id}', { id: ticket.id })).json;
    expect(current).toMatchObject({ status: 'open', closedAt: null, resolvedAt: null });
    expect(current.resolutionDueAt).toEqual(expect.any(String));
    expect(current.updates.map((u: { text: string; status?: string }) => [u.text, u.status])).toEqual([
      ['Wir prüfen das.', 'in_progress'],
      ['Bitte Fotos schicken', 'waiting'],
      ['Ersatz geliefert', 'resolved'],
      ['Abgeschlossen', 'closed'],
      ['Kunde meldet weiteren Bruch', 'open'],
    ]);
    expect(current.version).toBe(6);
  });

  it('refuses a change based on a stale version and one that skips the lifecycle, changing nothing', async () => {
    const ticket = await open();
    const first = await call('PATCH /v1/tickets/{id}', { id: ticket.id, body: { version: 1, subject: 'Erste' } });
    expect(first).toMatchObject({ status: 200, json: { subject: 'Erste', version: 2 } });
    const stale = await call('PATCH /v1/tickets/{id}', { id: ticket.id, body: { version: 1, subject: 'Zweite' } });
    expect(stale).toMatchObject({ status: 409, json: { type: '/problems/stale-version' } });
    await call('POST /v1/tickets/{id}/updates', { id: ticket.id, body: { text: 'gelöst', status: 'resolved' } });
    const skip = await call('POST /v1/tickets/{id}/updates', {
      id: ticket.id,
      body: { text: 'warten?', status: 'waiting' },
    });
    expect(skip).toMatchObject({ status: 409, json: { type: '/problems/invalid-status-transition' } });
    const after = (await call('GET /v1/tickets/{id}', { id: ticket.id })).json;
    expect(after).toMatchObject({ subject: 'Erste', status: 'resolved' });
    expect(after.updates).toHaveLength(1);
  });
});

describe('lists', () => {
  it('filter by status, responsible user, company, type and words, and list the overdue ones soonest due first', async () => {
    const worker = `tic-list-${ulid()}`;
    await users.save({ id: worker, email: `${worker}@example.com`, name: 'Lea Liste', roles: ['service'] });
    const company = aCompany({ name: `Listen ${ulid()} AG` });
    await companies.create(company);
    const mine = await open({ responsibleUserId: worker, subject: 'Heizung ausgefallen', type: 'incident' });
    const theirs = await open({ companyId: company.id, subject: 'Rechnung falsch', type: 'question' });
    const late = await callOn(openedLongAgo)('POST /v1/tickets', {
      body: { type: 'problem', subject: `Überfällig ${ulid()}`, priority: 'urgent', responsibleUserId: worker },
    });
    expect(late.status).toBe(201);
    // low priority: its first response was due later on that Monday
    const lateLow = await callOn(openedLongAgo)('POST /v1/tickets', {
      body: { type: 'problem', subject: `Auch überfällig ${ulid()}`, priority: 'low' },
    });
    expect(lateLow.status).toBe(201);

    const ids = async (query: Record<string, string>) =>
      ((await call('GET /v1/tickets', { query: { limit: '100', ...query } })).json.items as { id: string }[]).map(
        (t) => t.id,
      );
    expect(await ids({ responsibleUserId: worker })).toEqual([mine.id, late.json.id]);
    expect(await ids({ companyId: company.id })).toEqual([theirs.id]);
    // a company's and a person's tickets come through the links' reference items, page by page
    const person = aPerson({ firstName: 'Jörg', lastName: 'Übel', companyId: company.id });
    await persons.create(person);
    const followUp = await open({ companyId: company.id, personId: person.id, subject: 'Nachfrage' });
    expect(await ids({ personId: person.id })).toEqual([followUp.id]);
    const firstPage = await call('GET /v1/tickets', { query: { companyId: company.id, limit: '1' } });
    expect(firstPage.json.items.map((t: { id: string }) => t.id)).toEqual([followUp.id]);
    const secondPage = await call('GET /v1/tickets', {
      query: { companyId: company.id, limit: '1', cursor: firstPage.json.nextCursor },
    });
    expect(secondPage.json.items.map((t: { id: string }) => t.id)).toEqual([theirs.id]);
    expect(await ids({ responsibleUserId: worker, type: 'incident' })).toEqual([mine.id]);
    expect(await ids({ responsibleUserId: worker, q: 'heiz' })).toEqual([mine.id]);
    expect(await ids({ q: late.json.number })).toEqual([late.json.id]);
    expect(await ids({ q: late.json.number.toLowerCase() })).toEqual([late.json.id]);
    // search items: folded words of the subject, every word a prefix; a changed subject is found by its new words only
    expect(await ids({ q: 'AUSGEF heizung' })).toEqual([mine.id]);
    expect((await ids({ q: 'überfällig' })).sort()).toEqual([late.json.id, lateLow.json.id].sort());
    const renamed = await call('PATCH /v1/tickets/{id}', {
      id: mine.id,
      body: { version: mine.version, subject: 'Warmwasser kalt' },
    });
    expect(renamed.status).toBe(200);
    expect(await ids({ q: 'heiz' })).toEqual([]);
    expect(await ids({ q: 'warmw' })).toEqual([mine.id]);
    expect((await call('GET /v1/tickets', { query: { q: 'x' } })).status).toBe(400);
    expect(await ids({ status: 'new', responsibleUserId: worker })).toHaveLength(2);
    const overdue = await ids({ overdue: 'true' });
    expect(overdue.filter((id) => id === late.json.id || id === lateLow.json.id)).toEqual([
      late.json.id,
      lateLow.json.id,
    ]);
    expect(overdue).not.toContain(mine.id);

    const bad = await call('GET /v1/tickets', { query: { status: 'pending' } });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.json.errors)).toContain('status');
  });
});

describe('the service desk: hours, targets, teams and assignment rules', () => {
  it('assigns a new ticket by its type to the team member with the fewest active tickets, and logs the rule', async () => {
    const [anna, ben] = [`tic-anna-${ulid()}`, `tic-ben-${ulid()}`];
    for (const id of [anna, ben]) await users.save({ id, email: `${id}@example.com`, name: id, roles: ['service'] });
    await settings.put('ticket-types', [...(await settings.get('ticket-types')), 'warranty']);
    const current = (await call('GET /v1/service-desk', { as: sales })).json;
    expect(current).toMatchObject({
      version: 0,
      hours: { timeZone: 'Europe/Berlin', opens: '08:00', closes: '17:00' },
    });

    const desk = {
      version: current.version,
      hours: { timeZone: 'Europe/Berlin', opens: '07:30', closes: '16:30' },
      targets: { ...current.targets, urgent: { firstResponseMinutes: 30, resolutionMinutes: 120 } },
      teams: [{ id: 'garantie', name: 'Garantie', memberIds: [anna, ben] }],
      assignmentRules: [{ ticketType: 'warranty', assignTo: { teamId: 'garantie' } }],
    };
    expect((await call('PUT /v1/service-desk', { as: service, body: desk })).status).toBe(403);
    const refused = await call('PUT /v1/service-desk', {
      as: admin,
      body: { ...desk, assignmentRules: [{ ticketType: 'warranty', assignTo: { teamId: 'nobody' } }] },
    });
    expect(refused).toMatchObject({ status: 400, json: { errors: [{ field: 'assignmentRules.0.assignTo.teamId' }] } });
    const unknownMember = await call('PUT /v1/service-desk', {
      as: admin,
      body: { ...desk, teams: [{ id: 'garantie', name: 'Garantie', memberIds: [anna, 'ghost'] }] },
    });
    expect(unknownMember).toMatchObject({ status: 422, json: { errors: [{ field: 'teams.0.memberIds.1' }] } });
    const stored = await call('PUT /v1/service-desk', { as: admin, body: desk });
    expect(stored).toMatchObject({ status: 200, json: { version: 1, teams: desk.teams } });
    expect((await call('PUT /v1/service-desk', { as: admin, body: desk })).status).toBe(409);

    // Anna already has an active ticket: the first warranty ticket goes to Ben, the next to Anna (a tie, her turn first)
    await open({ responsibleUserId: anna, subject: 'Anna hat schon einen' });
    const first = await open({ type: 'warranty', subject: 'Garantiefall 1', priority: 'urgent' });
    expect(first.responsibleUserId).toBe(ben);
    expect(first.updates).toEqual([expect.objectContaining({ authorId: null, rule: 'type warranty → team garantie' })]);
    expect(first.updates[0].text).toContain(ben);
    const second = await open({ type: 'warranty', subject: 'Garantiefall 2' });
    expect(second.responsibleUserId).toBe(anna);
    // a ticket opened for someone keeps its user; the rule's update does not count as a first response
    const chosen = await open({ type: 'warranty', subject: 'Garantiefall 3', responsibleUserId: ben });
    expect(chosen).toMatchObject({ responsibleUserId: ben, updates: [] });
    const logged = (await call('GET /v1/tickets/{id}', { id: first.id })).json;
    expect(logged).toMatchObject({ firstResponseAt: null, updates: [{ rule: 'type warranty → team garantie' }] });
    // the stored hours (07:30–16:30) and urgent target (30 working minutes), not the defaults
    const storedHours = { timeZone: 'Europe/Berlin', opens: '07:30', closes: '16:30', holidays: defaultHolidays() };
    expect(first.firstResponseDueAt).toBe(
      addServiceTime(new Date(first.createdAt), 30 * 60_000, storedHours).toISOString(),
    );
    expect(first.resolutionDueAt).toBe(
      addServiceTime(new Date(first.createdAt), 120 * 60_000, storedHours).toISOString(),
    );
  });
});

describe('the timeline', () => {
  it('merges the updates and the activities linked to the ticket, newest first', async () => {
    const ticket = await open({ subject: 'Rückruf gewünscht' });
    const activity = (ticketId: string, dueAt: string, subject: string) =>
      createActivity(
        ulid(),
        { type: 'call', subject, dueAt, durationMinutes: 15, responsibleUserId: service, ticketId },
        new Date(),
      );
    const inAnHour = new Date(Date.now() + 3_600_000).toISOString();
    const yesterday = new Date(Date.now() - 86_400_000).toISOString();
    await activities.create(activity(ticket.id, inAnHour, 'Kunden zurückrufen'));
    await activities.create(activity(ticket.id, yesterday, 'Erstkontakt'));
    await call('POST /v1/tickets/{id}/updates', { id: ticket.id, as: colleague, body: { text: 'Notiz' } });

    const timeline = await call('GET /v1/tickets/{id}/timeline', { id: ticket.number, as: sales });
    expect(timeline.status).toBe(200);
    expect(
      timeline.json.items.map((i: { kind: string; update?: { text: string }; activity?: { subject: string } }) =>
        i.kind === 'update' ? `update ${i.update?.text}` : `activity ${i.activity?.subject}`,
      ),
    ).toEqual(['activity Kunden zurückrufen', 'update Notiz', 'activity Erstkontakt']);
    expect(timeline.json.items[0].activity).toMatchObject({ ticketId: ticket.id, opportunityId: null });
    expect((await activities.listByTicket(ticket.id)).items).toHaveLength(2);

    // an activity of a ticket that does not exist is refused, naming the field
    const orphan = await activities
      .create(activity('01JDNOSUCHTICKET00000000000', inAnHour, 'ins Leere'))
      .catch((error: unknown) => error);
    expect(orphan).toBeInstanceOf(KontaktError);
    expect((orphan as KontaktError).errors?.map((e) => e.field)).toEqual(['ticketId']);
  });
});

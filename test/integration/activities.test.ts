// Activities against DynamoDB Local: the API a CRM user works with, the worker that schedules a
// pipeline's activity plan on working days exactly once, and the reminder job that mails the
// responsible user through aws-ses-v2-local when an open activity falls due.
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { ulid } from 'ulid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { Activity } from '../../domain/activities/activity.ts';
import { createOpportunity, type Opportunity } from '../../domain/opportunities/opportunity.ts';
import { createPipeline, type PlannedActivity } from '../../domain/pipelines/pipeline.ts';
import type { ActivityPlanRequestedV1 } from '../../events/activity-plan-requested.v1.ts';
import { createActivityRepository } from '../../functions/activities/activity.repository.ts';
import { sendReminders } from '../../functions/activities/send-reminders.ts';
import { createCompanyRepository } from '../../functions/contacts/company.repository.ts';
import { createPersonRepository } from '../../functions/contacts/person.repository.ts';
import { createOpportunityRepository } from '../../functions/opportunities/opportunity.repository.ts';
import { createPipelineRepository } from '../../functions/pipelines/pipeline.repository.ts';
import { createEmailSender, type EmailSender } from '../../functions/shared/email-sender.ts';
import { createUserRepository } from '../../functions/users/user.repository.ts';
import { type RunningSes, startSesLocal } from '../../infra/local/services.ts';
import { documentClient, tableName } from '../support/aws.ts';
import { apiEvent, lambdaContext, sqsEvent } from '../support/events.ts';
import { aCompany, aPerson } from '../support/fixtures.ts';

const doc = documentClient();
const activities = createActivityRepository(doc, tableName);
const users = createUserRepository(doc, tableName);
const opportunities = createOpportunityRepository(doc, tableName);
const pipelines = createPipelineRepository(doc, tableName);
const companies = createCompanyRepository(doc, tableName);
const persons = createPersonRepository(doc, tableName);

// the integration table is shared by every test file: each user of this file is its own
const anna = `act-anna-${ulid()}`;
const ben = `act-ben-${ulid()}`;

// imported in beforeAll, once the environment they read at import is set
let apiHandler: typeof import('../../functions/activities/activities-api.handler.ts')['handler'];
let planHandler: typeof import('../../functions/activities/activity-plan-worker.handler.ts')['handler'];
let ses: RunningSes;

// biome-ignore lint/suspicious/noExplicitAny: the tests read answers of many shapes; the assertions check them
type Answer = { status: number; json: any };

const call = async (
  routeKey: string,
  options: { id?: string; body?: unknown; query?: Record<string, string>; sub?: string } = {},
): Promise<Answer> => {
  const path = routeKey.split(' ')[1]?.replace('{id}', options.id ?? '') ?? '/';
  const res = await apiHandler(
    apiEvent({
      routeKey,
      path,
      sub: options.sub ?? anna,
      ...(options.id ? { pathParameters: { id: options.id } } : {}),
      ...(options.query ? { query: options.query } : {}),
      ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
    }),
    lambdaContext(),
  );
  return { status: res.statusCode, json: res.body ? JSON.parse(res.body) : undefined };
};

const fieldsOf = (answer: Answer): string[] => answer.json.errors.map((e: { field: string }) => e.field);
const subjectsOf = (answer: Answer): string[] => answer.json.items.map((a: Activity) => a.subject);

const anOpportunity = async (responsibleUserId: string | null, pipelineId = 'default-deal'): Promise<Opportunity> => {
  const pipeline = await pipelines.get(pipelineId);
  if (!pipeline) throw new Error(`no pipeline ${pipelineId}`);
  const opp = createOpportunity(
    ulid(),
    await opportunities.nextNumber(),
    {
      title: 'Neue Heizungsanlage',
      stage: pipeline.stage,
      pipeline,
      value: null,
      source: 'webform',
      priority: 'normal',
      responsibleUserId,
      companyId: null,
      personId: null,
    },
    new Date(),
  );
  await opportunities.create(opp);
  return opp;
};

const newActivity = async (body: Record<string, unknown>, sub = anna): Promise<Activity> => {
  const res = await call('POST /v1/activities', { body, sub });
  expect(res.status).toBe(201);
  return res.json;
};

beforeAll(async () => {
  ses = await startSesLocal({ port: 0, hostname: '127.0.0.1' });
  for (const [id, name] of [
    [anna, 'Anna'],
    [ben, 'Ben'],
  ] as const) {
    await users.save({ id, email: `${id}@example.com`, name, roles: ['sales'] }, { upsert: true });
  }
  ({ handler: apiHandler } = await import('../../functions/activities/activities-api.handler.ts'));
  ({ handler: planHandler } = await import('../../functions/activities/activity-plan-worker.handler.ts'));
});

afterAll(async () => {
  await ses?.stop();
});

describe('the activities API', () => {
  it('creates an activity for the caller, linked to an opportunity and a company, and reads it back', async () => {
    const opp = await anOpportunity(anna);
    const company = aCompany({ name: 'Muster Haustechnik GmbH' });
    await companies.create(company);

    const created = await call('POST /v1/activities', {
      body: {
        type: 'call',
        subject: 'Bedarf klären',
        dueAt: '2027-03-03T10:00:00+01:00',
        opportunityId: opp.id,
        companyId: company.id,
      },
    });
    const read = await call('GET /v1/activities/{id}', { id: created.json.id });

    expect(created.status).toBe(201);
    expect(read.status).toBe(200);
    expect(read.json).toEqual(created.json);
    expect(read.json).toMatchObject({
      type: 'call',
      dueAt: '2027-03-03T09:00:00.000Z',
      durationMinutes: 30,
      status: 'open',
      responsibleUserId: anna,
      opportunityId: opp.id,
      companyId: company.id,
      personId: null,
      reminderSentAt: null,
      version: 1,
    });
  });

  it('records the company of the person an activity names without one, so the company’s timeline shows it', async () => {
    const company = aCompany({ name: `Personen Firma ${ulid()} GmbH` });
    await companies.create(company);
    const person = aPerson({ firstName: 'Ida', lastName: `Firmenlos${ulid()}`, companyId: company.id });
    const alone = aPerson({ firstName: 'Ole', lastName: `Privat${ulid()}` });
    await persons.create(person);
    await persons.create(alone);
    const base = { type: 'call', subject: 'Rückruf', dueAt: '2027-05-03T08:00:00Z' };

    const atCompany = await call('POST /v1/activities', { body: { ...base, personId: person.id } });
    const private_ = await call('POST /v1/activities', { body: { ...base, personId: alone.id } });
    const unknown = await call('POST /v1/activities', { body: { ...base, personId: 'no-such-person' } });

    expect(atCompany.json).toMatchObject({ personId: person.id, companyId: company.id });
    expect(private_.json).toMatchObject({ personId: alone.id, companyId: null });
    expect(unknown).toMatchObject({ status: 422, json: { errors: [{ field: 'personId' }] } });
  });

  it('takes custom types such as site_visit', async () => {
    const activity = await newActivity({
      type: 'site_visit',
      subject: 'Vor-Ort-Termin',
      dueAt: '2027-05-03T08:00:00Z',
    });

    expect(activity.type).toBe('site_visit');
  });

  it('names every bad field, and a read-only one, with 400 and stores nothing', async () => {
    const res = await call('POST /v1/activities', {
      body: { type: 'Anruf!', subject: '', durationMinutes: 2, status: 'done', id: 'mine' },
    });

    expect(res.status).toBe(400);
    expect(fieldsOf(res)).toEqual(
      expect.arrayContaining(['type', 'subject', 'dueAt', 'durationMinutes', 'status', 'id']),
    );
  });

  it('refuses an unknown responsible user, opportunity, ticket or company with 422 naming the field, and an activity of both an opportunity and a ticket with 400', async () => {
    const base = { type: 'task', subject: 'Unterlagen prüfen', dueAt: '2027-05-03T08:00:00Z' };

    const user = await call('POST /v1/activities', { body: { ...base, responsibleUserId: 'nobody' } });
    const opp = await call('POST /v1/activities', { body: { ...base, opportunityId: 'no-such-opportunity' } });
    const company = await call('POST /v1/activities', { body: { ...base, companyId: 'no-such-company' } });
    const ticket = await call('POST /v1/activities', { body: { ...base, ticketId: 'no-such-ticket' } });
    const both = await call('POST /v1/activities', {
      body: { ...base, opportunityId: 'no-such-opportunity', ticketId: 'no-such-ticket' },
    });
    const listed = await call('GET /v1/activities', { query: { opportunityId: 'no-such-opportunity' } });
    const byTicket = await call('GET /v1/activities', { query: { ticketId: 'no-such-ticket' } });
    const byBoth = await call('GET /v1/activities', { query: { opportunityId: 'x', ticketId: 'no-such-ticket' } });
    expect(byBoth.status).toBe(400);
    expect(fieldsOf(byBoth)).toEqual(['ticketId']);

    expect([user.status, opp.status, company.status, ticket.status, both.status]).toEqual([422, 422, 422, 422, 400]);
    expect([fieldsOf(user), fieldsOf(opp), fieldsOf(company), fieldsOf(ticket), fieldsOf(both)]).toEqual([
      ['responsibleUserId'],
      ['opportunityId'],
      ['companyId'],
      ['ticketId'],
      ['ticketId'],
    ]);
    expect(listed.json.items).toEqual([]);
    expect(byTicket).toMatchObject({ status: 200, json: { items: [] } });
  });

  it("lists an opportunity's activities chronologically, whoever does them", async () => {
    const opp = await anOpportunity(anna);
    await newActivity({ type: 'meeting', subject: 'dritte', dueAt: '2027-06-03T08:00:00Z', opportunityId: opp.id });
    await newActivity({ type: 'call', subject: 'erste', dueAt: '2027-06-01T08:00:00Z', opportunityId: opp.id });
    await newActivity(
      {
        type: 'email',
        subject: 'zweite',
        dueAt: '2027-06-02T08:00:00Z',
        opportunityId: opp.id,
        responsibleUserId: ben,
      },
      anna,
    );

    const all = await call('GET /v1/activities', { query: { opportunityId: opp.id } });
    const bens = await call('GET /v1/activities', { query: { opportunityId: opp.id, responsibleUserId: ben } });

    expect(subjectsOf(all)).toEqual(['erste', 'zweite', 'dritte']);
    expect(subjectsOf(bens)).toEqual(['zweite']);
  });

  it("lists a user's open activities by due time within dueFrom and dueTo, and the done ones apart", async () => {
    const user = `act-carl-${ulid()}`;
    await users.save({ id: user, email: `${user}@example.com`, name: 'Carl', roles: ['sales'] });
    const at = (day: string) => ({ type: 'task', dueAt: `2027-07-${day}T07:00:00Z`, responsibleUserId: user });
    await newActivity({ ...at('05'), subject: 'Juli 5' });
    await newActivity({ ...at('01'), subject: 'Juli 1' });
    await newActivity({ ...at('03'), subject: 'Juli 3' });
    const done = await newActivity({ ...at('02'), subject: 'Juli 2' });
    await call('POST /v1/activities/{id}/done', { id: done.id });

    const open = await call('GET /v1/activities', { query: { responsibleUserId: user } });
    const window = await call('GET /v1/activities', {
      query: { responsibleUserId: user, dueFrom: '2027-07-02', dueTo: '2027-07-03' },
    });
    const finished = await call('GET /v1/activities', { query: { responsibleUserId: user, status: 'done' } });

    expect(subjectsOf(open)).toEqual(['Juli 1', 'Juli 3', 'Juli 5']);
    expect(subjectsOf(window)).toEqual(['Juli 3']);
    expect(subjectsOf(finished)).toEqual(['Juli 2']);
  });

  it('asks for an opportunity or a user when a list names neither', async () => {
    const res = await call('GET /v1/activities', { query: { status: 'open' } });

    expect(res.status).toBe(400);
    expect(fieldsOf(res)).toEqual(['opportunityId', 'responsibleUserId']);
  });

  it('reschedules and reassigns with the current version; a stale one is 409 and changes nothing', async () => {
    const opp = await anOpportunity(anna);
    const first = await newActivity({
      type: 'call',
      subject: 'A',
      dueAt: '2027-08-02T07:00:00Z',
      opportunityId: opp.id,
    });
    await newActivity({ type: 'call', subject: 'B', dueAt: '2027-08-03T07:00:00Z', opportunityId: opp.id });

    const moved = await call('PATCH /v1/activities/{id}', {
      id: first.id,
      body: { version: 1, dueAt: '2027-08-04T07:00:00Z', responsibleUserId: ben },
    });
    const stale = await call('PATCH /v1/activities/{id}', { id: first.id, body: { version: 1, subject: 'X' } });
    const unknown = await call('PATCH /v1/activities/{id}', {
      id: first.id,
      body: { version: 2, responsibleUserId: 'nobody' },
    });
    const order = await call('GET /v1/activities', { query: { opportunityId: opp.id } });
    const annas = await call('GET /v1/activities', {
      query: { responsibleUserId: anna, dueFrom: '2027-08-01', dueTo: '2027-08-31' },
    });
    const bens = await call('GET /v1/activities', {
      query: { responsibleUserId: ben, dueFrom: '2027-08-01', dueTo: '2027-08-31' },
    });
    const after = await call('GET /v1/activities/{id}', { id: first.id });

    expect(moved.status).toBe(200);
    expect(moved.json).toMatchObject({ dueAt: '2027-08-04T07:00:00.000Z', responsibleUserId: ben, version: 2 });
    expect(stale.status).toBe(409);
    expect(stale.json.type).toBe('/problems/stale-version');
    expect(unknown.status).toBe(422);
    expect(subjectsOf(order)).toEqual(['B', 'A']);
    expect(subjectsOf(annas)).not.toContain('A');
    expect(subjectsOf(bens)).toContain('A');
    expect(after.json).toMatchObject({ subject: 'A', version: 2 });
  });

  it('marks an activity done once; done, it is no longer rescheduled', async () => {
    const activity = await newActivity({ type: 'call', subject: 'Rückruf', dueAt: '2027-09-01T07:00:00Z' });

    const done = await call('POST /v1/activities/{id}/done', { id: activity.id });
    const again = await call('POST /v1/activities/{id}/done', { id: activity.id });
    const reschedule = await call('PATCH /v1/activities/{id}', {
      id: activity.id,
      body: { version: done.json.version, dueAt: '2027-09-02T07:00:00Z' },
    });
    const missing = await call('POST /v1/activities/{id}/done', { id: 'no-such-activity' });

    expect(done.json).toMatchObject({ status: 'done', version: 2 });
    expect(done.json.doneAt).toEqual(expect.any(String));
    expect(again.status).toBe(200);
    expect(again.json).toEqual(done.json);
    expect(reschedule.status).toBe(409);
    expect(reschedule.json.type).toBe('/problems/activity-done');
    expect(missing.status).toBe(404);
  });
});

/** Ten activities given out of order; offsets in working days from Wednesday 24 March 2027 (Easter, then summer time). */
const offsets = [20, 0, 5, 1, 12, 2, 15, 3, 10, 7];
const tenStepPlan: PlannedActivity[] = offsets.map((offsetDays) => ({
  type: offsetDays % 2 === 0 ? 'call' : 'email',
  subject: `Tag ${offsetDays}`,
  offsetDays,
  durationMinutes: 30,
  assignee: 'responsible',
}));
/** 26 and 29 March are Good Friday and Easter Monday; from 28 March 09:00 Berlin is 07:00 UTC. */
const expectedDueTimes = [
  ['Tag 0', '2027-03-24T08:00:00.000Z'],
  ['Tag 1', '2027-03-25T08:00:00.000Z'],
  ['Tag 2', '2027-03-30T07:00:00.000Z'],
  ['Tag 3', '2027-03-31T07:00:00.000Z'],
  ['Tag 5', '2027-04-02T07:00:00.000Z'],
  ['Tag 7', '2027-04-06T07:00:00.000Z'],
  ['Tag 10', '2027-04-09T07:00:00.000Z'],
  ['Tag 12', '2027-04-13T07:00:00.000Z'],
  ['Tag 15', '2027-04-16T07:00:00.000Z'],
  ['Tag 20', '2027-04-23T07:00:00.000Z'],
];

const planRequest = (opp: { id: string }, pipelineId: string, startDate: string, requestedBy: string | null) =>
  JSON.stringify({
    type: 'activity-plan-requested',
    version: 1,
    opportunityId: opp.id,
    pipelineId,
    startDate,
    requestedBy,
    requestedAt: new Date().toISOString(),
  } satisfies ActivityPlanRequestedV1);

const deliver = async (...bodies: string[]) =>
  planHandler(sqsEvent(bodies.map((body) => ({ id: ulid(), body }))), lambdaContext());

const planOf = async (opportunityId: string) =>
  (await activities.listByOpportunity(opportunityId, { limit: 100 })).items.map((a) => [a.subject, a.dueAt]);

describe('the activity plan worker', () => {
  let pipelineId: string;

  beforeAll(async () => {
    const pipeline = createPipeline(
      `act-plan-${ulid().toLowerCase()}`,
      {
        name: 'Zehn Schritte',
        stage: 'deal',
        steps: [{ id: 'start', name: 'Start', probability: 10 }],
        activityPlan: tenStepPlan,
      },
      new Date(),
    );
    await pipelines.create(pipeline);
    pipelineId = pipeline.id;
  });

  it('creates the ten activities of the plan in chronological order, on working days at 09:00 Berlin time', async () => {
    const opp = await anOpportunity(anna, pipelineId);

    const res = await deliver(planRequest(opp, pipelineId, '2027-03-24', ben));
    const listed = await call('GET /v1/activities', { query: { opportunityId: opp.id } });

    expect(res.batchItemFailures).toEqual([]);
    expect(listed.json.items.map((a: Activity) => [a.subject, a.dueAt])).toEqual(expectedDueTimes);
    expect(new Set(listed.json.items.map((a: Activity) => a.responsibleUserId))).toEqual(new Set([anna]));
    expect(listed.json.items.every((a: Activity) => a.status === 'open' && a.opportunityId === opp.id)).toBe(true);
  });

  it('creates nothing twice: a message delivered twice, in one batch and again later, and a second request', async () => {
    const opp = await anOpportunity(anna, pipelineId);
    const message = planRequest(opp, pipelineId, '2027-03-24', anna);

    const first = await deliver(message, message);
    const redelivered = await deliver(message);
    const secondRequest = await deliver(planRequest(opp, pipelineId, '2027-03-24', ben));

    expect([first, redelivered, secondRequest].map((r) => r.batchItemFailures)).toEqual([[], [], []]);
    expect(await planOf(opp.id)).toEqual(expectedDueTimes);
  });

  it('schedules the plan again from another start date', async () => {
    const opp = await anOpportunity(anna, pipelineId);
    await deliver(planRequest(opp, pipelineId, '2027-03-24', anna));

    await deliver(planRequest(opp, pipelineId, '2027-06-01', anna));

    expect(await planOf(opp.id)).toHaveLength(20);
  });

  it('gives the activities to whoever asked when the opportunity has no responsible user', async () => {
    const opp = await anOpportunity(null, pipelineId);

    await deliver(planRequest(opp, pipelineId, '2027-03-24', ben));

    const listed = await activities.listByOpportunity(opp.id);
    expect(new Set(listed.items.map((a) => a.responsibleUserId))).toEqual(new Set([ben]));
  });

  it('fails a request for an opportunity that does not exist, so it ends in the DLQ instead of vanishing', async () => {
    const ghost = { id: `ghost-${ulid()}` };

    const res = await deliver(planRequest(ghost, pipelineId, '2027-03-24', anna));

    expect(res.batchItemFailures).toHaveLength(1);
    expect(await planOf(ghost.id)).toEqual([]);
  });
});

const StoredMail = z.object({
  from: z.string(),
  destination: z.object({ to: z.array(z.string()) }),
  subject: z.string(),
  body: z.object({ text: z.string().optional() }),
  headers: z.optional(z.array(z.object({ name: z.string(), value: z.string() }))),
});

/** What aws-ses-v2-local holds, as its `/store` answers. */
const mailTo = async (address: string) => {
  const res = await fetch(`${ses.endpoint}/store`);
  const store = z.object({ emails: z.array(StoredMail) }).parse(await res.json());
  return store.emails.filter((mail) => mail.destination.to.includes(address));
};

const minutesAgo = (minutes: number): string => new Date(Date.now() - minutes * 60_000).toISOString();

describe('reminders', () => {
  const sender = 'kontakt@kontakt.localhost';
  const remind = (email: EmailSender) => sendReminders({ activities, users, email, sender, now: () => new Date() })();
  const realMail = () =>
    createEmailSender(
      new SESv2Client({
        endpoint: ses.endpoint,
        region: 'eu-west-1',
        credentials: { accessKeyId: 'kontaktlocal', secretAccessKey: 'kontaktlocal' },
      }),
    );

  const aUser = async (name: string): Promise<string> => {
    const id = `act-${name.toLowerCase()}-${ulid()}`;
    await users.save({ id, email: `${id}@example.com`, name, roles: ['sales'] });
    return id;
  };

  it('mails the responsible user once when an open activity falls due, and flags it; done and future ones get none', async () => {
    const dora = await aUser('Dora');
    const due = await newActivity({
      type: 'call',
      subject: 'Angebot nachfassen',
      dueAt: minutesAgo(2),
      responsibleUserId: dora,
    });
    const finished = await newActivity({
      type: 'call',
      subject: 'Erledigt',
      dueAt: minutesAgo(3),
      responsibleUserId: dora,
    });
    await call('POST /v1/activities/{id}/done', { id: finished.id });
    const future = await newActivity({
      type: 'meeting',
      subject: 'Später',
      dueAt: '2099-01-01T08:00:00Z',
      responsibleUserId: dora,
    });

    await remind(realMail());
    const afterFirst = await mailTo(`${dora}@example.com`);
    await remind(realMail());
    const afterSecond = await mailTo(`${dora}@example.com`);
    const flagged = await activities.get(due.id);

    expect(afterFirst).toHaveLength(1);
    expect(afterFirst[0]).toMatchObject({ from: sender, subject: 'Erinnerung: Angebot nachfassen' });
    expect(afterFirst[0]?.body.text).toContain('Hallo Dora,');
    // machine-made mail (RFC 3834): no auto-responder or ticket system, Kontakt's own service address included, answers it
    expect(afterFirst[0]?.headers).toEqual(
      expect.arrayContaining([
        { name: 'Auto-Submitted', value: 'auto-generated' },
        { name: 'X-Auto-Response-Suppress', value: 'All' },
      ]),
    );
    expect(afterSecond).toHaveLength(1);
    expect(flagged?.reminderSentAt).toEqual(expect.any(String));
    expect(flagged?.version).toBe(2);
    expect((await activities.get(finished.id))?.reminderSentAt).toBeNull();
    expect((await activities.get(future.id))?.reminderSentAt).toBeNull();
  });

  it('tries again next minute when sending failed', async () => {
    const emil = await aUser('Emil');
    const due = await newActivity({
      type: 'task',
      subject: 'Vertrag prüfen',
      dueAt: minutesAgo(1),
      responsibleUserId: emil,
    });
    const broken: EmailSender = {
      send: async () => {
        throw new Error('SES is unavailable');
      },
    };

    await remind(broken);
    const afterFailure = await activities.get(due.id);
    await remind(realMail());

    expect(afterFailure?.reminderSentAt).toBeNull();
    expect(await mailTo(`${emil}@example.com`)).toHaveLength(1);
    expect((await activities.get(due.id))?.reminderSentAt).toEqual(expect.any(String));
  });

  it('reminds again after an activity is rescheduled', async () => {
    const frida = await aUser('Frida');
    const due = await newActivity({ type: 'call', subject: 'Rückruf', dueAt: minutesAgo(5), responsibleUserId: frida });
    await remind(realMail());
    const reminded = await call('GET /v1/activities/{id}', { id: due.id });

    await call('PATCH /v1/activities/{id}', {
      id: due.id,
      body: { version: reminded.json.version, dueAt: minutesAgo(1) },
    });
    await remind(realMail());

    expect(await mailTo(`${frida}@example.com`)).toHaveLength(2);
  });
});

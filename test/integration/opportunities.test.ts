// Opportunities and pipelines through their routes against DynamoDB Local and the queue emulator,
// wired with the real repositories: numbers under concurrency, stale writes, won (the company becomes
// a customer in the same transaction) and lost, filters and the board, the activity-plan request, and
// pipelines that everyone reads and only admins change.
import { ChangeMessageVisibilityCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ulid } from 'ulid';
import { beforeAll, describe, expect, it } from 'vitest';
import { companies as companyEntity } from '../../functions/contacts/company.entity.ts';
import { createCompanyRepository } from '../../functions/contacts/company.repository.ts';
import { createLinkTargets } from '../../functions/contacts/link-targets.ts';
import { createPersonRepository } from '../../functions/contacts/person.repository.ts';
import { type OpportunityDeps, opportunityRouteHandlers } from '../../functions/opportunities/opportunities.ts';
import { opportunityNumberSequence } from '../../functions/opportunities/opportunity.entity.ts';
import { createOpportunityRepository } from '../../functions/opportunities/opportunity.repository.ts';
import { createPipelineRepository } from '../../functions/pipelines/pipeline.repository.ts';
import { createSettingsRepository } from '../../functions/settings/settings.repository.ts';
import { httpRouter } from '../../functions/shared/aws-http.ts';
import { createQueuePublisher } from '../../functions/shared/queue-publisher.ts';
import { createUserRepository } from '../../functions/users/user.repository.ts';
import { documentClient, mentioning, queueUrl, sqsClient, tableName, takeMessage } from '../support/aws.ts';
import { apiEvent, lambdaContext } from '../support/events.ts';
import { aCompany, aPerson } from '../support/fixtures.ts';

const doc = documentClient();
const users = createUserRepository(doc, tableName);
const companies = createCompanyRepository(doc, tableName);
const persons = createPersonRepository(doc, tableName);
const settings = createSettingsRepository(doc, tableName);
const deps: OpportunityDeps = {
  opportunities: createOpportunityRepository(doc, tableName),
  pipelines: createPipelineRepository(doc, tableName),
  companies,
  persons,
  users,
  settings,
  publisher: createQueuePublisher(sqsClient()),
  activityPlansQueueUrl: queueUrl('activity-plans'),
  tableName,
  links: createLinkTargets(doc, tableName),
  now: () => new Date(),
};
const opportunitiesApi = httpRouter(opportunityRouteHandlers(deps), users);
// imported in beforeAll, once the environment it reads at import is set
let pipelinesApi: typeof import('../../functions/pipelines/pipelines-api.handler.ts')['handler'];

const admin = 'opp-admin';
const sales = 'opp-sales';

// biome-ignore lint/suspicious/noExplicitAny: the tests read answers of many shapes; the assertions check them
type Answer = { status: number; headers: Record<string, string>; json: any };

const callOn =
  (api: typeof opportunitiesApi) =>
  async (
    routeKey: string,
    options: { id?: string; body?: unknown; query?: Record<string, string>; as?: string } = {},
  ): Promise<Answer> => {
    const path = routeKey.split(' ')[1]?.replace('{id}', options.id ?? '') ?? '/';
    const res = await api(
      apiEvent({
        routeKey,
        path,
        sub: options.as ?? sales,
        ...(options.id ? { pathParameters: { id: options.id } } : {}),
        ...(options.query ? { query: options.query } : {}),
        ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
      }),
      // bursts of parallel requests share this one process (in AWS each gets 10 s of its own)
      lambdaContext(120_000),
    );
    return { status: res.statusCode, headers: res.headers, json: res.body ? JSON.parse(res.body) : undefined };
  };

const call = callOn(opportunitiesApi);
const callPipelines = (...args: Parameters<ReturnType<typeof callOn>>) => callOn(pipelinesApi)(...args);

const create = async (body: Record<string, unknown>, as?: string) => {
  const res = await call('POST /v1/opportunities', { body, ...(as ? { as } : {}) });
  expect(res.status).toBe(201);
  return res.json;
};

const storedCompany = async (name: string) => {
  const company = aCompany({ name });
  await companies.create(company);
  return company;
};

/** A user of one's own, so a list by responsible user shows this test's opportunities only. */
const ownUser = async (): Promise<string> => {
  const id = `opp-user-${ulid()}`;
  await users.save({ id, email: `${id}@example.com`, name: 'Lena Lang', roles: ['sales'] });
  return id;
};

/** A deal pipeline of one's own, so its board shows this test's opportunities only. */
const ownPipeline = async (activityPlan: unknown[] = []) => {
  const res = await callPipelines('POST /v1/pipelines', {
    as: admin,
    body: {
      name: `Projektvertrieb ${ulid()}`,
      stage: 'deal',
      steps: [
        { id: 'analyse', name: 'Analyse', probability: 20 },
        { id: 'angebot', name: 'Angebot', probability: 50 },
        { id: 'verhandlung', name: 'Verhandlung', probability: 80 },
      ],
      activityPlan,
    },
  });
  expect(res.status).toBe(201);
  return res.json;
};

/** Adds tags to the configured list (other test files may configure theirs meanwhile). */
const allowTags = async (tags: string[]) => {
  const current = await settings.get('tags');
  await settings.put('tags', [...new Set([...current, ...tags])]);
};

/** Which of the needles the messages on a queue mention; every message goes back a second later for others to take. */
const mentions = async (queue: string, needles: string[]): Promise<string[]> => {
  const sqs = sqsClient();
  const found = new Set<string>();
  for (let i = 0; i < 3; i += 1) {
    const res = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl(queue), MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
    );
    for (const message of res.Messages ?? []) {
      for (const needle of needles) if (message.Body?.includes(needle)) found.add(needle);
      await sqs
        .send(
          new ChangeMessageVisibilityCommand({
            QueueUrl: queueUrl(queue),
            ReceiptHandle: message.ReceiptHandle,
            // not 0: the emulator (fauxqs 2.4.1, with its data folder) loses a message set to 0
            VisibilityTimeout: 1,
          }),
        )
        .catch(() => undefined);
    }
  }
  return [...found];
};

const sequenceValue = async (): Promise<number> => {
  const res = await doc.send(
    new GetCommand({ TableName: tableName, Key: opportunityNumberSequence.key(), ConsistentRead: true }),
  );
  return typeof res.Item?.counter === 'number' ? res.Item.counter : 0;
};

beforeAll(async () => {
  await users.save(
    { id: admin, email: 'opp-admin@example.com', name: 'Anna Admin', roles: ['admin', 'sales'] },
    { upsert: true },
  );
  await users.save(
    { id: sales, email: 'opp-sales@example.com', name: 'Sven Sales', roles: ['sales'] },
    { upsert: true },
  );
  ({ handler: pipelinesApi } = await import('../../functions/pipelines/pipelines-api.handler.ts'));
});

describe('opportunity numbers', () => {
  it('gives a hundred parallel creations a hundred distinct consecutive numbers, each found by number in any case', async () => {
    const before = await sequenceValue();

    const created = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        call('POST /v1/opportunities', {
          body: { title: `Wärmepumpe ${i}`, value: { amount: 1000 + i, currency: 'EUR' } },
        }),
      ),
    );
    const after = await sequenceValue();
    const numbers = created.map((res) => Number(String(res.json.number).slice('OPP-'.length))).sort((a, b) => a - b);
    const sample = created[37]?.json;
    const upper = await call('GET /v1/opportunities/{id}', { id: sample.number });
    const lower = await call('GET /v1/opportunities/{id}', { id: sample.number.toLowerCase() });

    expect(created.map((res) => res.status)).toEqual(Array(100).fill(201));
    expect(new Set(numbers).size).toBe(100);
    if (after - before === 100) {
      // nobody else created an opportunity meanwhile: exactly the next hundred numbers, none missing
      expect(numbers).toEqual(Array.from({ length: 100 }, (_, i) => before + 1 + i));
    } else {
      // other test files created some in between: ours still lie within the numbers taken meanwhile
      expect(numbers[0]).toBeGreaterThan(before);
      expect(numbers.at(-1)).toBeLessThanOrEqual(after);
    }
    expect(upper).toMatchObject({ status: 200, json: { id: sample.id, number: sample.number, title: sample.title } });
    expect(lower).toMatchObject({ status: 200, json: { id: sample.id } });
  });

  it('answers 404 for a number nobody has', async () => {
    const res = await call('GET /v1/opportunities/{id}', { id: 'OPP-999999999' });

    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toBe('application/problem+json');
  });
});

describe('creating and changing opportunities', () => {
  it('creates a lead on the first step of the default lead pipeline, responsible the caller, linked to company and person', async () => {
    const company = await storedCompany('Sonnenschein Solar GmbH');
    const person = aPerson({ firstName: 'Petra', lastName: 'Sonnenschein', companyId: company.id });
    await persons.create(person);

    const res = await call('POST /v1/opportunities', {
      body: {
        title: 'PV-Anlage 30 kWp',
        value: { amount: 42_000, currency: 'EUR' },
        companyId: company.id,
        personId: person.id,
      },
    });
    const read = await call('GET /v1/opportunities/{id}', { id: res.json.id });

    expect(res.status).toBe(201);
    expect(res.headers.location).toBe(`/v1/opportunities/${res.json.id}`);
    expect(res.json).toMatchObject({
      number: expect.stringMatching(/^OPP-\d+$/),
      stage: 'lead',
      status: 'open',
      pipelineId: 'default-lead',
      stepId: 'neu',
      probability: 10,
      value: { amount: 42_000, currency: 'EUR' },
      source: 'cold_acquisition',
      priority: 'normal',
      responsibleUserId: sales,
      companyId: company.id,
      personId: person.id,
      version: 1,
    });
    expect(read).toMatchObject({ status: 200, json: res.json });
  });

  it('refuses unknown users, companies, persons, sources, priorities and tags with 422 naming the field, storing nothing', async () => {
    const user = await ownUser();
    const attempts = [
      [{ responsibleUserId: 'nobody-here' }, 'responsibleUserId'],
      [{ companyId: ulid() }, 'companyId'],
      [{ personId: ulid() }, 'personId'],
      [{ source: 'carrier_pigeon' }, 'source'],
      [{ priority: 'whenever' }, 'priority'],
      [{ tags: ['not-configured-tag'] }, 'tags.0'],
      [{ pipelineId: 'no-such-pipeline' }, 'pipelineId'],
      [{ stage: 'deal', pipelineId: 'default-lead' }, 'pipelineId'],
    ] as const;

    const answers = [];
    for (const [extra, field] of attempts) {
      const res = await call('POST /v1/opportunities', {
        body: { title: 'Ungültig', responsibleUserId: user, ...extra },
      });
      answers.push({ field, status: res.status, fields: res.json.errors.map((e: { field: string }) => e.field) });
    }
    const stored = await Promise.all(
      [user, 'nobody-here'].map((id) => call('GET /v1/opportunities', { query: { responsibleUserId: id } })),
    );

    for (const answer of answers) expect(answer).toEqual({ field: answer.field, status: 422, fields: [answer.field] });
    for (const list of stored) expect(list.json.items).toEqual([]);
  });

  it('lets exactly one of two stale updates win; the other is 409 and overwrites nothing', async () => {
    const opp = await create({ title: 'Dachsanierung' });

    const [a, b] = await Promise.all([
      call('PATCH /v1/opportunities/{id}', { id: opp.id, body: { version: 1, title: 'Dachsanierung Nord' } }),
      call('PATCH /v1/opportunities/{id}', { id: opp.id, body: { version: 1, title: 'Dachsanierung Süd' } }),
    ]);
    const read = await call('GET /v1/opportunities/{id}', { id: opp.id });
    const winner = [a, b].find((res) => res?.status === 200);
    const loser = [a, b].find((res) => res?.status !== 200);

    expect([a?.status, b?.status].sort()).toEqual([200, 409]);
    expect(loser?.json).toMatchObject({ type: '/problems/stale-version', status: 409 });
    expect(read.json).toMatchObject({ title: winner?.json.title, version: 2 });
  });

  it('overrides the step’s probability and returns to it', async () => {
    const opp = await create({ title: 'Fassade' });

    const own = await call('PATCH /v1/opportunities/{id}', { id: opp.id, body: { version: 1, probability: 33 } });
    const moved = await call('POST /v1/opportunities/{id}/step', { id: opp.id, body: { stepId: 'qualifiziert' } });
    const back = await call('PATCH /v1/opportunities/{id}', {
      id: opp.id,
      body: { version: 3, probabilityOverridden: false },
    });

    expect(own.json).toMatchObject({ probability: 33, probabilityOverridden: true });
    expect(moved.json).toMatchObject({ stepId: 'qualifiziert', probability: 33 });
    expect(back.json).toMatchObject({ stepId: 'qualifiziert', probability: 40, probabilityOverridden: false });
  });

  it('turns a lead into a deal on the default deal pipeline, moves it along its steps and refuses foreign steps', async () => {
    const opp = await create({ title: 'Speicher-Nachrüstung' });

    const asDeal = await call('POST /v1/opportunities/{id}/deal', { id: opp.number });
    const step = await call('POST /v1/opportunities/{id}/step', { id: opp.id, body: { stepId: 'verhandlung' } });
    const foreign = await call('POST /v1/opportunities/{id}/step', { id: opp.id, body: { stepId: 'kontaktiert' } });
    const again = await call('POST /v1/opportunities/{id}/deal', { id: opp.id });

    expect(asDeal.json).toMatchObject({
      stage: 'deal',
      pipelineId: 'default-deal',
      stepId: 'bedarfsanalyse',
      probability: 20,
    });
    expect(asDeal.json.dealStartDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(step.json).toMatchObject({ stepId: 'verhandlung', probability: 70 });
    expect(foreign).toMatchObject({ status: 422, json: { errors: [{ field: 'stepId' }] } });
    expect(again).toMatchObject({ status: 409, json: { type: '/problems/already-deal' } });
  });

  it('subscribes and unsubscribes the caller, idempotently', async () => {
    const opp = await create({ title: 'Wallbox' });

    const first = await call('PUT /v1/opportunities/{id}/subscription', { id: opp.id, as: admin });
    const second = await call('PUT /v1/opportunities/{id}/subscription', { id: opp.id, as: admin });
    const off = await call('DELETE /v1/opportunities/{id}/subscription', { id: opp.id, as: admin });
    const offAgain = await call('DELETE /v1/opportunities/{id}/subscription', { id: opp.id, as: admin });

    expect(first.json).toMatchObject({ subscriberIds: [admin], version: 2 });
    expect(second.json).toMatchObject({ subscriberIds: [admin], version: 2 });
    expect(off.json).toMatchObject({ subscriberIds: [], version: 3 });
    expect(offAgain.json).toMatchObject({ subscriberIds: [], version: 3 });
  });
});

describe('won and lost', () => {
  it('makes the company a customer with the won opportunity and then freezes the business data while tags stay editable', async () => {
    await allowTags(['referenz']);
    const company = await storedCompany('Müller Haustechnik GmbH');
    const opp = await create({
      title: 'Heizungstausch',
      companyId: company.id,
      value: { amount: 9_800, currency: 'EUR' },
    });

    const won = await call('POST /v1/opportunities/{id}/won', { id: opp.id });
    const customer = await companies.load(company.id, { consistent: true });
    const stored = await doc.send(
      new GetCommand({ TableName: tableName, Key: companyEntity.key(company.id), ConsistentRead: true }),
    );
    const frozen = await Promise.all([
      call('PATCH /v1/opportunities/{id}', { id: opp.id, body: { version: won.json.version, title: 'Anders' } }),
      call('PATCH /v1/opportunities/{id}', {
        id: opp.id,
        body: { version: won.json.version, value: { amount: 1, currency: 'EUR' } },
      }),
      call('PATCH /v1/opportunities/{id}', { id: opp.id, body: { version: won.json.version, companyId: null } }),
      call('POST /v1/opportunities/{id}/step', { id: opp.id, body: { stepId: 'kontaktiert' } }),
      call('POST /v1/opportunities/{id}/deal', { id: opp.id }),
      call('POST /v1/opportunities/{id}/won', { id: opp.id }),
      call('POST /v1/opportunities/{id}/lost', { id: opp.id, body: { lossReason: 'price' } }),
    ]);
    const tagged = await call('PATCH /v1/opportunities/{id}', {
      id: opp.id,
      body: { version: won.json.version, tags: ['referenz'] },
    });

    expect(won).toMatchObject({ status: 200, json: { status: 'won', wonAt: expect.any(String), version: 2 } });
    expect(won.json.closeDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    // the new lead made the company a lead, the win a customer: one source for "is a customer"
    expect(customer).toMatchObject({
      state: 'active',
      record: { relationship: 'customer', lifecycleStage: 'customer', version: company.version + 2 },
    });
    if (customer?.state !== 'active') throw new Error('the company is gone');
    expect(customer.record.stageHistory?.slice(-2)).toEqual([
      { from: 'general', to: 'lead', at: expect.any(String), by: 'lead', userId: sales, recordId: opp.id },
      { from: 'lead', to: 'customer', at: won.json.wonAt, by: 'won', userId: sales, recordId: opp.id },
    ]);
    expect(stored.Item?.gsi2pk).toBe('COMPANIES#REL#customer');
    for (const res of frozen)
      expect(res).toMatchObject({ status: 409, json: { type: '/problems/opportunity-closed' } });
    expect(tagged).toMatchObject({ status: 200, json: { tags: ['referenz'], title: 'Heizungstausch', status: 'won' } });
  });

  it('leaves the opportunity open when its company cannot become a customer (being merged): one transaction', async () => {
    const company = await storedCompany('Zwischenstand KG');
    const opp = await create({ title: 'Lüftungsanlage', companyId: company.id });
    await doc.send(
      new UpdateCommand({
        TableName: tableName,
        Key: companyEntity.key(company.id),
        UpdateExpression: 'SET mergingInto = :other',
        ExpressionAttributeValues: { ':other': ulid() },
      }),
    );

    const won = await call('POST /v1/opportunities/{id}/won', { id: opp.id });
    const read = await call('GET /v1/opportunities/{id}', { id: opp.id });
    const stored = await doc.send(
      new GetCommand({ TableName: tableName, Key: companyEntity.key(company.id), ConsistentRead: true }),
    );

    expect(won).toMatchObject({ status: 409, json: { type: '/problems/merge-in-progress' } });
    expect(read.json).toMatchObject({ status: 'open', wonAt: null, version: 1 });
    expect(stored.Item).toMatchObject({
      relationship: 'prospect',
      lifecycleStage: 'lead',
      version: company.version + 1,
    });
  });

  it('refuses lost without a reason (400 naming lossReason) and with an unknown one (422), then records a listed one', async () => {
    const opp = await create({ title: 'Klimaanlage' });

    const noBody = await call('POST /v1/opportunities/{id}/lost', { id: opp.id });
    const empty = await call('POST /v1/opportunities/{id}/lost', { id: opp.id, body: {} });
    const unknown = await call('POST /v1/opportunities/{id}/lost', { id: opp.id, body: { lossReason: 'weather' } });
    const stillOpen = await call('GET /v1/opportunities/{id}', { id: opp.id });
    const lost = await call('POST /v1/opportunities/{id}/lost', {
      id: opp.id,
      body: { lossReason: 'competitor', comment: 'Mitbewerber lieferte schneller' },
    });

    for (const res of [noBody, empty]) {
      expect(res).toMatchObject({ status: 400, json: { errors: [{ field: 'lossReason' }] } });
    }
    expect(unknown).toMatchObject({ status: 422, json: { errors: [{ field: 'lossReason' }] } });
    expect(stillOpen.json).toMatchObject({ status: 'open', version: 1 });
    expect(lost.json).toMatchObject({
      status: 'lost',
      lossReason: 'competitor',
      lossComment: 'Mitbewerber lieferte schneller',
      lostAt: expect.any(String),
    });
  });
});

describe('lists and the board', () => {
  it('filters by stage, status, pipeline, step, responsible user, tag and company', async () => {
    await allowTags(['messe']);
    const user = await ownUser();
    const company = await storedCompany('Filter & Söhne OHG');
    const a = await create({ title: 'A', responsibleUserId: user, tags: ['messe'], companyId: company.id });
    const b = await create({ title: 'B', responsibleUserId: user });
    const c = await create({ title: 'C', responsibleUserId: user });
    await call('POST /v1/opportunities/{id}/deal', { id: b.id });
    await call('POST /v1/opportunities/{id}/lost', { id: c.id, body: { lossReason: 'timing' } });
    const titles = async (query: Record<string, string>) =>
      (await call('GET /v1/opportunities', { query: { responsibleUserId: user, ...query } })).json.items
        .map((o: { title: string }) => o.title)
        .sort();

    expect(await titles({})).toEqual(['A', 'B', 'C']);
    expect(await titles({ stage: 'deal' })).toEqual(['B']);
    expect(await titles({ status: 'lost' })).toEqual(['C']);
    expect(await titles({ status: 'open', stage: 'lead' })).toEqual(['A']);
    expect(await titles({ pipelineId: 'default-deal', stepId: 'bedarfsanalyse' })).toEqual(['B']);
    expect(await titles({ tag: 'messe' })).toEqual(['A']);
    expect(await titles({ companyId: company.id })).toEqual(['A']);
    const byCompany = await call('GET /v1/opportunities', { query: { companyId: company.id, limit: '100' } });
    expect(byCompany.json.items.map((o: { id: string }) => o.id)).toEqual([a.id]);
  });

  it('lists the open opportunities of one step through its index', async () => {
    const pipeline = await ownPipeline();
    const open = await create({ title: 'Offen', stage: 'deal', pipelineId: pipeline.id });
    const won = await create({ title: 'Gewonnen', stage: 'deal', pipelineId: pipeline.id });
    await call('POST /v1/opportunities/{id}/won', { id: won.id });

    const res = await call('GET /v1/opportunities', {
      query: { pipelineId: pipeline.id, stepId: 'analyse', status: 'open' },
    });

    expect(res.json.items.map((o: { id: string }) => o.id)).toEqual([open.id]);
  });

  it('shows a pipeline’s board: each step’s open opportunities with count, value and weighted value', async () => {
    const pipeline = await ownPipeline();
    const deal = (title: string, amount: number) =>
      create({ title, stage: 'deal', pipelineId: pipeline.id, value: { amount, currency: 'EUR' } });
    const [x, y, z, w] = await Promise.all([deal('X', 10_000), deal('Y', 2_500.5), deal('Z', 4_000), deal('W', 7_000)]);
    await call('POST /v1/opportunities/{id}/step', { id: z.id, body: { stepId: 'angebot' } });
    await call('PATCH /v1/opportunities/{id}', { id: z.id, body: { version: 2, probability: 65 } });
    await call('POST /v1/opportunities/{id}/won', { id: w.id });

    const board = await call('GET /v1/opportunities', { query: { view: 'board', pipelineId: pipeline.id } });
    const noPipeline = await call('GET /v1/opportunities', { query: { view: 'board' } });

    expect(board.status).toBe(200);
    expect(board.json).toMatchObject({
      pipelineId: pipeline.id,
      currency: 'EUR',
      steps: [
        {
          stepId: 'analyse',
          name: 'Analyse',
          probability: 20,
          count: 2,
          value: { amount: 12_500.5, currency: 'EUR' },
          weightedValue: { amount: 2_500.1, currency: 'EUR' },
        },
        {
          stepId: 'angebot',
          count: 1,
          value: { amount: 4_000, currency: 'EUR' },
          weightedValue: { amount: 2_600, currency: 'EUR' },
        },
        { stepId: 'verhandlung', count: 0, value: { amount: 0 }, weightedValue: { amount: 0 }, items: [] },
      ],
      totals: { count: 3, value: { amount: 16_500.5 }, weightedValue: { amount: 5_100.1 } },
    });
    expect(board.json.steps[0].items.map((o: { id: string }) => o.id).sort()).toEqual([x.id, y.id].sort());
    expect(noPipeline).toMatchObject({ status: 400, json: { errors: [{ field: 'pipelineId' }] } });
  });
});

describe('requesting the activity plan', () => {
  it('enqueues one activity-plan-requested message for an open opportunity', async () => {
    const opp = await create({ title: 'Angebot Kältetechnik', stage: 'deal' });

    const res = await call('POST /v1/opportunities/{id}/activity-plan', {
      id: opp.id,
      body: { startDate: '2026-10-01' },
    });
    const message = await takeMessage('activity-plans', mentioning(opp.id));

    expect(res).toMatchObject({
      status: 202,
      json: { opportunityId: opp.id, pipelineId: 'default-deal', startDate: '2026-10-01', activities: 10 },
    });
    expect(message).toEqual({
      type: 'activity-plan-requested',
      version: 1,
      opportunityId: opp.id,
      pipelineId: 'default-deal',
      startDate: '2026-10-01',
      requestedBy: sales,
      requestedAt: expect.any(String),
    });
  });

  it('refuses a closed opportunity (409) and a pipeline without a plan (422), enqueuing nothing', async () => {
    const closed = await create({ title: 'Schon gewonnen' });
    await call('POST /v1/opportunities/{id}/won', { id: closed.id });
    const planless = await ownPipeline();
    const open = await create({ title: 'Ohne Plan', stage: 'deal', pipelineId: planless.id });

    const onClosed = await call('POST /v1/opportunities/{id}/activity-plan', {
      id: closed.id,
      body: { startDate: '2026-10-01' },
    });
    const withoutPlan = await call('POST /v1/opportunities/{id}/activity-plan', {
      id: open.id,
      body: { startDate: '2026-10-01' },
    });
    const badDate = await call('POST /v1/opportunities/{id}/activity-plan', {
      id: open.id,
      body: { startDate: '2026-02-30' },
    });

    expect(onClosed).toMatchObject({ status: 409, json: { type: '/problems/opportunity-closed' } });
    expect(withoutPlan).toMatchObject({ status: 422, json: { errors: [{ field: 'pipelineId' }] } });
    expect(badDate).toMatchObject({ status: 400, json: { errors: [{ field: 'startDate' }] } });
    expect(await mentions('activity-plans', [closed.id, open.id])).toEqual([]);
  });
});

describe('pipelines', () => {
  it('lists the default lead and deal pipelines with their steps and plans', async () => {
    const res = await callPipelines('GET /v1/pipelines');
    const lead = await callPipelines('GET /v1/pipelines/{id}', { id: 'default-lead' });

    expect(res.status).toBe(200);
    expect(res.json.items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ id: 'default-lead', stage: 'lead' }),
        expect.objectContaining({ id: 'default-deal', stage: 'deal' }),
      ]),
    );
    expect(lead.json.steps.map((s: { name: string }) => s.name)).toEqual(['Neu', 'Kontaktiert', 'Qualifiziert']);
    expect(lead.json.activityPlan.length).toBeGreaterThan(0);
  });

  it('lets admins create and change pipelines, and refuses sales (403)', async () => {
    const body = { name: 'Sales-only', stage: 'lead', steps: [{ id: 'neu', name: 'Neu', probability: 10 }] };

    const bySales = await callPipelines('POST /v1/pipelines', { body, as: sales });
    const created = await ownPipeline();
    const patchBySales = await callPipelines('PATCH /v1/pipelines/{id}', {
      id: created.id,
      body: { version: 1, name: 'Umbenannt' },
      as: sales,
    });
    const defaultBySales = await callPipelines('PATCH /v1/pipelines/{id}', {
      id: 'default-deal',
      body: { version: 1, name: 'Umbenannt' },
      as: sales,
    });
    const read = await callPipelines('GET /v1/pipelines/{id}', { id: created.id, as: sales });

    expect(bySales).toMatchObject({ status: 403, json: { type: '/problems/forbidden' } });
    expect(patchBySales.status).toBe(403);
    expect(defaultBySales.status).toBe(403);
    expect(read.json).toMatchObject({ id: created.id, name: created.name, version: 1 });
  });

  it('answers a stale change with 409 and keeps the first', async () => {
    const created = await ownPipeline();

    const first = await callPipelines('PATCH /v1/pipelines/{id}', {
      id: created.id,
      as: admin,
      body: { version: 1, steps: [...created.steps, { id: 'abschluss', name: 'Abschluss', probability: 95 }] },
    });
    const stale = await callPipelines('PATCH /v1/pipelines/{id}', {
      id: created.id,
      as: admin,
      body: { version: 1, name: 'Überschrieben?' },
    });
    const read = await callPipelines('GET /v1/pipelines/{id}', { id: created.id });

    expect(first).toMatchObject({ status: 200, json: { version: 2 } });
    expect(stale).toMatchObject({ status: 409, json: { type: '/problems/stale-version' } });
    expect(read.json).toMatchObject({ name: created.name, version: 2 });
    expect(read.json.steps.map((s: { id: string }) => s.id)).toEqual([
      'analyse',
      'angebot',
      'verhandlung',
      'abschluss',
    ]);
  });

  it('keeps a step that open opportunities stand on, refuses unknown assignees and a change of stage', async () => {
    const pipeline = await ownPipeline();
    await create({ title: 'Steht auf Analyse', stage: 'deal', pipelineId: pipeline.id });

    const removeStep = await callPipelines('PATCH /v1/pipelines/{id}', {
      id: pipeline.id,
      as: admin,
      body: { version: 1, steps: pipeline.steps.slice(1) },
    });
    const unknownAssignee = await callPipelines('PATCH /v1/pipelines/{id}', {
      id: pipeline.id,
      as: admin,
      body: {
        version: 1,
        activityPlan: [{ type: 'call', subject: 'Anrufen', offsetDays: 0, durationMinutes: 15, assignee: 'ghost' }],
      },
    });
    const stage = await callPipelines('PATCH /v1/pipelines/{id}', {
      id: pipeline.id,
      as: admin,
      body: { version: 1, stage: 'lead' },
    });
    const duplicateSteps = await callPipelines('PATCH /v1/pipelines/{id}', {
      id: pipeline.id,
      as: admin,
      body: {
        version: 1,
        steps: [
          { id: 'analyse', name: 'Analyse', probability: 20 },
          { id: 'analyse', name: 'Nochmal', probability: 30 },
        ],
      },
    });

    expect(removeStep).toMatchObject({ status: 409, json: { type: '/problems/step-in-use', stepIds: ['analyse'] } });
    expect(unknownAssignee).toMatchObject({ status: 422, json: { errors: [{ field: 'activityPlan.0.assignee' }] } });
    expect(stage).toMatchObject({ status: 400, json: { errors: [{ field: 'stage' }] } });
    expect(duplicateSteps).toMatchObject({ status: 400, json: { errors: [{ field: 'steps.1.id' }] } });
  });
});

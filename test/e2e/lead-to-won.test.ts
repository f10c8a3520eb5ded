// From inbox to won against the running local stack over real HTTP (issue 6's proof): a web-form
// lead is checked for duplicates, converted into a deal with a new company and person, moved through
// the deal pipeline, given its activity plan (working days, 09:00 Berlin), reminded by email when an
// activity falls due, and won — the company becomes a customer and the closed deal's fields are frozen.
import { GetQueueAttributesCommand, GetQueueUrlCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localAwsEnv } from '../../infra/local/services.ts';
import { dlqName } from '../../infra/manifest.ts';
import { mondayWeeksBefore } from '../support/dates.ts';
import { eventually, type RunningStack, startStackProcess } from '../support/local-stack-process.ts';

let stack: RunningStack;

// biome-ignore lint/suspicious/noExplicitAny: the tests read answers of many shapes; the assertions check them
type Answer = { status: number; headers: Headers; json: any };

const call = async (method: string, path: string, token: string | null, body?: unknown): Promise<Answer> => {
  const res = await fetch(`${stack.baseUrl}${path}`, {
    method,
    redirect: 'manual',
    headers: {
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, json: text ? JSON.parse(text) : undefined };
};
const sales = (method: string, path: string, body?: unknown) => call(method, path, stack.salesToken, body);

/** Hour and minute of an ISO time on a Berlin wall clock, and its weekday (0 Sunday). */
const berlin = (iso: string) => {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Europe/Berlin',
    hour: '2-digit',
    minute: '2-digit',
    weekday: 'short',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(new Date(iso));
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return {
    time: `${part('hour')}:${part('minute')}`,
    weekday: part('weekday'),
    date: `${part('year')}-${part('month')}-${part('day')}`,
  };
};

/** A lead from the demo web form, assigned to demo-sales, once its duplicate check is done. */
const lead = async (company: string, lastName: string, phone: string) => {
  const posted = await call('POST', '/v1/webforms/demo/submissions', null, {
    firstName: 'Greta',
    lastName,
    email: `greta.${lastName.toLowerCase()}@${company.toLowerCase().replace(/[^a-z]/g, '')}.example`,
    phone,
    company,
    street: 'Große Elbstraße 12',
    postalCode: '22767',
    city: 'Hamburg',
    message: 'Wir brauchen ein Angebot für 40 Arbeitsplätze',
  });
  expect(posted.status).toBe(201);
  const id: string = posted.json.id;
  const checked = await eventually(async () => {
    const res = await sales('GET', `/v1/inbox/${id}`);
    return res.json?.duplicateCheck?.status === 'done' ? res.json : undefined;
  });
  const assigned = await sales('PATCH', `/v1/inbox/${id}`, {
    version: checked.version,
    responsibleUserId: 'demo-sales',
    expectedBudget: { amount: 48000, currency: 'EUR' },
  });
  expect(assigned.status).toBe(200);
  return assigned.json;
};

/**
 * Waits until the worker has handled every activity-plan request sent so far: the queue holds none
 * waiting, in flight or delayed (a message leaves it only once its handler succeeded), and its DLQ
 * holds none either. The stack is this file's own, so nothing else sends there.
 */
const activityPlansHandled = async (): Promise<void> => {
  const count = async (queue: string): Promise<number> => {
    const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: queue }));
    const { Attributes = {} } = await sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl,
        AttributeNames: [
          'ApproximateNumberOfMessages',
          'ApproximateNumberOfMessagesNotVisible',
          'ApproximateNumberOfMessagesDelayed',
        ],
      }),
    );
    return (
      Number(Attributes.ApproximateNumberOfMessages ?? 'NaN') +
      Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 'NaN') +
      Number(Attributes.ApproximateNumberOfMessagesDelayed ?? 'NaN')
    );
  };
  await eventually(
    async () =>
      (await count('activity-plans')) === 0 && (await count(dlqName('activity-plans'))) === 0 ? true : undefined,
    { what: 'the activity-plan worker to have handled every request, none dead-lettered' },
  );
};

let sqs: SQSClient;

beforeAll(async () => {
  // reminders are looked for every 2 s instead of every minute
  stack = await startStackProcess({ env: { KONTAKT_SCHEDULE_SECONDS: '2' } });
  sqs = new SQSClient({
    endpoint: `http://127.0.0.1:${stack.ports.emulator}`,
    useQueueUrlAsEndpoint: false,
    region: localAwsEnv.AWS_REGION,
    credentials: { accessKeyId: localAwsEnv.AWS_ACCESS_KEY_ID, secretAccessKey: localAwsEnv.AWS_SECRET_ACCESS_KEY },
  });
});

afterAll(async () => {
  await stack?.stop();
});

describe('from inbox to won', () => {
  it('converts a lead, moves the deal, schedules its plan, reminds, and wins it', async () => {
    const entry = await lead('Nordwind Technik GmbH', 'Hansen', '+49 40 8123456');

    const converted = await sales('POST', `/v1/inbox/${entry.id}/convert`, {
      stage: 'deal',
      company: { create: true },
      person: { create: true },
    });
    const again = await sales('POST', `/v1/inbox/${entry.id}/convert`, { company: { create: true } });
    const opportunity = converted.json.opportunity;
    const after = await sales('GET', `/v1/inbox/${entry.id}`);

    expect(converted.status).toBe(201);
    expect(opportunity).toMatchObject({
      number: expect.stringMatching(/^OPP-\d+$/),
      title: entry.title,
      stage: 'deal',
      status: 'open',
      value: { amount: 48000, currency: 'EUR' },
      responsibleUserId: 'demo-sales',
      companyId: converted.json.company.id,
      personId: converted.json.person.id,
      inboxEntryId: entry.id,
    });
    expect(converted.json.person.companyId).toBe(converted.json.company.id);
    expect(again).toMatchObject({
      status: 409,
      json: { type: '/problems/already-converted', opportunityId: opportunity.id },
    });
    expect(after.json).toMatchObject({ processingStatus: 'converted', opportunityId: opportunity.id });
    expect(after.json.qualifiedAt).toEqual(expect.any(String));

    // through the deal pipeline, step by step; the probability follows the step
    const pipeline = (await sales('GET', `/v1/pipelines/${opportunity.pipelineId}`)).json;
    let current = opportunity;
    for (const step of pipeline.steps.slice(1)) {
      const moved = await sales('POST', `/v1/opportunities/${current.id}/step`, { stepId: step.id });
      expect(moved.status).toBe(200);
      expect(moved.json).toMatchObject({ stepId: step.id, probability: step.probability });
      current = moved.json;
    }
    const byNumber = await sales('GET', `/v1/opportunities/${String(opportunity.number).toLowerCase()}`);
    expect(byNumber.json.id).toBe(opportunity.id);

    // the activity plan from a past Monday: the first activities are due at once
    const holidays: string[] = (await sales('GET', '/v1/settings/holidays')).json.items;
    const startDate = mondayWeeksBefore(new Date(), 2);
    const planned = await sales('POST', `/v1/opportunities/${current.id}/activity-plan`, { startDate });
    expect(planned.status).toBe(202);
    await activityPlansHandled();
    const activities = (await sales('GET', `/v1/activities?opportunityId=${current.id}`)).json.items;
    expect(activities).toHaveLength(pipeline.activityPlan.length);
    const dueTimes = activities.map((a: { dueAt: string }) => a.dueAt);
    expect(dueTimes).toEqual([...dueTimes].sort());
    for (const activity of activities) {
      const local = berlin(activity.dueAt);
      expect(['Sat', 'Sun']).not.toContain(local.weekday);
      expect(holidays).not.toContain(local.date);
      expect(activity).toMatchObject({ status: 'open', responsibleUserId: 'demo-sales', opportunityId: current.id });
    }
    expect(activities.filter((a: { dueAt: string }) => berlin(a.dueAt).time === '09:00').length).toBeGreaterThan(0);
    // the same plan asked for again (a double click): once the worker has handled it, still one plan
    const replanned = await sales('POST', `/v1/opportunities/${current.id}/activity-plan`, { startDate });
    expect(replanned.status).toBe(202);
    await activityPlansHandled();
    const afterReplan = (await sales('GET', `/v1/activities?opportunityId=${current.id}`)).json.items;
    expect(afterReplan.map((a: { id: string }) => a.id)).toEqual(activities.map((a: { id: string }) => a.id));

    // the first one is due: the reminder job flags it and emails demo-sales through the local SES
    const first = activities[0];
    const reminded = await eventually(async () => {
      const res = await sales('GET', `/v1/activities/${first.id}`);
      return res.json?.reminderSentAt ? res.json : undefined;
    });
    const mail = await eventually(async () => {
      const res = await fetch(`http://127.0.0.1:${stack.ports.ses}/store`);
      const store = (await res.json()) as { emails: { destination: { to: string[] }; subject: string }[] };
      return store.emails.find(
        (e) => e.destination.to.includes('sales@kontakt.localhost') && e.subject.includes(first.subject),
      );
    });
    expect(reminded.reminderSentAt).toEqual(expect.any(String));
    expect(mail.subject).toContain(first.subject);
    const stillPlanned = await sales('GET', `/v1/activities?opportunityId=${current.id}`);
    expect(stillPlanned.json.items).toHaveLength(pipeline.activityPlan.length);

    // my board: the deal with its weighted forecast, the overdue activity, my subscription
    const subscribed = await sales('PUT', `/v1/opportunities/${current.id}/subscription`);
    const board = await sales('GET', '/v1/me/board');
    expect(subscribed.status).toBe(200);
    expect(board.json.deals.map((d: { id: string }) => d.id)).toContain(current.id);
    expect(board.json.forecast).toEqual({ amount: (48000 * current.probability) / 100, currency: 'EUR' });
    expect(board.json.activities.overdue.map((a: { id: string }) => a.id)).toContain(first.id);
    expect(board.json.subscriptions.map((s: { id: string }) => s.id)).toEqual([current.id]);

    // won: the company becomes a customer, business data are frozen, tags stay editable
    const won = await sales('POST', `/v1/opportunities/${current.id}/won`);
    const company = await sales('GET', `/v1/companies/${opportunity.companyId}`);
    const frozen = await sales('PATCH', `/v1/opportunities/${current.id}`, { version: won.json.version, title: 'Neu' });
    const tagged = await sales('PATCH', `/v1/opportunities/${current.id}`, { version: won.json.version, tags: [] });

    expect(won).toMatchObject({ status: 200, json: { status: 'won', wonAt: expect.any(String) } });
    expect(company.json.relationship).toBe('customer');
    expect(frozen.status).toBe(409);
    expect(tagged.status).toBe(200);
  });

  it('refuses lost without a loss reason and takes it with one', async () => {
    const entry = await lead('Petersen Holzbau', 'Petersen', '+49 431 5566778');
    const converted = await sales('POST', `/v1/inbox/${entry.id}/convert`, { person: { create: true } });
    const id = converted.json.opportunity.id;

    const withoutReason = await sales('POST', `/v1/opportunities/${id}/lost`, {});
    const unknownReason = await sales('POST', `/v1/opportunities/${id}/lost`, { lossReason: 'weather' });
    const lost = await sales('POST', `/v1/opportunities/${id}/lost`, { lossReason: 'price', comment: 'zu teuer' });

    expect(converted.status).toBe(201);
    expect(converted.json.opportunity.stage).toBe('lead');
    expect(withoutReason.status).toBe(400);
    expect(withoutReason.json.errors).toEqual([expect.objectContaining({ field: 'lossReason' })]);
    expect(unknownReason.status).toBe(422);
    expect(lost.json).toMatchObject({ status: 'lost', lossReason: 'price', lossComment: 'zu teuer' });
  });
});

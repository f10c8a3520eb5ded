// Persons and duplicate protection against the running local stack over real HTTP: the warning
// before a duplicate is created, the merge and its redirect, and the duplicate-check worker
// finding the person (and the earlier inbox entry) behind a web-form lead written differently.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, type RunningStack, startStackProcess } from '../support/local-stack-process.ts';

let stack: RunningStack;

// biome-ignore lint/suspicious/noExplicitAny: the tests read answers of many shapes; the assertions check them
type Answer = { status: number; headers: Headers; json: any };

const call = async (
  method: string,
  path: string,
  options: { token?: string; body?: unknown } = {},
): Promise<Answer> => {
  const res = await fetch(`${stack.baseUrl}${path}`, {
    method,
    redirect: 'manual',
    headers: {
      ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
    },
    ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, json: text ? JSON.parse(text) : undefined };
};

const sales = (method: string, path: string, body?: unknown) =>
  call(method, path, { token: stack.salesToken, ...(body === undefined ? {} : { body }) });

/** The inbox entry once the duplicate-check worker has written its result. */
const checkedEntry = (id: string) =>
  eventually(async () => {
    const res = await sales('GET', `/v1/inbox/${id}`);
    return res.json?.duplicateCheck?.status === 'done' ? res.json : undefined;
  });

beforeAll(async () => {
  stack = await startStackProcess();
});

afterAll(async () => {
  await stack?.stop();
});

describe('persons behind duplicate protection', () => {
  it('warns of a person who exists, creates them when forced, and merges the two into one', async () => {
    const person = {
      firstName: 'Jürgen',
      lastName: 'Müller',
      emails: ['juergen.mueller@firma.example'],
      phones: ['030/3345678'],
    };
    const again = {
      firstName: 'Jürgen',
      lastName: 'Müller',
      emails: ['j.mueller@privat.example'],
      phones: ['+49 30 3345678'],
    };

    const created = await sales('POST', '/v1/persons', person);
    const warned = await sales('POST', '/v1/persons', again);
    const forced = await sales('POST', '/v1/persons', { ...again, force: true });
    const merged = await sales('POST', `/v1/persons/${created.json.id}/merge`, { duplicateId: forced.json.id });
    const redirected = await sales('GET', `/v1/persons/${forced.json.id}`);
    const survivor = await sales('GET', `/v1/persons/${created.json.id}`);

    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe(`/v1/persons/${created.json.id}`);
    expect(created.json.phones).toEqual(['+49303345678']);
    expect(warned.status).toBe(409);
    expect(warned.headers.get('content-type')).toBe('application/problem+json');
    expect(warned.json).toMatchObject({
      type: '/problems/possible-duplicates',
      status: 409,
      candidates: [
        {
          kind: 'person',
          id: created.json.id,
          level: 'match',
          reasons: expect.arrayContaining(['phone_equal', 'first_name_equal', 'last_name_equal']),
        },
      ],
    });
    expect(forced.status).toBe(201);
    expect(forced.json.id).not.toBe(created.json.id);
    expect(merged.status).toBe(200);
    expect(merged.json).toMatchObject({
      id: created.json.id,
      emails: ['juergen.mueller@firma.example', 'j.mueller@privat.example'],
      phones: ['+49303345678'],
    });
    expect(redirected.status).toBe(308);
    expect(redirected.headers.get('location')).toBe(`/v1/persons/${created.json.id}`);
    expect(survivor.json).toEqual(merged.json);
  });

  it('lists the person among a web-form lead’s candidates when the lead writes phone and umlaut differently', async () => {
    const person = await sales('POST', '/v1/persons', {
      firstName: 'Sabine',
      lastName: 'Schäfer',
      emails: ['sabine.schaefer@kanzlei.example'],
      phones: ['0221 4711000'],
    });
    const lead = {
      firstName: 'Sabine',
      lastName: 'Schaefer',
      email: 'sabine.s@privat.example',
      phone: '+49 (221) 47 11 000',
      message: 'Bitte rufen Sie mich zurück',
    };

    const first = await call('POST', '/v1/webforms/demo/submissions', { body: lead });
    const firstChecked = await checkedEntry(first.json.id);
    const second = await call('POST', '/v1/webforms/demo/submissions', { body: lead });
    const secondChecked = await checkedEntry(second.json.id);

    expect(person.status).toBe(201);
    expect(first.status).toBe(201);
    expect(firstChecked.duplicateCheck.candidates).toEqual([
      expect.objectContaining({
        kind: 'person',
        id: person.json.id,
        reasons: expect.arrayContaining(['phone_equal']),
      }),
    ]);
    expect(second.status).toBe(201);
    expect(second.json.id).not.toBe(first.json.id);
    expect(secondChecked.duplicateCheck.candidates).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'person', id: person.json.id }),
        expect.objectContaining({
          kind: 'inboxEntry',
          id: first.json.id,
          level: 'match',
          reasons: expect.arrayContaining(['email_equal', 'phone_equal']),
        }),
      ]),
    );
  });

  it('answers the duplicate check for UIs and describes the contact routes in /v1/openapi.json', async () => {
    const company = await sales('POST', '/v1/companies', { name: 'Schmitz Elektro GmbH & Co. KG' });

    const same = await sales('POST', '/v1/duplicates/check', { company: { name: 'SCHMITZ ELEKTRO KG' } });
    const empty = await sales('POST', '/v1/duplicates/check', {});
    const anonymous = await call('POST', '/v1/duplicates/check', { body: { company: { name: 'Schmitz Elektro' } } });
    const doc = await call('GET', '/v1/openapi.json');

    expect(company.status).toBe(201);
    expect(same.status).toBe(200);
    expect(same.json.candidates).toEqual([
      expect.objectContaining({
        kind: 'company',
        id: company.json.id,
        reasons: expect.arrayContaining(['company_name_equal']),
      }),
    ]);
    expect(empty.status).toBe(400);
    expect(empty.headers.get('content-type')).toBe('application/problem+json');
    expect(anonymous.status).toBe(401);
    expect(doc.status).toBe(200);
    expect(Object.keys(doc.json.paths)).toEqual(
      expect.arrayContaining([
        '/v1/persons',
        '/v1/persons/{id}',
        '/v1/persons/{id}/merge',
        '/v1/companies',
        '/v1/duplicates/check',
      ]),
    );
    expect(Object.keys(doc.json.paths['/v1/persons'])).toEqual(expect.arrayContaining(['get', 'post']));
  });
});

describe('evidence weighed by what the stored persons carry (the local stack counts them from the table stream)', () => {
  it('weighs a postcode less once many stored persons live there: "Herr Seltmann" of that postcode scores lower', async () => {
    const postalCode = '99423';
    const stored = await sales('POST', '/v1/persons', {
      salutation: 'Herr',
      lastName: 'Seltmann',
      address: { postalCode, city: 'Weimar' },
      force: true,
    });
    expect(stored.status).toBe(201);
    const probe = { person: { lastName: 'Seltmann', address: { postalCode } } };
    const before = await sales('POST', '/v1/duplicates/check', probe);
    expect(before.json.candidates).toEqual([expect.objectContaining({ id: stored.json.id })]);

    // the postcode becomes the home of 120 more customers
    for (let i = 0; i < 120; i += 20) {
      const created = await Promise.all(
        Array.from({ length: 20 }, (_, j) =>
          sales('POST', '/v1/persons', {
            firstName: `Kundin${i + j}`,
            lastName: `Nachbarin${i + j}`,
            address: { postalCode, city: 'Weimar' },
            force: true,
          }),
        ),
      );
      expect(created.map((r) => r.status)).toEqual(Array(20).fill(201));
    }

    // still a candidate (the rare last name agrees), but with less weight on the crowded postcode
    const after = await eventually(async () => {
      const res = await sales('POST', '/v1/duplicates/check', probe);
      const candidate = res.json.candidates.find((c: { id: string }) => c.id === stored.json.id);
      return candidate && candidate.score < before.json.candidates[0].score ? candidate : undefined;
    });
    expect(after).toMatchObject({ id: stored.json.id, reasons: expect.arrayContaining(['last_name_equal']) });
  });
});

describe('contacts as the seeds describe them (issue 18’s proof)', () => {
  it('walks a converted and won lead’s company through the stages, and keeps a moved person’s past with the old company', async () => {
    const tag = `${Date.now()}`.slice(-7);
    const posted = await call('POST', '/v1/webforms/demo/submissions', {
      body: {
        firstName: 'Paula',
        lastName: `Stufenweg${tag}`,
        email: `paula.${tag}@stufenweg.example`,
        company: `Stufenweg ${tag} GmbH`,
        street: 'Domplatz 3',
        postalCode: '99084',
        city: 'Erfurt',
        message: 'Bitte um ein Angebot',
      },
    });
    expect(posted.status).toBe(201);
    await checkedEntry(posted.json.id);
    const converted = await sales('POST', `/v1/inbox/${posted.json.id}/convert`, {
      company: { create: true, force: true },
      person: { create: true, force: true },
    });
    expect(converted.status).toBe(201);
    const { opportunity, company, person } = converted.json;
    const deal = await sales('POST', `/v1/opportunities/${opportunity.id}/deal`, {});
    const won = await sales('POST', `/v1/opportunities/${opportunity.id}/won`);
    const customer = await sales('GET', `/v1/companies/${company.id}`);

    expect([deal.status, won.status]).toEqual([200, 200]);
    expect(company).toMatchObject({ lifecycleStage: 'lead', mainContactId: person.id });
    expect(customer.json).toMatchObject({ lifecycleStage: 'customer', relationship: 'customer' });
    expect(
      customer.json.stageHistory.map((c: { from: string | null; to: string; by: string; recordId: string }) => [
        c.from,
        c.to,
        c.by,
        c.recordId,
      ]),
    ).toEqual([
      [null, 'lead', 'conversion', opportunity.id],
      ['lead', 'prospect', 'deal', opportunity.id],
      ['prospect', 'customer', 'won', opportunity.id],
    ]);

    // the person has a call at this company, then moves to another one
    const visit = await sales('POST', '/v1/activities', {
      type: 'call',
      subject: `Nachfassen ${tag}`,
      dueAt: new Date(Date.now() + 86_400_000).toISOString(),
      companyId: company.id,
      personId: person.id,
    });
    expect(visit.status).toBe(201);
    const next = await sales('POST', '/v1/companies', { name: `Neuer Arbeitgeber ${tag} AG`, force: true });
    const current = await sales('GET', `/v1/persons/${person.id}`);
    const moved = await sales('PATCH', `/v1/persons/${person.id}`, {
      version: current.json.version,
      companyId: next.json.id,
    });
    const [oldTimeline, newTimeline, oldCompany] = await Promise.all([
      sales('GET', `/v1/companies/${company.id}/timeline`),
      sales('GET', `/v1/companies/${next.json.id}/timeline`),
      sales('GET', `/v1/companies/${company.id}`),
    ]);

    expect(moved.json).toMatchObject({ companyId: next.json.id, isMainContact: false });
    expect(moved.json.employments).toEqual([
      { companyId: company.id, from: expect.any(String), to: expect.any(String) },
      { companyId: next.json.id, from: expect.any(String), to: null },
    ]);
    expect(oldCompany.json.mainContactId).toBeNull();
    expect(oldTimeline.json.items.map((i: { kind: string; id: string }) => [i.kind, i.id])).toEqual([
      ['activity', visit.json.id],
      ['opportunity', opportunity.id],
    ]);
    expect(newTimeline.json.items).toEqual([]);
  });
});

// Lead agencies against the running local stack, as an admin and an agency use them: keys shown
// once, batches answered lead by lead, retries, revoked keys, oversized batches and the per-minute
// limit each get their documented answer, and nothing is stored wrongly.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { untilChecked } from '../support/indexed.ts';
import { type RunningStack, startStackProcess } from '../support/local-stack-process.ts';
import { fetchWithRetries } from '../support/retrying-fetch.ts';

let stack: RunningStack;

// biome-ignore lint/suspicious/noExplicitAny: the tests read answers of many shapes; the assertions check them
type Answer = { status: number; headers: Headers; json: any };

/**
 * One request, sent again unchanged while the answer says "later" (429, 503), as an agency's client
 * does, so a busy machine slows a test down instead of failing it; `retry: false` for the test of
 * that answer itself.
 */
/** Every answer the agency routes gave in this file, retried ones included: a 5xx is never right there (issue: a 429 is). */
const statusesSeen: number[] = [];

const call = async (
  method: string,
  path: string,
  options: { token?: string; body?: unknown; headers?: Record<string, string>; retry?: boolean } = {},
): Promise<Answer> => {
  const init: RequestInit = {
    method,
    headers: {
      ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      ...options.headers,
    },
    ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
  };
  const res =
    options.retry === false
      ? await fetch(`${stack.baseUrl}${path}`, init)
      : await fetchWithRetries(`${stack.baseUrl}${path}`, init, { seen: statusesSeen });
  if (options.retry === false) statusesSeen.push(res.status);
  const text = await res.text();
  return { status: res.status, headers: res.headers, json: text ? JSON.parse(text) : undefined };
};

/** Entries this file's batches created: a search waits until the worker has indexed them. */
const createdIds = new Set<string>();

const remember = <R extends { json?: { results?: { status: string; id?: string }[] } }>(res: R): R => {
  for (const r of res.json?.results ?? []) if (r.status === 'created' && r.id) createdIds.add(r.id);
  return res;
};

const postLeads = async (key: string, leads: unknown[], headers: Record<string, string> = {}) =>
  remember(await call('POST', '/v1/agency/leads', { token: key, body: { leads }, headers }));

const unique = () =>
  `Ag${randomUUID()
    .replace(/[^a-z]/g, '')
    .slice(0, 10)}`;

/** The inbox entries sales finds by a name only one test uses. */
const inboxNamed = async (name: string): Promise<{ id: string; source: string; title: string }[]> => {
  await untilChecked(stack, [...createdIds]);
  const res = await call('GET', `/v1/inbox?q=${name}`, { token: stack.salesToken });
  expect(res.status).toBe(200);
  return res.json.items;
};

const newAgency = async (body: Record<string, unknown> = {}): Promise<{ id: string; key: string; keyId: string }> => {
  const agency = await call('POST', '/v1/agencies', {
    token: stack.adminToken,
    body: { name: `LeadCo ${unique()}`, ...body },
  });
  expect(agency.status).toBe(201);
  const key = await call('POST', `/v1/agencies/${agency.json.id}/keys`, { token: stack.adminToken });
  expect(key.status).toBe(201);
  return { id: agency.json.id, key: key.json.key, keyId: key.json.id };
};

beforeAll(async () => {
  // INFO, so the functions' request logs are there to be searched for secrets
  stack = await startStackProcess({ env: { POWERTOOLS_LOG_LEVEL: 'INFO' } });
});

afterAll(async () => {
  await stack?.stop();
});

describe('agencies and their keys', () => {
  it('are admin only, validated, and show a key’s secret once and never again', async () => {
    const name = `LeadCo ${unique()}`;

    const bySales = await call('POST', '/v1/agencies', { token: stack.salesToken, body: { name } });
    const listBySales = await call('GET', '/v1/agencies', { token: stack.salesToken });
    const badUser = await call('POST', '/v1/agencies', {
      token: stack.adminToken,
      body: { name, responsibleUserId: 'nobody' },
    });
    const badPriority = await call('POST', '/v1/agencies', {
      token: stack.adminToken,
      body: { name, defaultPriority: 'whenever' },
    });
    const badLimit = await call('POST', '/v1/agencies', {
      token: stack.adminToken,
      body: { name, rateLimitPerMinute: 0 },
    });
    const created = await call('POST', '/v1/agencies', {
      token: stack.adminToken,
      body: { name, contactEmail: 'leads@leadco.example', defaultPriority: 'high', responsibleUserId: 'demo-sales' },
    });
    const issued = await call('POST', `/v1/agencies/${created.json.id}/keys`, { token: stack.adminToken });
    const read = await call('GET', `/v1/agencies/${created.json.id}`, { token: stack.adminToken });
    const list = await call('GET', '/v1/agencies?limit=100', { token: stack.adminToken });
    const unknown = await call('GET', '/v1/agencies/01UNKNOWN', { token: stack.adminToken });
    const unknownKeys = await call('POST', '/v1/agencies/01UNKNOWN/keys', { token: stack.adminToken });

    expect(bySales.status).toBe(403);
    expect(listBySales.status).toBe(403);
    expect(badUser.status).toBe(422);
    expect(badUser.json.errors[0].field).toBe('responsibleUserId');
    expect(badPriority.status).toBe(422);
    expect(badPriority.json.errors[0].field).toBe('defaultPriority');
    expect(badLimit.status).toBe(400);
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({
      id: expect.stringMatching(/^[0-9A-HJKMNP-TV-Z]{26}$/),
      name,
      rateLimitPerMinute: 600,
      keys: [],
    });
    expect(issued.status).toBe(201);
    expect(issued.json).toEqual({
      id: expect.any(String),
      key: expect.stringMatching(/^ktk_[0-9a-z]{8}_[A-Za-z0-9_-]{43}$/),
      prefix: expect.any(String),
      createdAt: expect.any(String),
    });
    expect(issued.headers.get('cache-control')).toBe('no-store');
    expect(read.json.keys).toEqual([
      { id: issued.json.id, prefix: issued.json.prefix, createdAt: issued.json.createdAt, revokedAt: null },
    ]);
    expect(JSON.stringify(read.json)).not.toContain(issued.json.key.slice(13));
    expect(list.json.items.map((a: { id: string }) => a.id)).toContain(created.json.id);
    expect(JSON.stringify(list.json)).not.toContain(issued.json.key.slice(13));
    expect(unknown.status).toBe(404);
    expect(unknownKeys.status).toBe(404);
  });
});

describe('POST /v1/agency/leads', () => {
  it('answers a mixed batch lead by lead and puts the valid leads in the inbox as lead_agency', async () => {
    const { id: agencyId, key } = await newAgency({ defaultPriority: 'high' });
    const name = unique();
    const batch = [
      { externalId: 'A-1', contact: { firstName: 'Max', lastName: name, email: `${name}@example.com` } },
      { externalId: 'A-2', contact: { lastName: name, email: 'not-an-email' } },
      { externalId: 'A-1', contact: { lastName: name, phone: '030 1234' } },
      { contact: { lastName: name, companyName: 'Muster GmbH' }, expectedBudget: { amount: 5000, currency: 'EUR' } },
    ];

    const res = await postLeads(key, batch);
    const inbox = await inboxNamed(name);
    const entry = await call('GET', `/v1/inbox/${res.json.results[0].id}`, { token: stack.salesToken });

    expect(res.status).toBe(200);
    expect(res.json.results).toEqual([
      { index: 0, status: 'created', id: expect.any(String) },
      {
        index: 1,
        status: 'invalid',
        errors: [{ field: 'leads.1.contact.email', message: 'not a valid email address' }],
      },
      { index: 2, status: 'duplicate_delivery', id: res.json.results[0].id },
      { index: 3, status: 'created', id: expect.any(String) },
    ]);
    expect(inbox.map((e) => e.id).sort()).toEqual([res.json.results[0].id, res.json.results[3].id].sort());
    expect(inbox.every((e) => e.source === 'lead_agency')).toBe(true);
    expect(entry.json).toMatchObject({
      source: 'lead_agency',
      priority: 'high',
      processingStatus: 'new',
      raw: { externalId: 'A-1', agencyId },
      duplicateCheck: { status: expect.stringMatching(/^(pending|done)$/) },
    });
    expect(entry.json.title).toContain('via LeadCo');
  });

  it('answers a lead it cannot take as invalid, naming the field, stores the others, and a retry stores nothing twice', async () => {
    const { key } = await newAgency();
    const name = unique();
    const batch = [
      { contact: { lastName: name, email: `${name}@example.com` } },
      { contact: { lastName: name, phone: '030 99' }, expectedBudget: { amount: 1e-200, currency: 'EUR' } },
      { contact: { lastName: `${name}\u0000x`, companyName: 'Null GmbH' } },
      { contact: { lastName: name, companyName: 'Muster GmbH' }, expectedBudget: { amount: 1250.5, currency: 'EUR' } },
    ];

    // neither externalId nor Idempotency-Key: the agency's retry is recognised by the leads' content
    const first = await postLeads(key, batch);
    const retry = await postLeads(key, batch);
    const [a, budget, control, d] = first.json.results;

    expect(first.status).toBe(200);
    expect([a.status, d.status]).toEqual(['created', 'created']);
    expect(budget).toMatchObject({ index: 1, status: 'invalid' });
    expect(budget.errors.map((e: { field: string }) => e.field)).toContain('leads.1.expectedBudget.amount');
    expect(control).toMatchObject({ index: 2, status: 'invalid' });
    expect(control.errors.map((e: { field: string }) => e.field)).toContain('leads.2.contact.lastName');
    expect(retry.status).toBe(200);
    expect(retry.json.results).toEqual([
      { index: 0, status: 'duplicate_delivery', id: a.id },
      budget,
      control,
      { index: 3, status: 'duplicate_delivery', id: d.id },
    ]);
    expect((await inboxNamed(name)).map((e) => e.id).sort()).toEqual([a.id, d.id].sort());
  });

  it('answers a batch retried with the same Idempotency-Key as the first time and stores nothing new', async () => {
    const { key } = await newAgency();
    const name = unique();
    const batch = [
      { contact: { lastName: name } },
      { contact: { firstName: 'No contact' } },
      { contact: { lastName: name, phone: '030 1' } },
    ];
    const headers = { 'idempotency-key': randomUUID() };

    const first = await postLeads(key, batch, headers);
    const retry = await postLeads(key, batch, headers);
    const reused = await postLeads(key, batch.slice(1), headers);

    expect(first.status).toBe(200);
    expect(first.json.results.map((r: { status: string }) => r.status)).toEqual(['created', 'invalid', 'created']);
    expect(retry.status).toBe(200);
    expect(retry.json).toEqual(first.json);
    expect(reused.status).toBe(422);
    expect(await inboxNamed(name)).toHaveLength(2);
  });

  it('refuses a missing or revoked key with 401 and stores nothing', async () => {
    const { id, key, keyId } = await newAgency();
    const name = unique();
    const lead = [{ contact: { lastName: name } }];

    const revoke = await call('DELETE', `/v1/agencies/${id}/keys/${keyId}`, { token: stack.adminToken });
    const revokedKey = await postLeads(key, lead);
    const noKey = await call('POST', '/v1/agency/leads', { body: { leads: lead } });
    const userToken = await postLeads(stack.adminToken, lead);
    const unknownKey = await call('DELETE', `/v1/agencies/${id}/keys/01UNKNOWN`, { token: stack.adminToken });
    const read = await call('GET', `/v1/agencies/${id}`, { token: stack.adminToken });

    expect(revoke.status).toBe(204);
    for (const refused of [revokedKey, noKey, userToken]) {
      expect(refused.status).toBe(401);
      expect(refused.headers.get('content-type')).toBe('application/problem+json');
      expect(refused.json).toMatchObject({ type: '/problems/invalid-api-key', status: 401 });
    }
    expect(unknownKey.status).toBe(404);
    expect(read.json.keys[0].revokedAt).toEqual(expect.any(String));
    expect(await inboxNamed(name)).toHaveLength(0);
  });

  it('refuses more than 100 leads, or a body without leads, as a whole', async () => {
    const { key } = await newAgency();
    const name = unique();

    const tooMany = await postLeads(
      key,
      Array.from({ length: 101 }, () => ({ contact: { lastName: name } })),
    );
    const noLeads = await call('POST', '/v1/agency/leads', { token: key, body: { contact: { lastName: name } } });

    expect(tooMany.status).toBe(400);
    expect(tooMany.json.errors).toEqual([{ field: 'leads', message: 'at most 100 leads per request' }]);
    expect(noLeads.status).toBe(400);
    expect(await inboxNamed(name)).toHaveLength(0);
  });

  it('limits each agency to its leads per minute: 429 with Retry-After, and nothing stored', async () => {
    const { key } = await newAgency({ rateLimitPerMinute: 2 });
    const name = unique();
    const send = async () =>
      remember(
        await call('POST', '/v1/agency/leads', {
          retry: false,
          token: key,
          body: {
            leads: [{ contact: { lastName: name, phone: `030 ${randomUUID().replace(/\D/g, '').slice(0, 8)}` } }],
          },
        }),
      );

    // one lead at a time until the minute's two are taken (a minute that turns meanwhile counts anew)
    const answers = [await send()];
    while (answers.length < 6 && answers.at(-1)?.status === 200) answers.push(await send());
    const over = answers.at(-1);
    const stored = answers.filter((a) => a.status === 200).length;

    expect(over?.status).toBe(429);
    expect(over?.headers.get('content-type')).toBe('application/problem+json');
    expect(over?.json).toMatchObject({ type: '/problems/rate-limited', status: 429, limitPerMinute: 2 });
    expect(Number(over?.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(Number(over?.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    expect(await inboxNamed(name)).toHaveLength(stored);
  });

  it('never answered a 5xx in this file, not even one a retry hid (a busy database is a 429)', () => {
    expect(statusesSeen.length).toBeGreaterThan(0);
    expect(statusesSeen.filter((s) => s >= 500)).toEqual([]);
  });

  it('never writes a key’s secret to the stack’s logs', () => {
    expect(stack.output()).toContain('agency leads received');
    expect(stack.output()).not.toMatch(/ktk_[0-9a-z]{8}_[A-Za-z0-9_-]{43}/);
  });
});

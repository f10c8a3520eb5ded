// The inbox and web-form routes against the running local stack, bad input included: each bad
// request gets its documented 4xx and nothing is stored.
import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inboxEntries } from '../../functions/inbox/inbox-entry.entity.ts';
import { localNames } from '../../infra/local/provision.ts';
import { localAwsEnv } from '../../infra/local/services.ts';
import { untilChecked } from '../support/indexed.ts';
import { eventually, type RunningStack, startStackProcess } from '../support/local-stack-process.ts';

let stack: RunningStack;
let doc: DynamoDBDocumentClient;

// biome-ignore lint/suspicious/noExplicitAny: the tests read answers of many shapes; the assertions check them
type Answer = { status: number; headers: Headers; json: any };

const call = async (
  method: string,
  path: string,
  options: { token?: string; body?: unknown; headers?: Record<string, string>; raw?: string } = {},
): Promise<Answer> => {
  const res = await fetch(`${stack.baseUrl}${path}`, {
    method,
    redirect: 'manual',
    headers: {
      ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      ...options.headers,
    },
    ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
    ...(options.raw !== undefined ? { body: options.raw } : {}),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, json: text ? JSON.parse(text) : undefined };
};

/**
 * Every inbox entry in the table, counted straight from DynamoDB by its entity tag (a Scan: the
 * lists are sharded, and an entry joins the whole inbox only once the worker indexed it).
 */
const storedEntries = async (): Promise<number> => {
  let total = 0;
  let start: Record<string, unknown> | undefined;
  do {
    const res = await doc.send(
      new ScanCommand({
        TableName: localNames.table,
        FilterExpression: '#et = :et',
        ExpressionAttributeNames: { '#et': '_et' },
        ExpressionAttributeValues: { ':et': inboxEntries.name },
        Select: 'COUNT',
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    total += res.Count ?? 0;
    start = res.LastEvaluatedKey;
  } while (start);
  return total;
};

const unique = () =>
  randomUUID()
    .replace(/[^a-z]/g, '')
    .slice(0, 8);
const origin = 'https://www.shop.example';

beforeAll(async () => {
  stack = await startStackProcess();
  doc = DynamoDBDocumentClient.from(
    new DynamoDBClient({
      endpoint: `http://127.0.0.1:${stack.ports.dynamodb}`,
      region: localAwsEnv.AWS_REGION,
      credentials: { accessKeyId: localAwsEnv.AWS_ACCESS_KEY_ID, secretAccessKey: localAwsEnv.AWS_SECRET_ACCESS_KEY },
    }),
  );
  const form = await call('POST', '/v1/webforms', {
    token: stack.adminToken,
    body: {
      key: 'shop',
      name: 'Shop contact',
      allowedOrigins: [origin],
      fieldMapping: { vorname: 'firstName', nachname: 'lastName', mail: 'email', firma: 'companyName', ok: 'consent' },
      thankYouUrl: 'https://www.shop.example/danke',
      consentText: 'Ja, ich willige ein.',
      minFillSeconds: 0,
    },
  });
  expect(form.status).toBe(201);
});

afterAll(async () => {
  await stack?.stop();
});

describe('web-form configuration', () => {
  it('is admin only, validated, and versioned', async () => {
    const key = `f${unique()}`;
    const body = { key, name: 'Form', fieldMapping: { email: 'email' } };

    const bySales = await call('POST', '/v1/webforms', { token: stack.salesToken, body });
    const created = await call('POST', '/v1/webforms', { token: stack.adminToken, body });
    const again = await call('POST', '/v1/webforms', { token: stack.adminToken, body });
    const badOrigin = await call('POST', '/v1/webforms', {
      token: stack.adminToken,
      body: { ...body, key: `g${unique()}`, allowedOrigins: ['https://x.example/path'] },
    });
    const badPriority = await call('POST', '/v1/webforms', {
      token: stack.adminToken,
      body: { ...body, key: `h${unique()}`, defaultPriority: 'whenever' },
    });
    const badUser = await call('POST', '/v1/webforms', {
      token: stack.adminToken,
      body: { ...body, key: `i${unique()}`, responsibleUserId: 'nobody' },
    });
    const patched = await call('PATCH', `/v1/webforms/${key}`, {
      token: stack.adminToken,
      body: { version: 1, name: 'Renamed' },
    });
    const stale = await call('PATCH', `/v1/webforms/${key}`, {
      token: stack.adminToken,
      body: { version: 1, name: 'Again' },
    });
    const readOnly = await call('PATCH', `/v1/webforms/${key}`, {
      token: stack.adminToken,
      body: { version: 2, key: 'other' },
    });
    const read = await call('GET', `/v1/webforms/${key}`, { token: stack.adminToken });

    expect(bySales.status).toBe(403);
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ key, honeypotField: 'website', minFillSeconds: 3, version: 1 });
    expect(created.json).not.toHaveProperty('signingSecret');
    expect(again.status).toBe(409);
    expect(badOrigin.status).toBe(400);
    expect(badOrigin.json.errors[0].field).toBe('allowedOrigins.0');
    expect(badPriority.status).toBe(422);
    expect(badPriority.json.errors[0].field).toBe('defaultPriority');
    expect(badUser.status).toBe(422);
    expect(patched.json).toMatchObject({ name: 'Renamed', version: 2 });
    expect(stale.status).toBe(409);
    expect(readOnly.status).toBe(400);
    expect(readOnly.json.errors).toEqual([{ field: 'key', message: 'is read-only' }]);
    expect(read.json).toMatchObject({ name: 'Renamed', version: 2 });
  });
});

describe('web-form submissions', () => {
  it('answers the form’s origin with CORS, captures consent and UTM, and redirects HTML posts', async () => {
    const last = `Cors${unique()}`;
    const preflight = await call('OPTIONS', '/v1/webforms/shop/submissions', {
      headers: { origin, 'access-control-request-method': 'POST' },
    });
    const json = await call('POST', '/v1/webforms/shop/submissions', {
      headers: { origin },
      body: { nachname: last, mail: `${last}@example.com`, ok: 'yes', utm_source: 'ads', pageUrl: `${origin}/kontakt` },
    });
    const html = await call('POST', '/v1/webforms/shop/submissions', {
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      raw: `nachname=${last}Html&mail=html%40example.com`,
    });
    const entry = await call('GET', `/v1/inbox/${json.json.id}`, { token: stack.salesToken });

    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(origin);
    expect(preflight.headers.get('access-control-allow-headers')).toContain('idempotency-key');
    expect(json.status).toBe(201);
    expect(json.headers.get('access-control-allow-origin')).toBe(origin);
    expect(html.status).toBe(303);
    expect(html.headers.get('location')).toBe('https://www.shop.example/danke');
    expect(entry.json).toMatchObject({
      source: 'webform',
      contact: { lastName: last, email: `${last}@example.com` },
      consent: { text: 'Ja, ich willige ein.', givenAt: expect.any(String) },
      tracking: { pageUrl: `${origin}/kontakt`, utm: { source: 'ads' } },
    });
  });

  it('refuses other origins, unknown forms and bad input, storing nothing', async () => {
    const before = await storedEntries();

    const preflight = await call('OPTIONS', '/v1/webforms/shop/submissions', {
      headers: { origin: 'https://evil.example' },
    });
    const foreign = await call('POST', '/v1/webforms/shop/submissions', {
      headers: { origin: 'https://evil.example' },
      body: { nachname: 'Evil', mail: 'e@example.com' },
    });
    const unknown = await call('POST', '/v1/webforms/nope/submissions', { body: { nachname: 'X' } });
    const badEmail = await call('POST', '/v1/webforms/shop/submissions', {
      headers: { origin },
      body: { nachname: 'X', mail: 'nope' },
    });
    const badJson = await call('POST', '/v1/webforms/shop/submissions', {
      headers: { 'content-type': 'application/json' },
      raw: '{"nachname":',
    });
    const badType = await call('POST', '/v1/webforms/shop/submissions', {
      headers: { 'content-type': 'text/csv' },
      raw: 'a,b',
    });
    const tooBig = await call('POST', '/v1/webforms/shop/submissions', {
      body: { nachname: 'X', note: 'y'.repeat(1_100_000) },
    });
    const nested = await call('POST', '/v1/webforms/shop/submissions', { body: { nachname: { a: 1 } } });

    expect(preflight.status).toBe(403);
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    expect(foreign.status).toBe(403);
    expect(foreign.json.type).toBe('/problems/origin-not-allowed');
    expect(unknown.status).toBe(404);
    expect(badEmail.status).toBe(400);
    expect(badEmail.json.errors).toEqual([{ field: 'mail', message: 'not a valid email address' }]);
    expect(badEmail.headers.get('access-control-allow-origin')).toBe(origin);
    expect(badJson.status).toBe(400);
    expect(badType.status).toBe(415);
    expect(tooBig.status).toBe(413);
    expect(nested.status).toBe(400);
    expect(nested.json.errors[0].field).toBe('nachname');
    expect(await storedEntries()).toBe(before);
  });

  it('answers a retried post with the first answer, and refuses the key for another request', async () => {
    const key = randomUUID();
    const body = { nachname: `Retry${unique()}`, mail: 'retry@example.com' };
    const before = await storedEntries();

    const answers = await Promise.all(
      Array.from({ length: 5 }, () =>
        call('POST', '/v1/webforms/shop/submissions', { headers: { 'idempotency-key': key }, body }),
      ),
    );
    const later = await call('POST', '/v1/webforms/shop/submissions', { headers: { 'idempotency-key': key }, body });
    const misuse = await call('POST', '/v1/webforms/shop/submissions', {
      headers: { 'idempotency-key': key },
      body: { ...body, nachname: 'Other' },
    });

    expect(answers.map((a) => a.status)).toEqual([201, 201, 201, 201, 201]);
    expect(new Set([...answers, later].map((a) => a.json.id)).size).toBe(1);
    expect(misuse.status).toBe(422);
    expect(await storedEntries()).toBe(before + 1);
  });

  it('answers spam like a lead, keeps it archived and out of the default list and search', async () => {
    const last = `Spam${unique()}`;
    const spam = await call('POST', '/v1/webforms/shop/submissions', {
      body: { nachname: last, mail: 'bot@example.com', website: 'http://buy.example' },
    });
    const stored = await call('GET', `/v1/inbox/${spam.json.id}`, { token: stack.salesToken });
    const defaultList = await call('GET', '/v1/inbox?limit=100', { token: stack.salesToken });
    const search = await call('GET', `/v1/inbox?q=${last}`, { token: stack.salesToken });
    const spamList = await call('GET', '/v1/inbox?archiveReason=spam', { token: stack.salesToken });

    expect(spam.status).toBe(201);
    expect(Object.keys(spam.json)).toEqual(['id']);
    expect(stored.json).toMatchObject({
      processingStatus: 'archived',
      archiveReason: 'spam',
      duplicateCheck: { status: 'done', candidates: [] },
    });
    expect(defaultList.json.items.map((e: { id: string }) => e.id)).not.toContain(spam.json.id);
    expect(search.json.items).toEqual([]);
    expect(spamList.json.items.map((e: { id: string }) => e.id)).toContain(spam.json.id);
  });
});

describe('the inbox', () => {
  it('creates entries by hand, with its lists and the users they name checked', async () => {
    const last = `Hand${unique()}`;
    const before = await storedEntries();

    const created = await call('POST', '/v1/inbox', {
      token: stack.salesToken,
      body: {
        contact: { lastName: last, email: `${last}@example.com` },
        expectedBudget: { amount: 1250.5, currency: 'EUR' },
      },
    });
    const badSource = await call('POST', '/v1/inbox', {
      token: stack.salesToken,
      body: { contact: { lastName: 'X' }, source: 'tv' },
    });
    const badUser = await call('POST', '/v1/inbox', {
      token: stack.salesToken,
      body: { contact: { lastName: 'X' }, responsibleUserId: 'ghost' },
    });
    const noContact = await call('POST', '/v1/inbox', {
      token: stack.salesToken,
      body: { contact: { firstName: 'Only' } },
    });
    const badMoney = await call('POST', '/v1/inbox', {
      token: stack.salesToken,
      body: { contact: { lastName: 'X' }, expectedBudget: { amount: -1, currency: 'euro' } },
    });
    const noToken = await call('POST', '/v1/inbox', { body: { contact: { lastName: 'X' } } });

    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({
      source: 'cold_acquisition',
      priority: 'normal',
      processingStatus: 'new',
      expectedBudget: { amount: 1250.5, currency: 'EUR' },
      statusHistory: [{ status: 'new', userId: 'demo-sales' }],
    });
    expect(badSource.status).toBe(422);
    expect(badSource.json.errors[0].field).toBe('source');
    expect(badUser.status).toBe(422);
    expect(noContact.status).toBe(400);
    expect(badMoney.json.errors.map((e: { field: string }) => e.field).sort()).toEqual([
      'expectedBudget.amount',
      'expectedBudget.currency',
    ]);
    expect(noToken.status).toBe(401);
    expect(await storedEntries()).toBe(before + 1);
  });

  it('lists newest first with filters and cursor pages, and finds entries by folded prefixes', async () => {
    const tag = unique();
    const ids: string[] = [];
    for (const name of ['Müller', 'Mueller', 'Meier']) {
      const res = await call('POST', '/v1/inbox', {
        token: stack.salesToken,
        body: { contact: { lastName: name, companyName: `Co${tag}` }, priority: 'high' },
      });
      ids.push(res.json.id);
    }
    // the worker indexes each entry before a search finds it
    await untilChecked(stack, ids);

    const search = await call('GET', `/v1/inbox?q=mue%20co${tag}`, { token: stack.salesToken });
    const page1 = await call('GET', `/v1/inbox?q=co${tag}&limit=2`, { token: stack.salesToken });
    const page2 = await call('GET', `/v1/inbox?q=co${tag}&limit=2&cursor=${page1.json.nextCursor}`, {
      token: stack.salesToken,
    });
    const high = await call('GET', '/v1/inbox?priority=high&processingStatus=new&limit=100', {
      token: stack.salesToken,
    });
    const future = await call('GET', '/v1/inbox?createdFrom=2199-01-01', { token: stack.salesToken });
    const tooShort = await call('GET', '/v1/inbox?q=m', { token: stack.salesToken });
    const tooMany = await call('GET', '/v1/inbox?limit=101', { token: stack.salesToken });
    const badCursor = await call('GET', '/v1/inbox?cursor=bogus', { token: stack.salesToken });
    const unknownFilter = await call('GET', '/v1/inbox?colour=red', { token: stack.salesToken });

    expect(search.json.items.map((e: { id: string }) => e.id).sort()).toEqual([ids[0], ids[1]].sort());
    expect([...page1.json.items, ...page2.json.items].map((e: { id: string }) => e.id).sort()).toEqual([...ids].sort());
    expect(high.json.items.map((e: { id: string }) => e.id).slice(0, 3)).toEqual([...ids].reverse());
    expect(future.json.items).toEqual([]);
    expect(tooShort.status).toBe(400);
    expect(tooMany.status).toBe(400);
    expect(badCursor.json.errors[0].field).toBe('cursor');
    expect(unknownFilter.status).toBe(400);
  });

  it('changes an entry by merge patch with its version; a contact change re-runs the duplicate check', async () => {
    const created = await call('POST', '/v1/inbox', {
      token: stack.salesToken,
      body: { contact: { lastName: `Patch${unique()}` } },
    });
    const id = created.json.id;
    await eventually(async () =>
      (await call('GET', `/v1/inbox/${id}`, { token: stack.salesToken })).json.duplicateCheck.status === 'done'
        ? true
        : undefined,
    );

    const noVersion = await call('PATCH', `/v1/inbox/${id}`, { token: stack.salesToken, body: { title: 'x' } });
    const readOnly = await call('PATCH', `/v1/inbox/${id}`, {
      token: stack.salesToken,
      body: { version: 1, createdAt: 'now' },
    });
    const badStatus = await call('PATCH', `/v1/inbox/${id}`, {
      token: stack.salesToken,
      body: { version: 1, processingStatus: 'converted' },
    });
    const assigned = await call('PATCH', `/v1/inbox/${id}`, {
      token: stack.salesToken,
      body: {
        version: 1,
        responsibleUserId: 'demo-sales',
        contact: { email: 'neu@example.com' },
        title: 'Anfrage Dach',
      },
    });
    const stale = await call('PATCH', `/v1/inbox/${id}`, {
      token: stack.salesToken,
      body: { version: 1, title: 'lost update' },
    });
    const working = await call('PATCH', `/v1/inbox/${id}`, {
      token: stack.salesToken,
      body: { version: 2, processingStatus: 'in_progress' },
    });
    const rechecked = await eventually(async () => {
      const res = await call('GET', `/v1/inbox/${id}`, { token: stack.salesToken });
      return res.json.duplicateCheck.status === 'done' ? res.json : undefined;
    });
    const mine = await call('GET', '/v1/inbox?responsibleUserId=demo-sales&limit=100', { token: stack.salesToken });

    expect(noVersion.status).toBe(400);
    expect(noVersion.json.errors[0].field).toBe('version');
    expect(readOnly.json.errors).toEqual([{ field: 'createdAt', message: 'is read-only' }]);
    expect(badStatus.status).toBe(400);
    expect(assigned.json).toMatchObject({
      processingStatus: 'assigned',
      title: 'Anfrage Dach',
      version: 2,
      duplicateCheck: { status: 'pending' },
    });
    expect(stale.status).toBe(409);
    expect(working.json).toMatchObject({ processingStatus: 'in_progress', version: 3 });
    expect(rechecked.title).toBe('Anfrage Dach');
    expect(rechecked.contact.email).toBe('neu@example.com');
    expect(rechecked.statusHistory.map((s: { status: string }) => s.status)).toEqual([
      'new',
      'assigned',
      'in_progress',
    ]);
    expect(mine.json.items.map((e: { id: string }) => e.id)).toContain(id);
  });

  it('archives with a reason and reopens', async () => {
    const created = await call('POST', '/v1/inbox', {
      token: stack.salesToken,
      body: { contact: { lastName: `Arch${unique()}` } },
    });
    const id = created.json.id;

    const noReason = await call('POST', `/v1/inbox/${id}/archive`, { token: stack.salesToken, body: {} });
    const archived = await call('POST', `/v1/inbox/${id}/archive`, {
      token: stack.salesToken,
      body: { reason: 'no_interest' },
    });
    const edit = await call('PATCH', `/v1/inbox/${id}`, { token: stack.salesToken, body: { version: 2, title: 'x' } });
    const listed = await call('GET', '/v1/inbox?processingStatus=archived&limit=100', { token: stack.salesToken });
    const reopened = await call('POST', `/v1/inbox/${id}/reopen`, { token: stack.salesToken });
    const reopenAgain = await call('POST', `/v1/inbox/${id}/reopen`, { token: stack.salesToken });
    const missing = await call('POST', '/v1/inbox/NOPE/reopen', { token: stack.salesToken });

    expect(noReason.status).toBe(400);
    expect(archived.json).toMatchObject({ processingStatus: 'archived', archiveReason: 'no_interest' });
    expect(edit.status).toBe(409);
    expect(listed.json.items.map((e: { id: string }) => e.id)).toContain(id);
    expect(reopened.json).toMatchObject({ processingStatus: 'reopened', archiveReason: null });
    expect(reopenAgain.status).toBe(409);
    expect(missing.status).toBe(404);
  });
});

describe('settings and the API description', () => {
  it('serves the default lists, lets admins change them, and enforces them', async () => {
    const sources = await call('GET', '/v1/settings/sources', { token: stack.salesToken });
    const bySales = await call('PUT', '/v1/settings/sources', { token: stack.salesToken, body: { items: ['x'] } });
    const dupes = await call('PUT', '/v1/settings/sources', {
      token: stack.adminToken,
      body: { items: ['fair', 'fair'] },
    });
    const unknown = await call('GET', '/v1/settings/colours', { token: stack.salesToken });
    const changed = await call('PUT', '/v1/settings/sources', {
      token: stack.adminToken,
      body: { items: [...sources.json.items, 'trade_fair'] },
    });
    const fromFair = await call('POST', '/v1/inbox', {
      token: stack.salesToken,
      body: { contact: { lastName: 'Fair' }, source: 'trade_fair' },
    });
    const priorities = await call('GET', '/v1/settings/priorities', { token: stack.salesToken });

    expect(sources.json.items).toEqual(['facebook', 'webform', 'lead_agency', 'csv', 'cold_acquisition', 'email']);
    expect(bySales.status).toBe(403);
    expect(dupes.status).toBe(400);
    expect(unknown.status).toBe(400);
    expect(changed.json.items).toContain('trade_fair');
    expect(fromFair.status).toBe(201);
    expect(priorities.json.items).toEqual(['low', 'normal', 'high', 'urgent']);
  });

  it('describes every route in /v1/openapi.json', async () => {
    const doc = await call('GET', '/v1/openapi.json');

    expect(doc.status).toBe(200);
    expect(doc.json.openapi).toBe('3.1.0');
    expect(Object.keys(doc.json.paths)).toEqual(
      expect.arrayContaining([
        '/v1/inbox',
        '/v1/inbox/{id}',
        '/v1/webforms/{formKey}/submissions',
        '/v1/settings/{list}',
      ]),
    );
  });
});

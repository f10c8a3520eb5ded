// One request per class of hostile input the issue found, against the running local stack: each is
// a 4xx that names the field (or the gateway's own answer) and stores nothing, where it used to be a
// 500, a stored lead with a dangerous link, or accepted work a worker could not do.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { watchStack } from '../fuzz/stack-watch.ts';
import { type RunningStack, startStackProcess } from '../support/local-stack-process.ts';

let stack: RunningStack;
let watch: Awaited<ReturnType<typeof watchStack>>;

// biome-ignore lint/suspicious/noExplicitAny: the tests read answers of many shapes; the assertions check them
type Answer = { status: number; type: string; json: any };

const call = async (
  method: string,
  path: string,
  options: {
    token?: string | null;
    body?: unknown;
    raw?: string;
    type?: string;
    headers?: Record<string, string>;
  } = {},
): Promise<Answer> => {
  const token = options.token === undefined ? stack.adminToken : options.token;
  const text = options.raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
  const res = await fetch(`${stack.baseUrl}${path}`, {
    method,
    redirect: 'manual',
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(text === undefined ? {} : { 'content-type': options.type ?? 'application/json' }),
      ...options.headers,
    },
    ...(text === undefined ? {} : { body: text }),
  });
  const body = await res.text();
  return { status: res.status, type: res.headers.get('content-type') ?? '', json: body ? JSON.parse(body) : null };
};

const fields = (answer: Answer): string[] => (answer.json?.errors ?? []).map((e: { field: string }) => e.field);

/** The request is refused with a problem naming `field`, and wrote nothing to the table. */
const refusedNaming = async (request: Promise<Answer>, field: string, status = 400): Promise<void> => {
  await watch.writes();
  const answer = await request;
  expect(answer.status, JSON.stringify(answer.json)).toBe(status);
  expect(answer.type).toContain('application/problem+json');
  expect(fields(answer)).toContain(field);
  expect(await watch.writes()).toEqual([]);
};

const created = async (method: string, path: string, body: unknown): Promise<string> => {
  const res = await call(method, path, { body });
  expect(res.status, JSON.stringify(res.json)).toBeLessThan(300);
  return res.json.id;
};

beforeAll(async () => {
  stack = await startStackProcess({ env: { KONTAKT_POLLER_CONCURRENCY: '0', KONTAKT_SCHEDULE_SECONDS: '86400' } });
  watch = await watchStack(stack.ports);
});

afterAll(async () => {
  watch?.close();
  await stack?.stop();
});

describe('a search that folds to nothing', () => {
  it.each(['/v1/inbox', '/v1/persons', '/v1/companies'])('is 400 naming q on %s', async (list) => {
    for (const q of ['--', '€€', '😀😀']) {
      await refusedNaming(call('GET', `${list}?q=${encodeURIComponent(q)}`), 'q');
    }
  });
});

describe('ranges and dates', () => {
  it('refuses a from after its to, on every list with a range', async () => {
    await refusedNaming(call('GET', '/v1/inbox?createdFrom=2026-02-01&createdTo=2026-01-01'), 'createdTo');
    await refusedNaming(
      call('GET', '/v1/activities?responsibleUserId=demo-admin&dueFrom=2026-02-01T00:00Z&dueTo=2026-01-31'),
      'dueTo',
    );
  });

  it('refuses impossible dates as filters and as fields', async () => {
    await refusedNaming(call('GET', '/v1/inbox?createdFrom=2023-02-30'), 'createdFrom');
    await refusedNaming(call('GET', '/v1/activities?responsibleUserId=demo-admin&dueTo=2023-02-29'), 'dueTo');
    await refusedNaming(
      call('POST', '/v1/opportunities', { body: { title: 'X', closeDate: '2023-02-30' } }),
      'closeDate',
    );
    await refusedNaming(
      call('POST', '/v1/activities', { body: { type: 'call', subject: 'X', dueAt: '2023-02-30T09:00:00Z' } }),
      'dueAt',
    );
    await refusedNaming(
      call('POST', '/v1/inbox', { body: { contact: { lastName: 'X', birthday: '0001-01-01' } } }),
      'contact.birthday',
    );
  });

  it('refuses an activity plan from 0001-01-01 at the door instead of accepting work the worker cannot do', async () => {
    const opportunity = await created('POST', '/v1/opportunities', { title: 'Plan', stage: 'deal' });

    await refusedNaming(
      call('POST', `/v1/opportunities/${opportunity}/activity-plan`, { body: { startDate: '0001-01-01' } }),
      'startDate',
    );
    await refusedNaming(
      call('POST', `/v1/opportunities/${opportunity}/activity-plan`, { body: { startDate: '2023-02-29' } }),
      'startDate',
    );
  });
});

describe('numbers no field can hold', () => {
  it.each(['1e200', '1e-200', '123456789012345678901234567890123456789012', '12.345'])(
    'refuses %s as money, naming the amount',
    async (amount) => {
      await refusedNaming(
        call('POST', '/v1/inbox', {
          raw: `{"contact":{"lastName":"X"},"expectedBudget":{"amount":${amount},"currency":"EUR"}}`,
        }),
        'expectedBudget.amount',
      );
    },
  );

  it('refuses 1e200 in a web-form field', async () => {
    await refusedNaming(
      call('POST', '/v1/webforms/demo/submissions', { token: null, raw: '{"lastName":"X","age":1e200}' }),
      'age',
    );
  });
});

describe('field names a plain object owns, and empty ones', () => {
  it.each([
    [
      'a web-form submission',
      'POST',
      '/v1/webforms/demo/submissions',
      '{"lastName":"X","constructor":"y"}',
      'constructor',
    ],
    ['a web-form submission', 'POST', '/v1/webforms/demo/submissions', '{"lastName":"X","__proto__":"y"}', '__proto__'],
    ['a web-form submission', 'POST', '/v1/webforms/demo/submissions', '{"lastName":"X","":"y"}', '(empty)'],
    [
      'a web-form mapping',
      'POST',
      '/v1/webforms',
      '{"key":"odd","name":"Odd","fieldMapping":{"constructor":"email"}}',
      'fieldMapping.constructor',
    ],
    [
      'an import mapping',
      'POST',
      '/v1/imports',
      '{"filename":"a.csv","mapping":{"__proto__":"email"}}',
      'mapping.__proto__',
    ],
  ])('are 400 in %s (%s)', async (_, method, path, raw, field) => {
    await refusedNaming(
      call(method, path, { raw, token: path.includes('submissions') ? null : stack.adminToken }),
      field,
    );
  });

  it('are refused in a form post too', async () => {
    await refusedNaming(
      call('POST', '/v1/webforms/demo/submissions', {
        token: null,
        raw: 'lastName=X&constructor=1',
        type: 'application/x-www-form-urlencoded',
      }),
      'constructor',
    );
  });
});

describe('structure', () => {
  it('refuses a body nested 10,000 levels (hashed for Idempotency-Key) with 400', async () => {
    await watch.writes();
    const answer = await call('POST', '/v1/webforms/demo/submissions', {
      token: null,
      raw: `{"lastName":"X","a":${'['.repeat(10_000)}${']'.repeat(10_000)}}`,
      headers: { 'idempotency-key': 'deep-1' },
    });

    expect(answer.status).toBe(400);
    expect(answer.json.errors).toEqual([
      { field: expect.stringMatching(/^a(\.0)+$/), message: 'is nested deeper than 32 levels' },
    ]);
    expect(await watch.writes()).toEqual([]);
  });

  it('refuses a web-form post bigger than one stored entry can hold with 413, and a mapping of thousands of fields with 400', async () => {
    const fields = Object.fromEntries(Array.from({ length: 60 }, (_, i) => [`f${i}`, 'x'.repeat(9000)]));
    const mapping = Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`f${i}`, 'message']));

    await watch.writes();
    const big = await call('POST', '/v1/webforms/demo/submissions', {
      token: null,
      body: { lastName: 'Big', ...fields },
    });
    expect(big).toMatchObject({ status: 413, type: 'application/problem+json' });
    expect(await watch.writes()).toEqual([]);
    await refusedNaming(
      call('POST', '/v1/webforms', { body: { key: 'wide', name: 'Wide', fieldMapping: mapping } }),
      'fieldMapping',
    );
  });

  it('refuses a forged cursor carrying other keys, naming cursor', async () => {
    const forged = Buffer.from(
      JSON.stringify({ pk: 'INBOX#x', sk: 'INBOX', gsi4pk: 'INBOX', gsi4sk: 'x', ttl: '1' }),
      'utf8',
    ).toString('base64url');
    for (const list of ['/v1/inbox', '/v1/persons', '/v1/companies', '/v1/pipelines', '/v1/users', '/v1/emails']) {
      await refusedNaming(call('GET', `${list}?cursor=${forged}`), 'cursor');
    }
    await refusedNaming(call('GET', `/v1/activities?responsibleUserId=demo-admin&cursor=${forged}`), 'cursor');
    // a sharded list's cursor names its list: another list's, or one with more in it, is refused too
    const merged = (value: unknown) => Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
    await refusedNaming(call('GET', `/v1/inbox?cursor=${merged({ list: 'EMAILS', after: 'x' })}`), 'cursor');
    await refusedNaming(call('GET', `/v1/emails?cursor=${merged({ list: 'INBOX', after: 'x' })}`), 'cursor');
    await refusedNaming(call('GET', `/v1/inbox?cursor=${merged({ list: 'INBOX', after: 'x', pk: 'y' })}`), 'cursor');
  });

  it('answers a path that is not percent-encoding with the gateway’s own 400, never a 500', async () => {
    for (const path of ['/v1/inbox/%E0%A4%A', '/v1/persons/%zz', '/v1/webforms/%/embed.js']) {
      const answer = await call('GET', path);
      expect(answer).toMatchObject({ status: 400, json: { message: 'Bad Request' } });
    }
  });
});

describe('hygiene', () => {
  it.each([
    ['a NUL in a name', { contact: { lastName: 'Mu\u0000ller' } }, 'contact.lastName'],
    ['a bidi override in a name', { contact: { lastName: 'gpj.\u202eexe' } }, 'contact.lastName'],
    ['an escape sequence in a message', { contact: { lastName: 'X' }, message: 'a\u001b[31m' }, 'message'],
  ])('refuses %s, naming the field', async (_, body, field) => {
    await refusedNaming(call('POST', '/v1/inbox', { body }), field);
  });

  it('keeps line breaks in a message', async () => {
    const res = await call('POST', '/v1/inbox', {
      body: { contact: { lastName: 'X' }, message: 'Zeile 1\r\nZeile 2' },
    });

    expect(res.status).toBe(201);
    expect(res.json.message).toBe('Zeile 1\r\nZeile 2');
  });

  it('drops a javascript: page address from a web-form lead, keeping the lead', async () => {
    const res = await call('POST', '/v1/webforms/demo/submissions', {
      token: null,
      body: { lastName: 'Link', pageUrl: 'javascript:alert(document.cookie)' },
    });
    const entry = await call('GET', `/v1/inbox/${res.json.id}`);

    expect(res.status).toBe(201);
    expect(entry.json.tracking).toBeUndefined();
  });

  it('refuses a web form whose honeypot is one of its fields, naming honeypotField', async () => {
    await refusedNaming(
      call('POST', '/v1/webforms', {
        body: { key: 'honey', name: 'Honey', fieldMapping: { email: 'email' }, honeypotField: 'email' },
      }),
      'honeypotField',
    );
    await refusedNaming(
      call('PATCH', '/v1/webforms/demo', { body: { version: 1, honeypotField: 'lastName' } }),
      'honeypotField',
    );
  });
});

describe('lists', () => {
  it('pages the pipelines with limit and cursor as every list does', async () => {
    const first = await call('GET', '/v1/pipelines?limit=1');
    const second = await call('GET', `/v1/pipelines?limit=1&cursor=${first.json.nextCursor}`);
    const all = await call('GET', '/v1/pipelines?limit=100');

    expect(first.status).toBe(200);
    expect(first.json.items).toHaveLength(1);
    expect(second.json.items).toHaveLength(1);
    expect(second.json.items[0].id).not.toBe(first.json.items[0].id);
    expect(all.json.items.map((p: { id: string }) => p.id).slice(0, 2)).toEqual([
      first.json.items[0].id,
      second.json.items[0].id,
    ]);
    expect(all.json.nextCursor).toBeNull();
  });
});

// The HTTP edge's one hygiene check: what no field may hold is a 400 naming the field, before any
// schema, hash or use case sees it; multi-line fields keep their line breaks.
import { describe, expect, it, vi } from 'vitest';
import * as z from 'zod/mini';
import { httpRouter } from '../../../functions/shared/aws-http.ts';
import { route } from '../../../functions/shared/http.ts';
import { inputProblems } from '../../../functions/shared/validation.ts';
import { apiEvent, lambdaContext } from '../../support/events.ts';

const users = { findUser: async () => null };
const Anything = z.record(z.string(), z.unknown());
const stored = vi.fn(async (request: { body: unknown }) => ({ status: 201, body: { got: request.body } }));

const handler = httpRouter(
  {
    'POST /v1/things': route({ summary: 'test', auth: 'public', body: Anything, accepts: ['json', 'form'] }, stored),
    'POST /v1/forms': route(
      { summary: 'test', auth: 'public', body: Anything, accepts: ['json', 'form'], hygiene: { multiLine: 'any' } },
      stored,
    ),
    'POST /v1/batches': route({ summary: 'test', auth: 'public', body: Anything, hygiene: 'per-item' }, stored),
    'POST /v1/envelopes': route(
      { summary: 'test', auth: 'public', body: z.strictObject({ leads: z.array(z.unknown()) }), hygiene: 'per-item' },
      stored,
    ),
    'GET /v1/things/{id}': route(
      {
        summary: 'test',
        auth: 'public',
        path: z.object({ id: z.string() }),
        query: z.object({ q: z.optional(z.string()) }),
      },
      async () => ({ status: 200, body: {} }),
    ),
  },
  users,
);

const post = async (routeKey: string, body: string, headers: Record<string, string> = {}) => {
  const res = await handler(apiEvent({ routeKey, body, headers }), lambdaContext());
  return { status: res.statusCode, type: res.headers['content-type'], json: res.body ? JSON.parse(res.body) : null };
};

const nested = (levels: number): string => `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`;

describe('input hygiene at the HTTP edge', () => {
  it.each([
    ['a NUL', { lastName: 'Mu\u0000ller' }, 'lastName'],
    ['a bell', { contact: { firstName: 'Ma\u0007x' } }, 'contact.firstName'],
    ['DEL', { city: 'K\u007föln' }, 'city'],
    ['a C1 control', { city: 'K\u0085öln' }, 'city'],
    ['a right-to-left override', { lastName: 'gpj.\u202eexe' }, 'lastName'],
    ['a bidi isolate', { lastName: 'a\u2066b' }, 'lastName'],
    ['a line break in a one-line field', { lastName: 'Muster\nmann' }, 'lastName'],
    ['a control character in a multi-line field', { message: 'Hallo\u001b[31m' }, 'message'],
    ['a lone surrogate', { lastName: 'a\ud800b' }, 'lastName'],
    ['a control character in a list', { tags: ['ok', 'b\u0000ad'] }, 'tags.1'],
  ])('refuses %s with 400 naming the field, and never runs the use case', async (_, body, field) => {
    stored.mockClear();

    const res = await post('POST /v1/things', JSON.stringify(body));

    expect(res.status).toBe(400);
    expect(res.type).toBe('application/problem+json');
    expect(res.json.errors).toContainEqual({ field, message: expect.any(String) });
    expect(stored).not.toHaveBeenCalled();
  });

  it('keeps line breaks and tabs in multi-line fields', async () => {
    const res = await post('POST /v1/things', JSON.stringify({ message: 'Guten Tag,\r\n\tbitte ein Angebot.\n' }));

    expect(res.status).toBe(201);
    expect(res.json.got.message).toBe('Guten Tag,\r\n\tbitte ein Angebot.\n');
  });

  it('lets a form route take line breaks in any field, still refusing other controls', async () => {
    const ok = await post('POST /v1/forms', 'nachricht=Zeile+1%0D%0AZeile+2', {
      'content-type': 'application/x-www-form-urlencoded',
    });
    const bad = await post('POST /v1/forms', 'nachricht=a%00b', {
      'content-type': 'application/x-www-form-urlencoded',
    });

    expect(ok.status).toBe(201);
    expect(bad.status).toBe(400);
    expect(bad.json.errors).toEqual([{ field: 'nachricht', message: expect.stringContaining('control characters') }]);
  });

  it.each([
    ['__proto__', '{"__proto__":{"admin":true}}', '__proto__'],
    ['constructor', '{"constructor":"x"}', 'constructor'],
    ['prototype', '{"a":{"prototype":1}}', 'a.prototype'],
    ['an empty name', '{"":"x"}', '(empty)'],
    ['a name with a control character', '{"a\\u0000b":"x"}', 'a\\u0000b'],
  ])('refuses the field name %s', async (_, body, field) => {
    const res = await post('POST /v1/things', body);

    expect(res.status).toBe(400);
    expect(res.json.errors).toEqual([{ field, message: 'is not a field name Kontakt accepts' }]);
  });

  it('refuses reserved names in a form post too', async () => {
    const res = await post('POST /v1/forms', 'constructor=1&email=a%40b.de', {
      'content-type': 'application/x-www-form-urlencoded',
    });

    expect(res.status).toBe(400);
    expect(res.json.errors).toEqual([{ field: 'constructor', message: 'is not a field name Kontakt accepts' }]);
  });

  it.each([
    ['1e200', 'n', 1e200],
    ['1e-200', 'n', 1e-200],
    ['42 digits', 'n', '123456789012345678901234567890123456789012'],
    ['1e400 (Infinity once parsed)', 'n', '1e400'],
  ])('refuses the number %s', async (_, field, value) => {
    const res = await post('POST /v1/things', `{"${field}":${String(value)}}`);

    expect(res.status).toBe(400);
    expect(res.json.errors).toEqual([{ field, message: expect.any(String) }]);
  });

  it('refuses a body nested 10,000 levels with 400 instead of overflowing the stack', async () => {
    const res = await post('POST /v1/things', nested(10_000));

    expect(res.status).toBe(400);
    expect(res.json.errors[0].message).toContain('nested deeper than 32 levels');
  });

  it('takes 32 levels of nesting', async () => {
    expect((await post('POST /v1/things', nested(31))).status).toBe(201);
  });

  it('leaves a batch answered per item to its use case, refusing only the nesting', async () => {
    const items = await post('POST /v1/batches', JSON.stringify({ leads: [{ lastName: 'a\u0000b' }] }));
    const deep = await post('POST /v1/batches', nested(1000));

    expect(items.status).toBe(201);
    expect(deep.status).toBe(400);
  });

  it('names an unknown empty field as (empty), never as a blank field', async () => {
    const res = await post('POST /v1/envelopes', '{"leads":[],"":1}');

    expect(res.status).toBe(400);
    expect(res.json.errors).toEqual([{ field: '(empty)', message: 'is not a known field' }]);
  });

  it('checks path parameters and query values as well', async () => {
    const call = (pathParameters: Record<string, string>, query: Record<string, string>) =>
      handler(apiEvent({ routeKey: 'GET /v1/things/{id}', pathParameters, query }), lambdaContext());

    const path = await call({ id: 'a\u0000' }, {});
    const query = await call({ id: 'a' }, { q: 'x\u202ey' });

    expect(path.statusCode).toBe(400);
    expect(JSON.parse(path.body ?? '').errors).toEqual([{ field: 'id', message: expect.any(String) }]);
    expect(query.statusCode).toBe(400);
    expect(JSON.parse(query.body ?? '').errors).toEqual([{ field: 'q', message: expect.any(String) }]);
  });

  it('names nothing in clean input, however it is shaped', () => {
    expect(
      inputProblems(
        { contact: { firstName: 'Jürgen', lastName: 'Müller-Lüdenscheidt 😀' }, n: [0, -1.5, 42], ok: true },
        'body',
      ),
    ).toEqual([]);
  });
});

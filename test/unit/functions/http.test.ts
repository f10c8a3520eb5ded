import { describe, expect, it, vi } from 'vitest';
import * as z from 'zod/mini';
import { KontaktError } from '../../../domain/shared/errors.ts';
import type { User } from '../../../domain/users/user.ts';
import { httpRouter } from '../../../functions/shared/aws-http.ts';
import { route } from '../../../functions/shared/http.ts';
import { apiEvent, lambdaContext } from '../../support/events.ts';

const admin: User = { id: 'a', email: 'a@x.de', name: 'A', roles: ['admin', 'sales'] };
const sales: User = { id: 's', email: 's@x.de', name: 'S', roles: ['sales'] };
const service: User = { id: 'v', email: 'v@x.de', name: 'V', roles: ['service'] };
const users = { findUser: async (id: string) => [admin, sales, service].find((u) => u.id === id) ?? null };

const Body = z.object({ name: z.string().check(z.minLength(2)), count: z.optional(z.number()) });
const echo = vi.fn(async (request: { body: unknown; bodyKind: unknown; user: unknown }) => ({
  status: 201,
  body: { got: request.body, kind: request.bodyKind, user: request.user },
}));

const handler = httpRouter(
  {
    'POST /v1/things': route({ summary: 'test', auth: 'public', body: Body, accepts: ['json', 'form'] }, echo),
    'POST /v1/admin-things': route({ summary: 'test', auth: 'admin', body: Body }, echo),
    'POST /v1/desk-things': route({ summary: 'test', auth: ['service', 'admin'], body: Body }, echo),
    'POST /v1/files': route(
      { summary: 'test', auth: 'public', accepts: ['vcard'], maxBodyBytes: 4 * 1024 * 1024 },
      async (r) => ({ status: 200, body: { bytes: Array.from((r.bytes ?? []).slice(0, 8)), kind: r.bodyKind } }),
    ),
    'GET /v1/mine': route({ summary: 'test', auth: 'user' }, async (r) => ({ status: 200, body: r.user })),
    'GET /v1/boom': route({ summary: 'test', auth: 'public' }, async () => {
      throw new Error('secret database detail');
    }),
    'GET /v1/conflict': route({ summary: 'test', auth: 'public' }, async () => {
      throw new KontaktError('already-converted', 'converted already', {
        extra: { opportunityId: 'o1' },
      });
    }),
  },
  users,
);

const call = async (input: Parameters<typeof apiEvent>[0]) => {
  const res = await handler(apiEvent(input), lambdaContext());
  return { ...res, json: res.body ? JSON.parse(res.body) : undefined };
};

describe('HTTP edge', () => {
  it('passes a valid JSON body to the use case', async () => {
    const res = await call({ routeKey: 'POST /v1/things', body: '{"name":"Max","count":2}' });
    expect(res.statusCode).toBe(201);
    expect(res.json).toEqual({ got: { name: 'Max', count: 2 }, kind: 'json', user: null });
  });

  it('decodes a base64 form post as API Gateway delivers it', async () => {
    const res = await call({
      routeKey: 'POST /v1/things',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'name=J%C3%BCrgen+M',
      base64: true,
    });
    expect(res.json).toMatchObject({ got: { name: 'Jürgen M' }, kind: 'form' });
  });

  it('answers 400 problem+json naming every bad field', async () => {
    const res = await call({ routeKey: 'POST /v1/things', body: '{"name":"M","count":"x"}' });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toBe('application/problem+json');
    expect(res.json.type).toBe('/problems/validation-failed');
    expect(res.json.errors.map((e: { field: string }) => e.field).sort()).toEqual(['count', 'name']);
  });

  it('answers 400 for malformed JSON and for a missing body', async () => {
    expect((await call({ routeKey: 'POST /v1/things', body: '{"name":' })).json.errors).toEqual([
      { field: 'body', message: 'not valid JSON' },
    ]);
    expect((await call({ routeKey: 'POST /v1/things' })).statusCode).toBe(400);
  });

  it('answers 415 for a content type the route does not take', async () => {
    const res = await call({ routeKey: 'POST /v1/things', headers: { 'content-type': 'text/plain' }, body: 'hi' });
    expect(res.statusCode).toBe(415);
    const formOnAdmin = await call({
      routeKey: 'POST /v1/admin-things',
      sub: 'a',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'name=Max',
    });
    expect(formOnAdmin.statusCode).toBe(415);
  });

  it('passes a vCard file on as its bytes, whichever way API Gateway carried it, within the route’s own limit', async () => {
    const windows1252 = Buffer.from([0x4e, 0x3a, 0x4d, 0xfc]); // "N:Mü" in Windows-1252
    for (const type of [
      'text/vcard',
      'text/x-vcard; charset=windows-1252',
      'text/directory',
      'application/octet-stream',
    ]) {
      const event = apiEvent({ routeKey: 'POST /v1/files', headers: { 'content-type': type } });
      Object.assign(event, { body: windows1252.toString('base64'), isBase64Encoded: true });
      const res = await handler(event, lambdaContext());
      expect(JSON.parse(res.body ?? '')).toEqual({ bytes: [0x4e, 0x3a, 0x4d, 0xfc], kind: 'vcard' });
    }
    const json = await call({ routeKey: 'POST /v1/files', body: '{}' });
    expect(json.statusCode).toBe(415);
    expect(json.json.detail).toContain('text/vcard');
    const big = await call({
      routeKey: 'POST /v1/files',
      headers: { 'content-type': 'text/vcard' },
      body: 'x'.repeat(3 * 1024 * 1024),
    });
    expect(big.statusCode).toBe(200);
    const tooBig = await call({
      routeKey: 'POST /v1/files',
      headers: { 'content-type': 'text/vcard' },
      body: 'x'.repeat(4 * 1024 * 1024 + 1),
    });
    expect(tooBig.statusCode).toBe(413);
  });

  it('answers 413 for a body over 1 MB', async () => {
    const res = await call({ routeKey: 'POST /v1/things', body: JSON.stringify({ name: 'x'.repeat(1024 * 1024) }) });
    expect(res.statusCode).toBe(413);
  });

  it('needs a known user, and the role for admin routes', async () => {
    expect((await call({ routeKey: 'GET /v1/mine' })).statusCode).toBe(401);
    expect((await call({ routeKey: 'GET /v1/mine', sub: 'nobody' })).json.type).toBe('/problems/unknown-user');
    expect((await call({ routeKey: 'GET /v1/mine', sub: 's' })).json).toEqual(sales);
    expect((await call({ routeKey: 'POST /v1/admin-things', sub: 's', body: '{"name":"Max"}' })).statusCode).toBe(403);
    expect((await call({ routeKey: 'POST /v1/admin-things', sub: 'a', body: '{"name":"Max"}' })).statusCode).toBe(201);
  });

  it('lets a route name several roles, any one of them enough', async () => {
    const desk = (sub: string) => call({ routeKey: 'POST /v1/desk-things', sub, body: '{"name":"Max"}' });
    expect((await desk('v')).statusCode).toBe(201);
    expect((await desk('a')).statusCode).toBe(201);
    const refused = await desk('s');
    expect(refused.statusCode).toBe(403);
    expect(refused.json.detail).toBe('This action needs the role service or the role admin');
  });

  it('hides internals of unexpected errors behind a 500', async () => {
    const res = await call({ routeKey: 'GET /v1/boom' });
    expect(res.statusCode).toBe(500);
    expect(res.body).not.toContain('secret');
    expect(res.json.type).toBe('/problems/internal');
  });

  it('carries a conflict’s extra members into the problem', async () => {
    const res = await call({ routeKey: 'GET /v1/conflict' });
    expect(res.statusCode).toBe(409);
    expect(res.json).toMatchObject({ type: '/problems/already-converted', opportunityId: 'o1' });
  });
});

describe('browser clients of the user routes (CORS)', () => {
  const corsHandler = httpRouter(
    {
      'GET /v1/mine': route({ summary: 'test', auth: 'user' }, async (r) => ({ status: 200, body: r.user })),
      'GET /v1/public': route({ summary: 'test', auth: 'public' }, async () => ({ status: 200, body: {} })),
    },
    users,
  );
  const get = async (routeKey: string, origin: string, sub?: string) => {
    process.env.ALLOWED_ORIGINS = 'https://crm.example.com, https://app.example.com';
    try {
      return await corsHandler(apiEvent({ routeKey, headers: { origin }, ...(sub ? { sub } : {}) }), lambdaContext());
    } finally {
      delete process.env.ALLOWED_ORIGINS;
    }
  };

  it('answers an allowed origin with its CORS headers, on success and on a problem alike', async () => {
    const ok = await get('GET /v1/mine', 'https://app.example.com', 's');
    expect(ok.statusCode).toBe(200);
    expect(ok.headers).toMatchObject({ 'access-control-allow-origin': 'https://app.example.com', vary: 'Origin' });
    const unauthorized = await get('GET /v1/mine', 'https://crm.example.com');
    expect(unauthorized.statusCode).toBe(401);
    expect(unauthorized.headers?.['access-control-allow-origin']).toBe('https://crm.example.com');
  });

  it('gives another origin, and public routes (which answer for themselves), none', async () => {
    const other = await get('GET /v1/mine', 'https://evil.example', 's');
    expect(other.headers?.['access-control-allow-origin']).toBeUndefined();
    const open = await get('GET /v1/public', 'https://crm.example.com');
    expect(open.headers?.['access-control-allow-origin']).toBeUndefined();
  });
});

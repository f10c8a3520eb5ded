// A hostile body with thousands of bad fields gets a small 400, never an answer of megabytes (which
// Lambda cannot return: API Gateway would answer 500).
import { describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import { maxFieldErrors } from '../../../domain/shared/errors.ts';
import { checkAgencyLead, maxErrorsPerLead } from '../../../functions/agencies/agency-input.ts';
import { httpRouter } from '../../../functions/shared/aws-http.ts';
import { route } from '../../../functions/shared/http.ts';
import { apiEvent, lambdaContext } from '../../support/events.ts';

const handler = httpRouter(
  {
    'POST /v1/things': route(
      { summary: 'test', auth: 'public', body: z.strictObject({ name: z.string() }) },
      async () => ({ status: 201 }),
    ),
  },
  { findUser: async () => null },
);

const manyKeys = (count: number, length = 20) =>
  Object.fromEntries(Array.from({ length: count }, (_, i) => [`k${String(i).padStart(length, '0')}`, 1]));

describe('the number of errors one answer names', () => {
  it('names at most ten unknown fields of one object and counts the rest', async () => {
    const body = JSON.stringify({ name: 'x', ...manyKeys(40_000) });

    const res = await handler(apiEvent({ routeKey: 'POST /v1/things', body }), lambdaContext());
    const json = JSON.parse(res.body ?? '{}');

    expect(res.statusCode).toBe(400);
    expect(json.errors).toHaveLength(11);
    expect(json.errors.at(-1)).toEqual({ field: 'body', message: 'has 39990 more fields that are not known' });
    expect(Buffer.byteLength(res.body ?? '')).toBeLessThan(10_000);
  });

  it('names a key of a megabyte by its first hundred characters', async () => {
    const body = JSON.stringify({ name: 'x', ['y'.repeat(900_000)]: 1 });

    const res = await handler(apiEvent({ routeKey: 'POST /v1/things', body }), lambdaContext());

    expect(res.statusCode).toBe(400);
    expect(Buffer.byteLength(res.body ?? '')).toBeLessThan(2_000);
  });

  it('caps an answer at fifty errors, and an agency lead at ten', () => {
    const lead = checkAgencyLead({ contact: { lastName: 'M' }, ...manyKeys(500) }, 3);

    expect(maxFieldErrors).toBe(50);
    const errors = !lead.valid && lead.result.status === 'invalid' ? lead.result.errors : [];
    expect(errors).toHaveLength(maxErrorsPerLead);
    expect(errors.at(-1)?.message).toMatch(/more errors/);
  });
});

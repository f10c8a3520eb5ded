import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import type { Agency } from '../../../domain/agencies/agency.ts';
import { generateApiKey } from '../../../domain/agencies/api-key.ts';
import type { InboxEntry } from '../../../domain/inbox/inbox-entry.ts';
import type { StoredApiKey } from '../../../functions/agencies/agency.repository.ts';
import { checkAgencyLead } from '../../../functions/agencies/agency-input.ts';
import { receiveAgencyLeads } from '../../../functions/agencies/receive-agency-leads.ts';
import type { HttpRequest } from '../../../functions/shared/http.ts';
import { apiEvent } from '../../support/events.ts';

describe('checkAgencyLead', () => {
  it('accepts a reachable lead and keeps it as received', () => {
    const received = {
      externalId: 42,
      contact: { lastName: 'Muster' },
      expectedBudget: { amount: 1250, currency: 'EUR' },
    };

    const checked = checkAgencyLead(received, 0);

    expect(checked).toEqual({
      index: 0,
      valid: true,
      lead: { externalId: '42', contact: { lastName: 'Muster' }, expectedBudget: { amount: 1250, currency: 'EUR' } },
      raw: received,
    });
  });

  it('names every bad field of a lead inside the body', () => {
    const checked = checkAgencyLead(
      { contact: { email: 'nope', phone: 'call me' }, expectedBudget: { amount: -1, currency: 'euro' }, colour: 'red' },
      3,
    );

    expect(checked.valid).toBe(false);
    expect(checked.valid ? [] : checked.result).toEqual({
      index: 3,
      status: 'invalid',
      errors: expect.arrayContaining([
        { field: 'leads.3.contact.email', message: 'not a valid email address' },
        { field: 'leads.3.contact.phone', message: 'not a phone number' },
        { field: 'leads.3.expectedBudget.amount', message: 'must not be negative' },
        { field: 'leads.3.expectedBudget.currency', message: 'must be an ISO 4217 code such as EUR' },
        { field: 'leads.3.colour', message: 'is not a known field' },
      ]),
    });
  });

  it('refuses a lead nobody can reach, and a lead that is no object', () => {
    const unreachable = checkAgencyLead({ contact: { firstName: 'Max' } }, 1);
    const notAnObject = checkAgencyLead('Max Muster', 2);

    expect(unreachable.valid ? null : unreachable.result).toEqual({
      index: 1,
      status: 'invalid',
      errors: [{ field: 'leads.1.contact', message: 'give at least one of email, phone, lastName, companyName' }],
    });
    expect(notAnObject.valid ? null : notAnObject.result).toMatchObject({
      index: 2,
      status: 'invalid',
      errors: [{ field: 'leads.2' }],
    });
  });
});

const agency: Agency = {
  id: 'AG1',
  name: 'LeadCo',
  contactEmail: null,
  defaultPriority: 'high',
  responsibleUserId: 'demo-sales',
  rateLimitPerMinute: 5,
  createdAt: '2026-05-01T00:00:00.000Z',
  keys: [],
};

const setup = (options: { revoked?: boolean; windowCount?: number } = {}) => {
  const issued = generateApiKey((n) => Uint8Array.from({ length: n }, (_, i) => i * 7));
  const keyItem: StoredApiKey = {
    agencyId: agency.id,
    keyId: 'K1',
    prefix: issued.prefix,
    createdAt: agency.createdAt,
    revokedAt: options.revoked ? '2026-05-02T00:00:00.000Z' : null,
  };
  const stored: InboxEntry[] = [];
  const counted: number[] = [];
  let windowCount = options.windowCount ?? 0;
  const kept: Record<string, unknown>[] = [];
  const receive = receiveAgencyLeads({
    agencies: {
      findKey: async (hash) => (hash === issued.secretHash ? keyItem : null),
      get: async (id) => (id === agency.id ? agency : null),
      countLeads: async (_agencyId, _window, count, highest) => {
        if (windowCount > highest) return false;
        windowCount += count;
        counted.push(count);
        return true;
      },
      keepAnswer: async (record) => {
        kept.push(record.record);
        return true;
      },
    },
    idempotency: {
      find: async () => null,
      write: (_scope, key, _hash, answer) => ({ key: { pk: key, sk: 'IDEMPOTENCY' }, record: { answer }, nowEpoch: 0 }),
    },
    intake: {
      inbox: { create: async (entry) => void stored.push(entry) },
      doc: DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'eu-west-1' })),
      tableName: 'unused',
      publisher: { publish: async () => undefined },
      duplicateCheckQueueUrl: 'queue',
      now: () => new Date('2026-05-04T08:07:30.000Z'),
    },
    concurrency: 3,
    now: () => new Date('2026-05-04T08:07:30.000Z'),
    retryWithinMs: 1_000,
  });
  return { receive, stored, counted, kept, key: issued.key };
};

/** What a call failed with (null if it did not), awaited at once so no rejection goes unhandled. */
const failureOf = (call: Promise<unknown>): Promise<unknown> =>
  call.then(
    () => null,
    (error: unknown) => error,
  );

const request = (body: unknown, headers: Record<string, string> = {}): HttpRequest<unknown, undefined, undefined> => ({
  body,
  bodyKind: 'json',
  path: undefined,
  query: undefined,
  user: null,
  headers,
  event: apiEvent({ routeKey: 'POST /v1/agency/leads' }),
  requestId: 'r',
});

describe('receiveAgencyLeads', () => {
  it('stores the valid leads with the agency’s priority and user and answers every lead in order', async () => {
    const { receive, stored, key } = setup();

    const res = await receive(
      request(
        {
          leads: [
            { contact: { lastName: 'Eins' } },
            { contact: { email: 'bad' } },
            { title: 'Roof', contact: { phone: '030 1' } },
          ],
        },
        { authorization: `Bearer ${key}` },
      ),
    );

    expect(res).toEqual({
      status: 200,
      body: {
        results: [
          { index: 0, status: 'created', id: stored[0]?.id },
          {
            index: 1,
            status: 'invalid',
            errors: [{ field: 'leads.1.contact.email', message: 'not a valid email address' }],
          },
          { index: 2, status: 'created', id: stored[1]?.id },
        ],
      },
    });
    expect(stored.map((e) => [e.source, e.priority, e.responsibleUserId, e.processingStatus, e.title])).toEqual([
      ['lead_agency', 'high', 'demo-sales', 'assigned', 'Eins – via LeadCo'],
      ['lead_agency', 'high', 'demo-sales', 'assigned', 'Roof'],
    ]);
    expect(stored[1]?.raw).toEqual({ title: 'Roof', contact: { phone: '030 1' }, agencyId: 'AG1' });
  });

  it('answers 401 invalid-api-key for a missing, malformed, unknown or revoked key, before reading the body', async () => {
    const { receive, key } = setup();
    const revoked = setup({ revoked: true });
    const other = generateApiKey((n) => new Uint8Array(n)).key;

    const attempts = await Promise.all(
      [
        receive(request('not even an object')),
        receive(request({ leads: [] }, { authorization: 'Bearer nonsense' })),
        receive(request({ leads: [] }, { authorization: `Bearer ${other}` })),
        receive(request({ leads: [] }, { authorization: key })),
        revoked.receive(request({ leads: [] }, { authorization: `Bearer ${revoked.key}` })),
      ].map(failureOf),
    );

    for (const failure of attempts) expect(failure).toMatchObject({ code: 'invalid-api-key' });
    expect(revoked.stored).toEqual([]);
  });

  it('refuses a body without a leads array, or with more than 100 leads, as a whole', async () => {
    const { receive, stored, key } = setup();
    const auth = { authorization: `Bearer ${key}` };

    await expect(receive(request([{ contact: { lastName: 'X' } }], auth))).rejects.toMatchObject({
      code: 'validation-failed',
    });
    await expect(receive(request({ leads: [] }, auth))).rejects.toMatchObject({
      code: 'validation-failed',
      errors: [{ field: 'leads', message: 'give at least one lead' }],
    });
    await expect(
      receive(request({ leads: Array.from({ length: 101 }, () => ({ contact: { lastName: 'X' } })) }, auth)),
    ).rejects.toMatchObject({
      code: 'validation-failed',
      errors: [{ field: 'leads', message: 'at most 100 leads per request' }],
    });
    expect(stored).toEqual([]);
  });

  it('counts leads against the agency’s minute and refuses the batch that would pass it, storing nothing', async () => {
    const { receive, stored, counted, key } = setup({ windowCount: 3 });
    const auth = { authorization: `Bearer ${key}` };
    const lead = { contact: { lastName: 'X' } };

    const fits = await receive(request({ leads: [lead, lead] }, auth));
    const over = await failureOf(receive(request({ leads: [lead] }, auth)));

    expect(fits.status).toBe(200);
    expect(counted).toEqual([2]);
    expect(over).toMatchObject({
      code: 'rate-limited',
      headers: { 'retry-after': '30' },
    });
    expect(stored).toHaveLength(2);
  });

  it('refuses a batch larger than the whole per-minute limit without counting it: a 400 naming leads, since waiting cannot help', async () => {
    const { receive, stored, counted, key } = setup();

    const over = receive(
      request(
        { leads: Array.from({ length: 6 }, () => ({ contact: { lastName: 'X' } })) },
        { authorization: `Bearer ${key}` },
      ),
    );

    await expect(over).rejects.toMatchObject({
      code: 'validation-failed',
      errors: [expect.objectContaining({ field: 'leads' })],
    });
    expect(counted).toEqual([]);
    expect(stored).toEqual([]);
  });

  it('keeps the answer for an Idempotency-Key once the batch is stored', async () => {
    const { receive, kept, key } = setup();

    const res = await receive(
      request(
        { leads: [{ contact: { lastName: 'X' } }] },
        { authorization: `Bearer ${key}`, 'idempotency-key': 'k-1' },
      ),
    );

    expect(kept).toEqual([{ answer: { status: 200, body: res.body } }]);
  });
});

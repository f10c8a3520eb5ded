// Agency lead batches against DynamoDB Local and the emulator: once-only storage by externalId and
// Idempotency-Key (a crash mid-batch included), revocation, and the per-minute lead counter.
import { randomBytes, randomUUID } from 'node:crypto';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import type { Agency } from '../../domain/agencies/agency.ts';
import { rateWindowAt } from '../../domain/agencies/rate-window.ts';
import type { LeadReceivedV1 } from '../../events/index.ts';
import { createIdempotencyStore } from '../../functions/adapters/idempotency.ts';
import { createInboxEntryRepository } from '../../functions/adapters/inbox-entry.repository.ts';
import { createQueuePublisher } from '../../functions/adapters/queue-publisher.ts';
import { createSettingsRepository } from '../../functions/adapters/settings.repository.ts';
import { createUserRepository } from '../../functions/adapters/user.repository.ts';
import { createAgencyRepository } from '../../functions/agencies/agency.repository.ts';
import { createAgency, createAgencyKey, getAgency, revokeAgencyKey } from '../../functions/agencies/manage-agencies.ts';
import { type ReceiveAgencyLeadsDeps, receiveAgencyLeads } from '../../functions/agencies/receive-agency-leads.ts';
import type { HttpRequest } from '../../functions/shared/http.ts';
import { agencyRateKey } from '../../functions/shared/table.ts';
import { documentClient, queueUrl, sqsClient, tableName, takeMessage } from '../support/aws.ts';
import { apiEvent } from '../support/events.ts';

const doc = documentClient();
const inbox = createInboxEntryRepository(doc, tableName);
const agencies = createAgencyRepository(doc, tableName);
const publisher = createQueuePublisher(sqsClient());
// a fixed instant half-way through a minute: the counters of one test never straddle two windows
const now = () => new Date('2031-03-03T10:20:30.000Z');

const manage = {
  agencies,
  users: createUserRepository(doc, tableName),
  settings: createSettingsRepository(doc, tableName),
  random: (size: number) => randomBytes(size),
  now,
};

const deps = (overrides: Partial<ReceiveAgencyLeadsDeps> = {}): ReceiveAgencyLeadsDeps => ({
  agencies,
  idempotency: createIdempotencyStore(doc, tableName),
  intake: { inbox, doc, tableName, publisher, duplicateCheckQueueUrl: queueUrl('duplicate-check'), now },
  concurrency: 10,
  now,
  ...overrides,
});

const adminRequest = <B, P>(body: B, path: P): HttpRequest<B, P, undefined> => ({
  body,
  bodyKind: 'json',
  path,
  query: undefined,
  user: { id: 'admin', email: 'admin@example.com', name: 'Admin', roles: ['admin'] },
  headers: {},
  event: apiEvent({ routeKey: 'POST /v1/agencies' }),
  requestId: 'r',
});

const leadsRequest = (key: string, leads: unknown[], headers: Record<string, string> = {}) => ({
  body: { leads },
  bodyKind: 'json' as const,
  path: undefined,
  query: undefined,
  user: null,
  headers: { authorization: `Bearer ${key}`, ...headers },
  event: apiEvent({ routeKey: 'POST /v1/agency/leads' }),
  requestId: 'r',
});

/** A new agency with one key, as an admin sets it up. */
const newAgency = async (
  options: { rateLimitPerMinute?: number } = {},
): Promise<{ agency: Agency; key: string; keyId: string }> => {
  const created = await createAgency(manage)(
    adminRequest(
      {
        name: `LeadCo ${randomUUID().slice(0, 8)}`,
        contactEmail: null,
        defaultPriority: 'high',
        responsibleUserId: null,
        rateLimitPerMinute: options.rateLimitPerMinute ?? 600,
      },
      undefined,
    ),
  );
  const agency = await agencies.get(String((created.body as { id: string }).id));
  if (!agency) throw new Error('agency not stored');
  const issued = await createAgencyKey(manage)(adminRequest(undefined, { id: agency.id }));
  const { id, key } = issued.body as { id: string; key: string };
  return { agency, key, keyId: id };
};

type Result = { index: number; status: string; id?: string };
const resultsOf = (answer: { body?: unknown }): Result[] => (answer.body as { results: Result[] }).results;

/** Entries found by a token only this test uses. */
const entriesNamed = async (lastName: string) => (await inbox.list({ q: lastName, limit: 100 })).items;

/** What a call failed with (null if it did not), awaited at once so no rejection goes unhandled. */
const failureOf = (call: Promise<unknown>): Promise<unknown> =>
  call.then(
    () => null,
    (error: unknown) => error,
  );

const unique = () =>
  `Ag${randomUUID()
    .replace(/[^a-z]/g, '')
    .slice(0, 10)}`;

describe('agency lead batches (DynamoDB Local + emulator)', () => {
  it('stores every valid lead attributed to its agency and requests its duplicate check', async () => {
    const { agency, key } = await newAgency();
    const name = unique();

    const answer = await receiveAgencyLeads(deps())(
      leadsRequest(key, [
        { externalId: 'x-1', contact: { lastName: name, email: `${name}@example.com` }, message: 'Solar' },
        { contact: { firstName: 'Nobody' } },
        { contact: { lastName: name, companyName: 'Muster GmbH' }, expectedBudget: { amount: 900.5, currency: 'EUR' } },
      ]),
    );
    const results = resultsOf(answer);
    const first = await inbox.get(results[0]?.id ?? '');
    const message = (await takeMessage('duplicate-check', results[0]?.id ?? '')) as LeadReceivedV1;

    expect(answer.status).toBe(200);
    expect(results.map((r) => r.status)).toEqual(['created', 'invalid', 'created']);
    expect(await entriesNamed(name)).toHaveLength(2);
    expect(first).toMatchObject({
      source: 'lead_agency',
      priority: 'high',
      title: `${name} – via ${agency.name}`,
      message: 'Solar',
      raw: { externalId: 'x-1', agencyId: agency.id },
      duplicateCheck: { status: 'pending' },
    });
    expect((await inbox.get(results[2]?.id ?? ''))?.expectedBudget).toEqual({ amount: 900.5, currency: 'EUR' });
    expect(message).toMatchObject({ type: 'lead-received', inboxEntryId: results[0]?.id, source: 'lead_agency' });
  });

  it('answers a retried batch with the same Idempotency-Key with the same ids and stores nothing new', async () => {
    const { key } = await newAgency();
    const name = unique();
    const leads = [{ contact: { lastName: name } }, { contact: { lastName: name, phone: '030 1' } }];
    const receive = receiveAgencyLeads(deps());

    const first = await receive(leadsRequest(key, leads, { 'idempotency-key': `batch-${name}` }));
    const retry = await receive(leadsRequest(key, leads, { 'idempotency-key': `batch-${name}` }));
    const otherBody = await failureOf(
      receive(leadsRequest(key, leads.slice(1), { 'idempotency-key': `batch-${name}` })),
    );

    expect(resultsOf(first).map((r) => r.status)).toEqual(['created', 'created']);
    expect(retry).toEqual(first);
    expect(otherBody).toMatchObject({ status: 422, code: 'idempotency-key-reused' });
    expect(await entriesNamed(name)).toHaveLength(2);
  });

  it('never stores a lead twice when a batch is retried after a crash before its answer was kept', async () => {
    const { key } = await newAgency();
    const name = unique();
    const leads = [{ contact: { lastName: name } }, { contact: { lastName: name, email: `${name}@example.com` } }];
    const crashing = receiveAgencyLeads(
      deps({
        agencies: {
          ...agencies,
          keepAnswer: async () => {
            throw new Error('the function died here');
          },
        },
      }),
    );

    await expect(crashing(leadsRequest(key, leads, { 'idempotency-key': `crash-${name}` }))).rejects.toThrow('died');
    const stored = await entriesNamed(name);
    const retry = await receiveAgencyLeads(deps())(leadsRequest(key, leads, { 'idempotency-key': `crash-${name}` }));

    expect(stored).toHaveLength(2);
    expect(resultsOf(retry).map((r) => r.status)).toEqual(['duplicate_delivery', 'duplicate_delivery']);
    expect(
      resultsOf(retry)
        .map((r) => r.id)
        .sort(),
    ).toEqual(stored.map((e) => e.id).sort());
    expect(await entriesNamed(name)).toHaveLength(2);
  });

  it('reports a repeated externalId as duplicate_delivery with the first id, within a batch and across batches', async () => {
    const { key } = await newAgency();
    const name = unique();
    const receive = receiveAgencyLeads(deps());

    const batch = await receive(
      leadsRequest(key, [
        { externalId: 'L-1', contact: { lastName: name } },
        { externalId: 'L-2', contact: { lastName: name } },
        { externalId: 'L-1', contact: { lastName: name, email: 'changed@example.com' } },
      ]),
    );
    const later = await receive(leadsRequest(key, [{ externalId: 'L-2', contact: { lastName: name } }]));
    const [one, two, again] = resultsOf(batch);

    expect([one?.status, two?.status, again?.status]).toEqual(['created', 'created', 'duplicate_delivery']);
    expect(again?.id).toBe(one?.id);
    expect(resultsOf(later)).toEqual([{ index: 0, status: 'duplicate_delivery', id: two?.id }]);
    expect(await entriesNamed(name)).toHaveLength(2);
  });

  it('keeps externalIds per agency: the same externalId from another agency is another lead', async () => {
    const first = await newAgency();
    const second = await newAgency();
    const name = unique();
    const lead = { externalId: 'shared-7', contact: { lastName: name } };

    const a = await receiveAgencyLeads(deps())(leadsRequest(first.key, [lead]));
    const b = await receiveAgencyLeads(deps())(leadsRequest(second.key, [lead]));

    expect(resultsOf(a)[0]?.status).toBe('created');
    expect(resultsOf(b)[0]?.status).toBe('created');
    expect(await entriesNamed(name)).toHaveLength(2);
  });

  it('rejects a revoked key at once, and the agency lists the key as revoked without its secret', async () => {
    const { agency, key, keyId } = await newAgency();
    const name = unique();

    const revoked = await revokeAgencyKey(manage)(adminRequest(undefined, { id: agency.id, keyId }));
    const attempt = await failureOf(receiveAgencyLeads(deps())(leadsRequest(key, [{ contact: { lastName: name } }])));
    const read = await getAgency(manage)(adminRequest(undefined, { id: agency.id }));
    const again = await revokeAgencyKey(manage)(adminRequest(undefined, { id: agency.id, keyId }));
    const unknown = await failureOf(revokeAgencyKey(manage)(adminRequest(undefined, { id: agency.id, keyId: 'nope' })));

    expect(revoked.status).toBe(204);
    expect(attempt).toMatchObject({ status: 401, code: 'invalid-api-key' });
    expect(read.body).toMatchObject({ keys: [{ id: keyId, revokedAt: now().toISOString() }] });
    expect(JSON.stringify(read.body)).not.toContain(key.slice(13));
    expect(JSON.stringify(read.body)).not.toContain('secretHash');
    expect(again.status).toBe(204);
    expect(unknown).toMatchObject({ status: 404 });
    expect(await entriesNamed(name)).toHaveLength(0);
  });

  it('counts leads in one DynamoDB counter per agency and minute, letting concurrent batches past the limit never', async () => {
    const { agency, key } = await newAgency({ rateLimitPerMinute: 5 });
    const name = unique();
    const receive = receiveAgencyLeads(deps());

    const attempts = await Promise.allSettled(
      Array.from({ length: 8 }, () => receive(leadsRequest(key, [{ contact: { lastName: name } }]))),
    );
    const counter = await doc.send(
      new GetCommand({ TableName: tableName, Key: agencyRateKey(agency.id, rateWindowAt(now()).window) }),
    );
    const refused = attempts.filter((a) => a.status === 'rejected');

    expect(attempts.filter((a) => a.status === 'fulfilled')).toHaveLength(5);
    expect(refused).toHaveLength(3);
    for (const r of refused) {
      expect(r.status === 'rejected' && r.reason).toMatchObject({ status: 429, headers: { 'retry-after': '30' } });
    }
    expect(counter.Item).toMatchObject({ leads: 5, ttl: Date.parse('2031-03-03T10:21:00.000Z') / 1000 + 300 });
    expect(await entriesNamed(name)).toHaveLength(5);
  });
});

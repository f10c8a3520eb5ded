// Agency lead batches against DynamoDB Local and the emulator: once-only storage by externalId and
// Idempotency-Key (a crash mid-batch included), revocation, and the per-minute lead counter.
import { randomBytes, randomUUID } from 'node:crypto';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import type { Agency } from '../../domain/agencies/agency.ts';
import { rateWindowAt } from '../../domain/agencies/rate-window.ts';
import type { LeadReceivedV1 } from '../../events/lead-received.v1.ts';
import { agencyRates } from '../../functions/agencies/agency.entity.ts';
import { createAgencyRepository } from '../../functions/agencies/agency.repository.ts';
import { createAgency, createAgencyKey, getAgency, revokeAgencyKey } from '../../functions/agencies/manage-agencies.ts';
import { type ReceiveAgencyLeadsDeps, receiveAgencyLeads } from '../../functions/agencies/receive-agency-leads.ts';
import { createIdempotencyStore } from '../../functions/inbox/idempotency.ts';
import { createInboxEntryRepository } from '../../functions/inbox/inbox-entry.repository.ts';
import { createSettingsRepository } from '../../functions/settings/settings.repository.ts';
import type { HttpRequest } from '../../functions/shared/http.ts';
import { createQueuePublisher } from '../../functions/shared/queue-publisher.ts';
import { createUserRepository } from '../../functions/users/user.repository.ts';
import { documentClient, mentioning, queueUrl, sqsClient, tableName, takeMessage } from '../support/aws.ts';
import { apiEvent } from '../support/events.ts';
import { indexPendingEntries } from '../support/indexing.ts';

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
  retryWithinMs: 10_000,
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
const entriesNamed = async (lastName: string) => {
  // the worker indexes what intake stored: searched only once it has
  await indexPendingEntries(doc, tableName);
  return (await inbox.list({ q: lastName, limit: 100 })).items;
};

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
    const message = (await takeMessage('duplicate-check', mentioning(results[0]?.id ?? ''))) as LeadReceivedV1;

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
    expect(otherBody).toMatchObject({ code: 'idempotency-key-reused' });
    expect(await entriesNamed(name)).toHaveLength(2);
  });

  it('recognises a lead first sent under an Idempotency-Key when it comes again without the key', async () => {
    const { key } = await newAgency();
    const name = unique();
    const lead = { contact: { firstName: 'Mia', lastName: name, email: `${name}@example.com` }, message: 'Solar' };
    const receive = receiveAgencyLeads(deps());

    const keyed = await receive(leadsRequest(key, [lead], { 'idempotency-key': `keyed-${name}` }));
    const keyless = await receive(leadsRequest(key, [lead]));

    const [first] = resultsOf(keyed);
    expect(first).toMatchObject({ status: 'created' });
    expect(resultsOf(keyless)).toEqual([{ index: 0, status: 'duplicate_delivery', id: first?.id }]);
    expect(await entriesNamed(name)).toHaveLength(1);
  });

  it('never stores a lead twice when a batch is retried after its answer could not be kept', async () => {
    const { key } = await newAgency();
    const name = unique();
    const leads = [{ contact: { lastName: name } }, { contact: { lastName: name, email: `${name}@example.com` } }];
    // the database stopped answering in time right after the leads were stored
    const timeout = Object.assign(new Error('a request has exceeded the configured 4000 ms requestTimeout'), {
      name: 'TimeoutError',
      code: 'ETIMEDOUT',
      $metadata: { attempts: 2 },
    });
    const crashing = receiveAgencyLeads(
      deps({
        agencies: {
          ...agencies,
          keepAnswer: async () => {
            throw timeout;
          },
        },
      }),
    );

    expect(await failureOf(crashing(leadsRequest(key, leads, { 'idempotency-key': `crash-${name}` })))).toMatchObject({
      code: 'busy',
    });
    const stored = await entriesNamed(name);
    const retry = await receiveAgencyLeads(deps())(leadsRequest(key, leads, { 'idempotency-key': `crash-${name}` }));

    expect(stored).toHaveLength(2);
    // the answer the first attempt would have given: these leads were created under this key
    expect(resultsOf(retry).map((r) => r.status)).toEqual(['created', 'created']);
    expect(
      resultsOf(retry)
        .map((r) => r.id)
        .sort(),
    ).toEqual(stored.map((e) => e.id).sort());
    expect(await entriesNamed(name)).toHaveLength(2);
  });

  it('still answers 200 with the stored leads when their answer is too large to keep', async () => {
    const { key } = await newAgency();
    const name = unique();
    const tooLarge = Object.assign(new Error('Item size has exceeded the maximum allowed size'), {
      name: 'ValidationException',
      $fault: 'client',
      $metadata: { httpStatusCode: 400 },
    });
    const receive = receiveAgencyLeads(
      deps({
        agencies: {
          ...agencies,
          keepAnswer: async () => {
            throw tooLarge;
          },
        },
      }),
    );

    const answered = await receive(
      leadsRequest(key, [{ contact: { lastName: name } }], { 'idempotency-key': `big-${name}` }),
    );

    expect(resultsOf(answered).map((r) => r.status)).toEqual(['created']);
    expect(await entriesNamed(name)).toHaveLength(1);
  });

  it('answers a lead the database refuses as invalid, stores its neighbours, and a retry stores nothing twice', async () => {
    const { key } = await newAgency();
    const name = unique();
    const poison = `${name}poison`;
    // DynamoDB's own refusal (a number below 1e-130), for a value no lead can carry past the door any more
    const refusing = receiveAgencyLeads(
      deps({
        intake: {
          ...deps().intake,
          inbox: {
            create: (entry, guard) =>
              inbox.create(
                entry.contact.lastName === poison
                  ? { ...entry, expectedBudget: { amount: 1e-200, currency: 'EUR' } }
                  : entry,
                guard,
              ),
          },
        },
      }),
    );
    const leads = [
      { contact: { lastName: name, email: `${name}@example.com` } },
      { contact: { lastName: poison } },
      { contact: { lastName: name, phone: '030 1234' } },
    ];

    const first = await refusing(leadsRequest(key, leads));
    const retry = await refusing(leadsRequest(key, leads));
    const [a, bad, c] = resultsOf(first);

    expect(first.status).toBe(200);
    expect([a?.status, bad, c?.status]).toEqual([
      'created',
      {
        index: 1,
        status: 'invalid',
        errors: [{ field: 'leads.1', message: expect.stringContaining('could not be stored') }],
      },
      'created',
    ]);
    expect(resultsOf(retry)).toEqual([
      { index: 0, status: 'duplicate_delivery', id: a?.id },
      bad,
      { index: 2, status: 'duplicate_delivery', id: c?.id },
    ]);
    expect(await entriesNamed(name)).toHaveLength(2);
    expect(await entriesNamed(poison)).toHaveLength(0);
  });

  it('recognises the same lead from the same agency within 24 hours by its content, and only then', async () => {
    const first = await newAgency();
    const second = await newAgency();
    const name = unique();
    let clock = new Date('2031-03-03T10:20:30.000Z');
    const receive = receiveAgencyLeads(deps({ now: () => clock, intake: { ...deps().intake, now: () => clock } }));
    const lead = { contact: { firstName: 'Max', lastName: name, email: `${name}@example.com` }, message: 'Solar' };
    const sentAgain = {
      message: 'Solar ',
      contact: { email: `${name.toUpperCase()}@example.com`, lastName: name, firstName: 'Max' },
    };

    const original = await receive(leadsRequest(first.key, [lead, { ...lead, message: 'Wärmepumpe' }, lead]));
    clock = new Date('2031-03-04T10:20:29.000Z');
    const retried = await receive(leadsRequest(first.key, [sentAgain]));
    const byOtherAgency = await receive(leadsRequest(second.key, [lead]));
    clock = new Date('2031-03-04T10:20:31.000Z');
    const nextDay = await receive(leadsRequest(first.key, [lead]));
    const [one, other, repeated] = resultsOf(original);

    expect([one?.status, other?.status, repeated]).toEqual([
      'created',
      'created',
      { index: 2, status: 'duplicate_delivery', id: one?.id },
    ]);
    expect(resultsOf(retried)).toEqual([{ index: 0, status: 'duplicate_delivery', id: one?.id }]);
    expect(resultsOf(byOtherAgency)[0]?.status).toBe('created');
    expect(resultsOf(nextDay)[0]).toMatchObject({ status: 'created', id: expect.not.stringMatching(one?.id ?? '') });
    expect(await entriesNamed(name)).toHaveLength(4);
  });

  it('never stores a lead twice when the function dies between two leads, without Idempotency-Key or externalId', async () => {
    const { key } = await newAgency();
    const name = unique();
    const dying = unique();
    const leads = [{ contact: { lastName: name } }, { contact: { lastName: dying } }];
    const crashing = receiveAgencyLeads(
      deps({
        concurrency: 1,
        intake: {
          ...deps().intake,
          inbox: {
            create: async (entry, guard) => {
              if (entry.contact.lastName === dying) {
                throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED', $metadata: {} });
              }
              await inbox.create(entry, guard);
            },
          },
        },
      }),
    );

    await expect(crashing(leadsRequest(key, leads))).rejects.toThrow('ECONNREFUSED');
    const storedBefore = await entriesNamed(name);
    const retry = await receiveAgencyLeads(deps())(leadsRequest(key, leads));

    expect(storedBefore).toHaveLength(1);
    expect(resultsOf(retry)).toEqual([
      { index: 0, status: 'duplicate_delivery', id: storedBefore[0]?.id },
      { index: 1, status: 'created', id: expect.any(String) },
    ]);
    expect(await entriesNamed(name)).toHaveLength(1);
    expect(await entriesNamed(dying)).toHaveLength(1);
  });

  it('answers every concurrent delivery of one batch and stores each lead once, through transaction conflicts', async () => {
    const { key } = await newAgency();
    const name = unique();
    const other = unique();
    const batch = (lastName: string) =>
      Array.from({ length: 6 }, (_, i) => ({
        ...(i % 3 === 0 ? { externalId: `${lastName}-${i}` } : {}),
        contact: { lastName, phone: `030 ${i}` },
      }));
    // DynamoDB cancels a transaction that meets another on the same item; make the first write of each lead meet one
    const conflicted = new Set<string>();
    const conflicting = receiveAgencyLeads(
      deps({
        intake: {
          ...deps().intake,
          inbox: {
            create: async (entry, guard) => {
              const lead = `${entry.contact.lastName} ${entry.contact.phone}`;
              if (!conflicted.has(lead)) {
                conflicted.add(lead);
                throw new TransactionCanceledException({
                  message: 'Transaction cancelled',
                  $metadata: {},
                  CancellationReasons: [{ Code: 'None' }, { Code: 'TransactionConflict' }],
                });
              }
              await inbox.create(entry, guard);
            },
          },
        },
      }),
    );

    const withKey = await Promise.allSettled(
      Array.from({ length: 4 }, () =>
        conflicting(leadsRequest(key, batch(name), { 'idempotency-key': `same-${name}` })),
      ),
    );
    const withoutKey = await Promise.allSettled(
      Array.from({ length: 4 }, () => conflicting(leadsRequest(key, batch(other)))),
    );
    const answers = [...withKey, ...withoutKey].map((a) => (a.status === 'fulfilled' ? a.value.status : a.reason));

    expect(answers).toEqual(Array.from({ length: 8 }, () => 200));
    expect(await entriesNamed(name)).toHaveLength(6);
    expect(await entriesNamed(other)).toHaveLength(6);
  });

  it('tries a lead again while the database answers too slowly, and answers 429 with Retry-After when it stays slow', async () => {
    const { key } = await newAgency();
    const name = unique();
    const slow = unique();
    const leads = [{ contact: { lastName: name } }, { contact: { lastName: slow } }];
    // what the SDK throws when DynamoDB Local, on a loaded machine, answers after the client's request timeout
    const timeout = () =>
      Object.assign(new Error('a request has exceeded the configured 4000 ms requestTimeout'), {
        name: 'TimeoutError',
        code: 'ETIMEDOUT',
        $metadata: { attempts: 2 },
      });
    const slowFor = (times: number) => {
      let failures = 0;
      return receiveAgencyLeads(
        deps({
          retryWithinMs: 2_000,
          intake: {
            ...deps().intake,
            inbox: {
              create: async (entry, guard) => {
                if (entry.contact.lastName === slow && failures < times) {
                  failures += 1;
                  throw timeout();
                }
                await inbox.create(entry, guard);
              },
            },
          },
        }),
      );
    };

    const refused = await failureOf(slowFor(Number.POSITIVE_INFINITY)(leadsRequest(key, leads)));
    const retried = await slowFor(2)(leadsRequest(key, leads));

    expect(refused).toMatchObject({ code: 'busy', headers: { 'retry-after': '5' } });
    expect(resultsOf(retried)).toEqual([
      { index: 0, status: 'duplicate_delivery', id: expect.any(String) },
      { index: 1, status: 'created', id: expect.any(String) },
    ]);
    expect(await entriesNamed(name)).toHaveLength(1);
    expect(await entriesNamed(slow)).toHaveLength(1);
  });

  it('answers 429, not the function’s timeout, when every write is slow but succeeds, and the retry finishes the batch', async () => {
    const { key } = await newAgency();
    const name = unique();
    const leads = Array.from({ length: 40 }, (_, i) => ({ contact: { lastName: name, phone: `030 55${i}` } }));
    const slowly = receiveAgencyLeads(
      deps({
        retryWithinMs: 600,
        concurrency: 4,
        intake: {
          ...deps().intake,
          inbox: {
            // every write takes 300 ms: 40 leads four at a time cannot finish within 600 ms
            create: async (entry, guard) => {
              await new Promise((done) => setTimeout(done, 300));
              await inbox.create(entry, guard);
            },
          },
        },
      }),
    );

    const refused = await failureOf(slowly(leadsRequest(key, leads, { 'idempotency-key': `slow-${name}` })));
    const stored = (await entriesNamed(name)).length;
    const retried = await receiveAgencyLeads(deps())(leadsRequest(key, leads, { 'idempotency-key': `slow-${name}` }));

    expect(refused).toMatchObject({ code: 'busy', headers: { 'retry-after': '5' } });
    expect(stored).toBeLessThan(40);
    expect(resultsOf(retried).map((r) => r.status)).toEqual(Array(40).fill('created'));
    expect(await entriesNamed(name)).toHaveLength(40);
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
    expect(attempt).toMatchObject({ code: 'invalid-api-key' });
    expect(read.body).toMatchObject({ keys: [{ id: keyId, revokedAt: now().toISOString() }] });
    expect(JSON.stringify(read.body)).not.toContain(key.slice(13));
    expect(JSON.stringify(read.body)).not.toContain('secretHash');
    expect(again.status).toBe(204);
    expect(unknown).toMatchObject({ code: 'not-found' });
    expect(await entriesNamed(name)).toHaveLength(0);
  });

  it('counts leads in one DynamoDB counter per agency and minute, letting concurrent batches past the limit never', async () => {
    const { agency, key } = await newAgency({ rateLimitPerMinute: 5 });
    const name = unique();
    const receive = receiveAgencyLeads(deps());

    const attempts = await Promise.allSettled(
      Array.from({ length: 8 }, (_, i) =>
        receive(leadsRequest(key, [{ contact: { lastName: name, phone: `030 ${i}` } }])),
      ),
    );
    const counter = await doc.send(
      new GetCommand({ TableName: tableName, Key: agencyRates.key(agency.id, rateWindowAt(now()).window) }),
    );
    const refused = attempts.filter((a) => a.status === 'rejected');

    expect(attempts.filter((a) => a.status === 'fulfilled')).toHaveLength(5);
    expect(refused).toHaveLength(3);
    for (const r of refused) {
      expect(r.status === 'rejected' && r.reason).toMatchObject({
        code: 'rate-limited',
        headers: { 'retry-after': '30' },
      });
    }
    expect(counter.Item).toMatchObject({ leads: 5, ttl: Date.parse('2031-03-03T10:21:00.000Z') / 1000 + 300 });
    expect(await entriesNamed(name)).toHaveLength(5);
  });

  it('refuses a batch larger than a minute’s limit with 400 naming leads, not a 429 that waiting cannot cure', async () => {
    const { key } = await newAgency({ rateLimitPerMinute: 3 });
    const name = unique();

    const refused = await failureOf(
      receiveAgencyLeads(deps())(
        leadsRequest(
          key,
          Array.from({ length: 4 }, (_, i) => ({ contact: { lastName: name, phone: `030 9${i}` } })),
        ),
      ),
    );

    expect(refused).toMatchObject({ code: 'validation-failed', errors: [expect.objectContaining({ field: 'leads' })] });
    expect(await entriesNamed(name)).toHaveLength(0);
  });
});

import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeAll, describe, expect, it } from 'vitest';
import type { LeadReceivedV1 } from '../../events/lead-received.v1.ts';
import { checkDuplicates } from '../../functions/duplicates/check-duplicates.ts';
import { tableCandidateFinder } from '../../functions/duplicates/find-candidates.ts';
import { sweepPendingChecks } from '../../functions/duplicates/sweep-pending-checks.ts';
import { createIdempotencyStore } from '../../functions/inbox/idempotency.ts';
import { createInboxEntryRepository } from '../../functions/inbox/inbox-entry.repository.ts';
import { createQueuePublisher } from '../../functions/shared/queue-publisher.ts';
import { createSubmissionGate } from '../../functions/webforms/submission-limits.ts';
import { submitWebform } from '../../functions/webforms/submit-webform.ts';
import { createWebformRepository } from '../../functions/webforms/webform.repository.ts';
import { documentClient, mentioning, queueUrl, sqsClient, tableName, takeMessage } from '../support/aws.ts';
import { apiEvent } from '../support/events.ts';
import { ensureDemoForm } from '../support/fixtures.ts';

const doc = documentClient();
const inbox = createInboxEntryRepository(doc, tableName);
const findCandidates = tableCandidateFinder(doc, tableName);
const forms = createWebformRepository(doc, tableName);

/** An SQS client whose sends fail: the fault the real emulator cannot produce on demand. */
const failingSqs = (): SQSClient => {
  const client = new SQSClient({ region: 'eu-west-1' });
  mockClient(client).on(SendMessageCommand).rejects(new Error('SQS is unavailable'));
  return client;
};

const submitWith = (sqs: SQSClient, now: Date) =>
  submitWebform({
    forms,
    inbox,
    idempotency: createIdempotencyStore(doc, tableName),
    publisher: createQueuePublisher(sqs),
    duplicateCheckQueueUrl: queueUrl('duplicate-check'),
    gate: createSubmissionGate(),
    now: () => now,
  });

const post = (email: string) => ({
  body: { lastName: 'Lost', email },
  bodyKind: 'json' as const,
  path: { formKey: 'demo' },
  query: undefined,
  user: null,
  headers: {},
  event: apiEvent({ routeKey: 'POST /v1/webforms/{formKey}/submissions' }),
  requestId: 'r',
});

const maxFailures = 3;

/** When the sweeper last re-requested this entry's check (it is still pending). */
const lastSweptAt = async (id: string): Promise<string | null | undefined> =>
  (await inbox.listPendingChecks(new Date(Date.now() + 3_600_000).toISOString(), 1000)).find((p) => p.id === id)
    ?.lastSweptAt;

const sweep = (now: Date, resweepSeconds = 0) =>
  sweepPendingChecks({
    inbox,
    publisher: createQueuePublisher(sqsClient()),
    duplicateCheckQueueUrl: queueUrl('duplicate-check'),
    graceSeconds: 300,
    resweepSeconds,
    maxFailures,
    now: () => now,
  });

describe('an entry whose check could not be requested', () => {
  beforeAll(async () => {
    await ensureDemoForm(forms);
  });

  it('is acknowledged, stays pending, and is checked after the sweeper re-requests it', async () => {
    const created = new Date(Date.now() - 10 * 60_000);
    const res = await submitWith(failingSqs(), created)(post('sweep-me@example.com'));
    const id = (res.body as { id: string }).id;
    const before = await inbox.get(id);

    const tooEarly = await inbox.listPendingChecks(new Date(created.getTime() - 1).toISOString(), 1000);
    await sweep(new Date());
    const message = (await takeMessage('duplicate-check', mentioning(id))) as LeadReceivedV1;
    await checkDuplicates({ inbox, findCandidates, now: () => new Date() })(message);
    const after = await inbox.get(id);
    const stillPending = await inbox.listPendingChecks(new Date().toISOString(), 1000);

    expect(res.status).toBe(201);
    expect(before?.duplicateCheck.status).toBe('pending');
    expect(tooEarly.map((p) => p.id)).not.toContain(id);
    expect(message).toMatchObject({ type: 'lead-received', inboxEntryId: id });
    expect(after?.duplicateCheck.status).toBe('done');
    expect(stillPending.map((p) => p.id)).not.toContain(id);
  });

  it('leaves entries younger than the grace period to the first request', async () => {
    const res = await submitWith(failingSqs(), new Date())(post('too-young@example.com'));
    const id = (res.body as { id: string }).id;

    await sweep(new Date());

    expect((await inbox.listPendingChecks(new Date(Date.now() + 1000).toISOString(), 1000)).map((p) => p.id)).toContain(
      id,
    );
    expect((await inbox.get(id))?.duplicateCheck.status).toBe('pending');
  });

  it('waits for a re-request’s retry window before it requests again', async () => {
    const res = await submitWith(failingSqs(), new Date(Date.now() - 10 * 60_000))(post('patient@example.com'));
    const id = (res.body as { id: string }).id;
    const first = new Date();
    const later = new Date(first.getTime() + 700_000);

    await sweep(first, 600);
    await takeMessage('duplicate-check', mentioning(id));
    await sweep(new Date(first.getTime() + 60_000), 600);
    const afterTooSoon = await lastSweptAt(id);
    await sweep(later, 600);
    const message = await takeMessage('duplicate-check', mentioning(id));

    expect(afterTooSoon).toBe(first.toISOString());
    expect(await lastSweptAt(id)).toBe(later.toISOString());
    expect(message).toMatchObject({ type: 'lead-received', inboxEntryId: id });
  });

  it('is marked failed, not re-requested forever, when the worker keeps failing on it', async () => {
    const res = await submitWith(failingSqs(), new Date(Date.now() - 20 * 60_000))(post('always-fails@example.com'));
    const id = (res.body as { id: string }).id;
    const brokenWorker = checkDuplicates({
      inbox,
      findCandidates: async () => {
        throw new Error('lookup broken');
      },
      now: () => new Date(),
    });

    for (let i = 0; i < maxFailures; i += 1) {
      await sweep(new Date());
      const message = (await takeMessage('duplicate-check', mentioning(id))) as LeadReceivedV1;
      await expect(brokenWorker(message)).rejects.toThrow('lookup broken');
    }
    const last = await sweep(new Date());
    const entry = await inbox.get(id);

    expect(last.failed).toBeGreaterThanOrEqual(1);
    expect(entry?.duplicateCheck.status).toBe('failed');
    expect((await inbox.listPendingChecks(new Date().toISOString(), 1000)).map((p) => p.id)).not.toContain(id);
  });
});

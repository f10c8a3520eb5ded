// The business metrics a lead's way writes (EMF lines on stdout, shared/metrics.ts), against
// DynamoDB Local and the emulator: one lead accepted on its channel when it is stored, none for a
// replay of its Idempotency-Key or for spam, and one duplicate check by its outcome, however often
// the check's message is delivered.
import { ulid } from 'ulid';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { LeadReceivedV1 } from '../../events/lead-received.v1.ts';
import { createPersonRepository } from '../../functions/contacts/person.repository.ts';
import { checkDuplicates } from '../../functions/duplicates/check-duplicates.ts';
import { tableCandidateFinder } from '../../functions/duplicates/find-candidates.ts';
import { createIdempotencyStore } from '../../functions/inbox/idempotency.ts';
import { createInboxEntryRepository } from '../../functions/inbox/inbox-entry.repository.ts';
import { createInboxEntryWriter } from '../../functions/inbox/inbox-entry-writer.ts';
import { createQueuePublisher } from '../../functions/shared/queue-publisher.ts';
import { createSubmissionGate } from '../../functions/webforms/submission-limits.ts';
import { submitWebform } from '../../functions/webforms/submit-webform.ts';
import { createWebformRepository } from '../../functions/webforms/webform.repository.ts';
import { documentClient, mentioning, queueUrl, sqsClient, tableName, takeMessage } from '../support/aws.ts';
import { webformSubmission } from '../support/events.ts';
import { aPerson, ensureDemoForm } from '../support/fixtures.ts';

const doc = documentClient();
const inbox = createInboxEntryRepository(doc, tableName);
const forms = createWebformRepository(doc, tableName);

/** The EMF data points written while recording, as { metric, dimensions, value }. */
let points: { metric: string; dimensions: Record<string, string>; value: number }[] = [];

beforeAll(async () => {
  await ensureDemoForm(forms);
});

afterEach(() => {
  vi.restoreAllMocks();
});

const recordMetrics = () => {
  points = [];
  const take = (text: string) => {
    for (const line of text.split('\n')) {
      if (!line.includes('"_aws"')) continue;
      const emf = JSON.parse(line) as Record<string, unknown> & {
        _aws: { CloudWatchMetrics: { Dimensions: string[][]; Metrics: { Name: string }[] }[] };
      };
      const [directive] = emf._aws.CloudWatchMetrics;
      for (const { Name } of directive?.Metrics ?? []) {
        const dimensions = Object.fromEntries((directive?.Dimensions[0] ?? []).map((d) => [d, String(emf[d])]));
        points.push({ metric: Name, dimensions, value: Number(emf[Name]) });
      }
    }
  };
  vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => take(args.map(String).join(' ')));
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    take(String(chunk));
    return true;
  });
};

const submit = submitWebform({
  forms,
  inbox: createInboxEntryWriter(doc, tableName),
  idempotency: createIdempotencyStore(doc, tableName),
  publisher: createQueuePublisher(sqsClient()),
  duplicateCheckQueueUrl: queueUrl('duplicate-check'),
  gate: createSubmissionGate(),
  now: () => new Date(),
});

describe('business metrics of a lead’s way', () => {
  it('count a lead accepted once per stored lead, and a check once by its outcome however often it is delivered', async () => {
    const email = `metric.${ulid().toLowerCase()}@example.com`;
    await createPersonRepository(doc, tableName).create(
      aPerson({ firstName: 'Mia', lastName: 'Metrik', emails: [email] }),
    );
    const worker = checkDuplicates({
      inbox,
      findCandidates: tableCandidateFinder(doc, tableName),
      now: () => new Date(),
    });

    recordMetrics();
    const body = { firstName: 'Mia', lastName: 'Metrik', email };
    const first = await submit(webformSubmission(body, { 'idempotency-key': `k-${ulid()}` }));
    const id = (first.body as { id: string }).id;
    const second = await submit(webformSubmission(body, { 'idempotency-key': `k-${ulid()}` }));
    const message = (await takeMessage('duplicate-check', mentioning(id))) as LeadReceivedV1;
    await worker(message);
    await worker(message);
    vi.restoreAllMocks();

    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    // two stored leads (two keys): two accepted; the same message twice: one check
    expect(points.filter((p) => p.metric === 'LeadsAccepted')).toEqual([
      { metric: 'LeadsAccepted', dimensions: { service: 'kontakt', channel: 'webform' }, value: 1 },
      { metric: 'LeadsAccepted', dimensions: { service: 'kontakt', channel: 'webform' }, value: 1 },
    ]);
    expect(points.filter((p) => p.metric === 'DuplicateChecks')).toEqual([
      { metric: 'DuplicateChecks', dimensions: { service: 'kontakt', outcome: 'match' }, value: 1 },
    ]);
  });

  it('count nothing for the same Idempotency-Key sent again', async () => {
    const key = `k-${ulid()}`;
    const body = { lastName: 'Wiederholt', email: `again.${ulid().toLowerCase()}@example.com` };
    await submit(webformSubmission(body, { 'idempotency-key': key }));

    recordMetrics();
    const again = await submit(webformSubmission(body, { 'idempotency-key': key }));
    vi.restoreAllMocks();

    expect(again.status).toBe(201);
    expect(points).toEqual([]);
  });
});

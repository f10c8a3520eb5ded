import { ulid } from 'ulid';
import { beforeAll, describe, expect, it } from 'vitest';
import type { LeadReceivedV1 } from '../../events/lead-received.v1.ts';
import { createPersonRepository } from '../../functions/contacts/person.repository.ts';
import { checkDuplicates } from '../../functions/duplicates/check-duplicates.ts';
import { tableCandidateFinder } from '../../functions/duplicates/find-candidates.ts';
import { createIdempotencyStore } from '../../functions/inbox/idempotency.ts';
import { createInboxEntryRepository } from '../../functions/inbox/inbox-entry.repository.ts';
import { createQueuePublisher } from '../../functions/shared/queue-publisher.ts';
import { createSubmissionGate } from '../../functions/webforms/submission-limits.ts';
import { submitWebform } from '../../functions/webforms/submit-webform.ts';
import { createWebformRepository } from '../../functions/webforms/webform.repository.ts';
import { documentClient, mentioning, queueUrl, sqsClient, tableName, takeMessage } from '../support/aws.ts';
import { webformSubmission } from '../support/events.ts';
import { aPerson, ensureDemoForm } from '../support/fixtures.ts';

const doc = documentClient();
const inbox = createInboxEntryRepository(doc, tableName);
const persons = createPersonRepository(doc, tableName);
const findCandidates = tableCandidateFinder(doc, tableName);
const forms = createWebformRepository(doc, tableName);
const sqs = sqsClient();

describe('web form → inbox → duplicate check (DynamoDB Local + emulator)', () => {
  beforeAll(async () => {
    await ensureDemoForm(forms);
  });

  it('stores the entry, requests its check, and the worker finds the person with the same email', async () => {
    const email = `Max.Muster.${ulid()}@Example.com`;
    const person = aPerson({ firstName: 'Max', lastName: 'Muster', emails: [email] });
    await persons.create(person);
    const submit = submitWebform({
      forms,
      inbox,
      idempotency: createIdempotencyStore(doc, tableName),
      publisher: createQueuePublisher(sqs),
      duplicateCheckQueueUrl: queueUrl('duplicate-check'),
      gate: createSubmissionGate(),
      now: () => new Date(),
    });

    const res = await submit(
      webformSubmission({ firstName: 'Max', lastName: 'Muster', email: ` ${email.toLowerCase()} ` }),
    );
    const id = (res.body as { id: string }).id;
    const stored = await inbox.get(id);
    const message = (await takeMessage('duplicate-check', mentioning(id))) as LeadReceivedV1;
    await checkDuplicates({ inbox, findCandidates, now: () => new Date() })(message);
    const checked = await inbox.get(id);

    expect(res.status).toBe(201);
    expect(stored?.duplicateCheck.status).toBe('pending');
    expect(message).toMatchObject({ type: 'lead-received', version: 1, inboxEntryId: id, source: 'webform' });
    expect(checked?.duplicateCheck).toMatchObject({
      status: 'done',
      candidates: [
        {
          kind: 'person',
          id: person.id,
          level: 'match',
          reasons: expect.arrayContaining(['email_equal', 'first_name_equal', 'last_name_equal']),
          score: expect.closeTo(1, 2),
        },
      ],
    });
  });

  it('changes nothing when the same message is delivered again', async () => {
    const submit = submitWebform({
      forms,
      inbox,
      idempotency: createIdempotencyStore(doc, tableName),
      publisher: createQueuePublisher(sqs),
      duplicateCheckQueueUrl: queueUrl('duplicate-check'),
      gate: createSubmissionGate(),
      now: () => new Date(),
    });
    const res = await submit(webformSubmission({ lastName: 'Nobody', email: `nobody-${ulid()}@example.com` }));
    const id = (res.body as { id: string }).id;
    const message = (await takeMessage('duplicate-check', mentioning(id))) as LeadReceivedV1;
    const worker = checkDuplicates({ inbox, findCandidates, now: () => new Date() });

    await worker(message);
    const first = await inbox.get(id);
    await worker(message);
    const second = await inbox.get(id);

    expect(first?.duplicateCheck.status).toBe('done');
    expect(first?.duplicateCheck.candidates).toEqual([]);
    expect(second).toEqual(first);
  });

  it('stores the submission before it requests its check, so the worker never gets a message about an entry it cannot read', async () => {
    const real = createQueuePublisher(sqs);
    const seenAtSend: { inboxEntryId: string; stored: boolean }[] = [];
    // looks the entry up in DynamoDB Local at the moment of the send, then sends as production does
    const publisher = {
      publish: async (url: string, event: LeadReceivedV1) => {
        if (event.type === 'lead-received') {
          seenAtSend.push({
            inboxEntryId: event.inboxEntryId,
            stored: (await inbox.get(event.inboxEntryId, { consistent: true })) !== null,
          });
        }
        await real.publish(url, event);
      },
    };
    const submit = submitWebform({
      forms,
      inbox,
      idempotency: createIdempotencyStore(doc, tableName),
      publisher,
      duplicateCheckQueueUrl: queueUrl('duplicate-check'),
      gate: createSubmissionGate(),
      now: () => new Date(),
    });

    const res = await submit(webformSubmission({ lastName: 'Ordered', email: `ordered-${ulid()}@example.com` }));
    const id = (res.body as { id: string }).id;
    const message = (await takeMessage('duplicate-check', mentioning(id))) as LeadReceivedV1;

    expect(res.status).toBe(201);
    expect(seenAtSend).toEqual([{ inboxEntryId: id, stored: true }]);
    expect(message).toMatchObject({ type: 'lead-received', inboxEntryId: id });
  });

  it('refuses to overwrite an existing entry id', async () => {
    const submit = submitWebform({
      forms,
      inbox,
      idempotency: createIdempotencyStore(doc, tableName),
      publisher: createQueuePublisher(sqs),
      duplicateCheckQueueUrl: queueUrl('duplicate-check'),
      gate: createSubmissionGate(),
      now: () => new Date(),
    });
    const res = await submit(webformSubmission({ lastName: 'Once', email: 'once@example.com' }));
    const entry = await inbox.get((res.body as { id: string }).id);
    if (!entry) throw new Error('not stored');

    await expect(inbox.create({ ...entry, title: 'overwritten' })).rejects.toMatchObject({ code: 'already-exists' });
    expect((await inbox.get(entry.id))?.title).toBe(entry.title);
  });
});

// A guard that expires between the write that found it taken and the read of it is free again:
// the lead is stored anew (DynamoDB Local cannot time that race, so the read is faked here).
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import type { InboxEntry } from '../../../domain/inbox/inbox-entry.ts';
import { facebookLeads } from '../../../functions/facebook/facebook-lead.entity.ts';
import { IdempotencyKeyTakenError, type IdempotencyWrite } from '../../../functions/inbox/inbox-entry.repository.ts';
import { type Lead, storeLead } from '../../../functions/inbox/intake.ts';

const now = new Date('2031-05-04T08:09:10.000Z');
const nowEpoch = Math.floor(now.getTime() / 1000);
const lead: Lead = {
  source: 'facebook',
  priority: 'normal',
  responsibleUserId: null,
  contact: { lastName: 'Müller' },
  raw: {},
  createdBy: null,
};
const guard = { key: facebookLeads.key('777'), entity: facebookLeads.name, ttlSeconds: 60 };

/** An inbox whose first `taken` writes find the guard taken; it records what it stored. */
const inboxTaking = (taken: number) => {
  const stored: { entry: InboxEntry; guards: readonly IdempotencyWrite[] }[] = [];
  let writes = 0;
  return {
    stored,
    create: async (entry: InboxEntry, guards?: IdempotencyWrite | readonly IdempotencyWrite[]) => {
      writes += 1;
      if (writes <= taken) throw new IdempotencyKeyTakenError('taken', { guardIndex: 0 });
      stored.push({ entry, guards: guards === undefined ? [] : 'key' in guards ? [guards] : guards });
    },
  };
};

const setup = (taken: number, storedGuard: Record<string, unknown>) => {
  const doc = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'eu-west-1' }));
  mockClient(doc).on(GetCommand).resolves({ Item: storedGuard });
  const inbox = inboxTaking(taken);
  const published: unknown[] = [];
  const deps = {
    inbox,
    doc,
    tableName: 'table',
    publisher: { publish: async (_url: string, event: unknown) => void published.push(event) },
    duplicateCheckQueueUrl: 'queue',
    now: () => now,
  };
  return { deps, inbox, published };
};

describe('storing a lead whose guard is taken', () => {
  it('answers the first entry while the guard holds', async () => {
    const { deps, inbox } = setup(1, { inboxEntryId: 'FIRST', createdAt: now.toISOString(), ttl: nowEpoch + 30 });

    const result = await storeLead(deps, lead, guard);

    expect(result).toEqual({ status: 'duplicate_delivery', id: 'FIRST', guard: 0 });
    expect(inbox.stored).toEqual([]);
  });

  it('stores the lead anew when the guard has expired since the write found it', async () => {
    const { deps, inbox, published } = setup(1, { inboxEntryId: 'FIRST', createdAt: now.toISOString(), ttl: nowEpoch });

    const result = await storeLead(deps, lead, guard);

    expect(result.status).toBe('created');
    expect(inbox.stored).toHaveLength(1);
    expect(inbox.stored[0]?.guards[0]?.record).toEqual({
      pk: 'FBLEAD#777',
      sk: 'FBLEAD',
      _et: 'facebook-lead',
      _v: 1,
      inboxEntryId: inbox.stored[0]?.entry.id,
      createdAt: now.toISOString(),
      ttl: nowEpoch + 60,
    });
    expect(published).toHaveLength(1);
  });

  it('gives up after three writes that found an expired guard, answering the entry it names', async () => {
    const { deps, inbox } = setup(3, { inboxEntryId: 'FIRST', createdAt: now.toISOString(), ttl: nowEpoch });

    const result = await storeLead(deps, lead, guard);

    expect(result).toEqual({ status: 'duplicate_delivery', id: 'FIRST', guard: 0 });
    expect(inbox.stored).toEqual([]);
  });
});

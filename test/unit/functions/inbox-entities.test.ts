// The inbox's entities write exactly these items (keys, index keys, tags, ttl, attributes): a change
// of any of them orphans stored data unless a migration moves it (infra/scripts/*-migration.ts).
// The busy lists are sharded (shard = FNV-1a of the id mod 8; the id ending 1 is in shard 3, the
// one ending 2 in shard 6): the literals pin the hash too, which must never change.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { describe, expect, it } from 'vitest';
import { createInboxEntry, type InboxEntry } from '../../../domain/inbox/inbox-entry.ts';
import { archiveInboxEntry } from '../../../domain/inbox/inbox-workflow.ts';
import { facebookLeads } from '../../../functions/facebook/facebook-lead.entity.ts';
import { createIdempotencyStore } from '../../../functions/inbox/idempotency.ts';
import { idempotencyRecords } from '../../../functions/inbox/idempotency-record.entity.ts';
import {
  checkBookkeeping,
  inboxEntries,
  listIndexAttributes,
  pendingCheckAttributes,
  wholeInboxAttributes,
} from '../../../functions/inbox/inbox-entry.entity.ts';
import { toInboxEntryResponse } from '../../../functions/inbox/inbox-entry-response.ts';
import {
  inboxSearchItem,
  inboxSearchItems,
  searchItemParts,
} from '../../../functions/inbox/inbox-search-item.entity.ts';
import { LeadGuardRecord, leadGuardItem } from '../../../functions/inbox/lead-guard.entity.ts';

/** What the document client stores: the exact attribute values, types included. */
const stored = (item: Record<string, unknown>) => marshall(item, { removeUndefinedValues: true });

const now = new Date('2031-05-04T08:09:10.123Z');
const at = '2031-05-04T08:09:10.123Z';
const id = '01JINBOX000000000000000001';

const assigned = createInboxEntry(
  {
    id,
    source: 'webform',
    priority: 'high',
    responsibleUserId: 'u-anna',
    contact: { firstName: 'Jürgen', lastName: 'Müller', email: 'j.mueller@example.de' },
    message: 'Rückruf bitte',
    raw: { formKey: 'demo' },
    createdBy: null,
  },
  now,
);
const spam = createInboxEntry(
  {
    id: '01JINBOX000000000000000002',
    source: 'webform',
    priority: 'normal',
    responsibleUserId: null,
    contact: { email: 'x@spam.example' },
    raw: {},
    createdBy: null,
    spam: true,
  },
  now,
);
const checked: InboxEntry = {
  ...assigned,
  responsibleUserId: null,
  duplicateCheck: { status: 'done', checkedAt: at, candidates: [] },
};
const archived = archiveInboxEntry(checked, 'no_interest', 'u-anna', now);

describe('stored inbox entries', () => {
  it('keeps the item of a new entry: its status and user lists, the pending check and revision 1, not yet the whole inbox', () => {
    const expected = {
      pk: `INBOX#${id}`,
      sk: 'INBOX',
      gsi1pk: 'INBOX#STATUS#assigned#3',
      gsi1sk: `${at}#${id}`,
      gsi2pk: 'INBOX#USER#u-anna#3',
      gsi2sk: `${at}#${id}`,
      gsi3pk: 'DUPCHECK#PENDING#3',
      gsi3sk: `${at}#${id}`,
      _et: 'inbox-entry',
      _v: 1,
      checkRevision: 1,
      ...assigned,
    };

    expect(inboxEntries.item(assigned)).toStrictEqual(expected);
    expect(stored(inboxEntries.item(assigned))).toStrictEqual(stored(expected));
  });

  it('keeps spam apart: the spam list only, and a ttl 30 days after it came', () => {
    const expected = {
      pk: 'INBOX#01JINBOX000000000000000002',
      sk: 'INBOX',
      gsi1pk: 'INBOX#SPAM#6',
      gsi1sk: `${at}#01JINBOX000000000000000002`,
      _et: 'inbox-entry',
      _v: 1,
      ttl: 1_938_240_550,
      checkRevision: 1,
      ...spam,
    };

    expect(inboxEntries.item(spam)).toStrictEqual(expected);
    expect(stored(inboxEntries.item(spam))).toStrictEqual(stored(expected));
  });

  it('keeps the lists of an archived entry without a user or a pending check', () => {
    expect(inboxEntries.item(archived)).toStrictEqual({
      pk: `INBOX#${id}`,
      sk: 'INBOX',
      gsi1pk: 'INBOX#STATUS#archived#3',
      gsi1sk: `${at}#${id}`,
      gsi4pk: 'INBOX#3',
      gsi4sk: `${at}#${id}`,
      _et: 'inbox-entry',
      _v: 1,
      checkRevision: 1,
      ...archived,
    });
  });

  it('moves an entry between lists by the same index attributes, removing the ones it leaves', () => {
    expect(listIndexAttributes(archived)).toStrictEqual({
      gsi1pk: 'INBOX#STATUS#archived#3',
      gsi1sk: `${at}#${id}`,
      gsi2pk: null,
      gsi2sk: null,
      gsi4pk: 'INBOX#3',
      gsi4sk: `${at}#${id}`,
    });
    expect(listIndexAttributes({ ...archived, archiveReason: 'spam' })).toStrictEqual({
      gsi1pk: 'INBOX#SPAM#3',
      gsi1sk: `${at}#${id}`,
      gsi2pk: null,
      gsi2sk: null,
      gsi4pk: null,
      gsi4sk: null,
    });
    expect(pendingCheckAttributes(archived)).toStrictEqual({ gsi3pk: 'DUPCHECK#PENDING#3', gsi3sk: `${at}#${id}` });
    expect(wholeInboxAttributes(assigned)).toStrictEqual({ gsi4pk: 'INBOX#3', gsi4sk: `${at}#${id}` });
  });

  it('reads every shard of a list', () => {
    const created = { from: '0000', to: '\uffff' };
    const shards = (list: string) => Array.from({ length: 8 }, (_, i) => `${list}#${i}`);
    expect(inboxEntries.patterns.all(created)).toEqual({
      index: 'gsi4',
      list: 'INBOX',
      partitions: shards('INBOX'),
      sort: created,
    });
    expect(inboxEntries.patterns.byStatus('new')).toEqual({
      index: 'gsi1',
      list: 'INBOX#STATUS#new',
      partitions: shards('INBOX#STATUS#new'),
    });
    expect(inboxEntries.patterns.byResponsible('u-anna')).toEqual({
      index: 'gsi2',
      list: 'INBOX#USER#u-anna',
      partitions: shards('INBOX#USER#u-anna'),
    });
    expect(inboxEntries.patterns.spam()).toEqual({
      index: 'gsi1',
      list: 'INBOX#SPAM',
      partitions: shards('INBOX#SPAM'),
    });
    expect(inboxEntries.patterns.pendingChecks(at)).toEqual({
      index: 'gsi3',
      list: 'DUPCHECK#PENDING',
      partitions: shards('DUPCHECK#PENDING'),
      sort: { below: at },
    });
  });

  it('reads an entry stored before the check bookkeeping as revision 1, never failed or swept', () => {
    expect(checkBookkeeping({ ...assigned })).toEqual({ checkRevision: 1, checkFailures: 0, lastSweptAt: null });
    expect(inboxEntries.parse(inboxEntries.item(assigned))).toStrictEqual(assigned);
  });
});

describe('stored search items', () => {
  it('keeps a token’s item: a shard of the partition of its first two characters, newest first within the token', () => {
    const expected = {
      pk: 'INBOXQ#mu#3',
      sk: `mueller#8064351449876#${id}`,
      _et: 'inbox-search',
      _v: 1,
      entryId: id,
    };

    expect(inboxSearchItem('mueller', assigned)).toStrictEqual(expected);
    expect(inboxSearchItems.parse(expected)).toStrictEqual({ entryId: id });
    expect(inboxSearchItems.patterns.byPrefix('muel')).toEqual({
      index: null,
      list: 'INBOXQ#mu',
      partitions: Array.from({ length: 8 }, (_, i) => `INBOXQ#mu#${i}`),
      sort: { beginsWith: 'muel' },
    });
    expect(searchItemParts(expected)).toEqual({ token: 'mueller', entryId: id, createdAt: at });
  });
});

describe('stored guards of the intake', () => {
  it('keeps a Facebook lead’s guard: under its leadgen id, naming the entry it let through', () => {
    const key = facebookLeads.key('444555666');
    const record = { inboxEntryId: id, createdAt: at };

    expect(leadGuardItem(key, facebookLeads.name, record)).toStrictEqual({
      pk: 'FBLEAD#444555666',
      sk: 'FBLEAD',
      _et: 'facebook-lead',
      _v: 1,
      inboxEntryId: id,
      createdAt: at,
    });
    expect(LeadGuardRecord.parse(leadGuardItem(key, facebookLeads.name, record))).toStrictEqual(record);
  });

  it('keeps a guard that counts only for a while with its ttl', () => {
    expect(
      leadGuardItem(facebookLeads.key('1'), 'facebook-lead', { inboxEntryId: id, createdAt: at, ttl: 42 }),
    ).toEqual(expect.objectContaining({ ttl: 42 }));
  });

  it('keeps an idempotency record: scope and key in the partition, the first answer, 24 hours', () => {
    const store = createIdempotencyStore(DynamoDBDocumentClient.from(new DynamoDBClient({})), 'table');
    const answer = { status: 201, body: { id } };

    const write = store.write('webform:demo', 'k#1', 'hash', answer, now);

    expect({ ...write.key, ...write.record }).toStrictEqual({
      pk: 'IDEMPOTENCY#webform:demo#k#1',
      sk: 'IDEMPOTENCY',
      _et: 'idempotency',
      _v: 1,
      requestHash: 'hash',
      answer,
      createdAt: at,
      ttl: 1_935_734_950,
    });
    expect(write.nowEpoch).toBe(1_935_648_550);
    expect(idempotencyRecords.parse(write.record)).toStrictEqual({
      requestHash: 'hash',
      answer,
      createdAt: at,
      ttl: 1_935_734_950,
    });
  });
});

describe('the inbox entry API shape', () => {
  it('answers what it answered before, byte for byte, and none of the storage attributes', () => {
    const created = createInboxEntry(
      {
        id,
        source: 'webform',
        priority: 'high',
        responsibleUserId: null,
        contact: { lastName: 'Müller', phone: '+49 30 1234567' },
        expectedBudget: { amount: 1200, currency: 'EUR' },
        consent: { text: 'Ich willige ein', givenAt: at },
        tracking: { pageUrl: 'https://example.de/kontakt', utm: { source: 'newsletter', campaign: 'herbst' } },
        raw: {},
        createdBy: null,
      },
      now,
    );
    const full: InboxEntry = {
      ...created,
      duplicateCheck: {
        status: 'done',
        checkedAt: at,
        candidates: [{ kind: 'person', id: 'P1', score: 0.97, level: 'match', reasons: ['same email'] }],
      },
    };

    for (const entry of [assigned, spam, archived, full]) {
      const answer = JSON.stringify(toInboxEntryResponse(inboxEntries.parse(inboxEntries.item(entry))));
      expect(answer).toBe(JSON.stringify(entry));
      expect(answer).not.toMatch(/"(pk|sk|gsi\dpk|gsi\dsk|_et|_v|ttl|checkRevision)"/);
    }
  });
});

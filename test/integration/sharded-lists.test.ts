// Lists spread over shards read as one: newest first across every shard, pages that neither skip
// nor repeat, filters applied in the shards, cursors bound to their list; and data stored before
// the lists were sharded moved by the migration (DynamoDB Local).
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { ulid } from 'ulid';
import { describe, expect, it } from 'vitest';
import { createInboxEntry } from '../../domain/inbox/inbox-entry.ts';
import { KontaktError } from '../../domain/shared/errors.ts';
import { emails } from '../../functions/emails/email.entity.ts';
import { createEmailRepository } from '../../functions/emails/email.repository.ts';
import { inboxEntries } from '../../functions/inbox/inbox-entry.entity.ts';
import { createInboxEntryRepository } from '../../functions/inbox/inbox-entry.repository.ts';
import { inboxSearchItems } from '../../functions/inbox/inbox-search-item.entity.ts';
import { indexAttributes, onShards, shardedPartition } from '../../functions/shared/entity.ts';
import { createStore } from '../../functions/shared/store.ts';
import { listShardsUpToDate, migrateListShards } from '../../infra/scripts/list-shards-migration.ts';
import { documentClient, tableName } from '../support/aws.ts';
import { anEmail } from '../support/fixtures.ts';

const doc = documentClient();
const store = createStore(doc, tableName);

describe('a sharded list', () => {
  const list = `TESTLIST#${ulid()}`;
  const shards = 4;
  // 61 items at random times in random shards, every third from source "b" (a filter needs an attribute the index projects)
  const items = Array.from({ length: 61 }, (_, i) => {
    const id = ulid();
    const at = new Date(Date.UTC(2031, 0, 1) + Math.floor(Math.random() * 1e9)).toISOString();
    return {
      pk: `T#${id}`,
      sk: 'T',
      gsi1pk: shardedPartition(list, id, shards),
      gsi1sk: `${at}#${id}`,
      source: i % 3 === 0 ? 'b' : 'a',
    };
  });
  const newestFirst = items
    .map((i) => i.gsi1sk)
    .sort()
    .reverse();

  const readAll = async (
    limit: number,
    filter?: { expression: string; names: Record<string, string>; values: Record<string, unknown> },
  ) => {
    const seen: string[] = [];
    const sizes: number[] = [];
    let cursor: string | undefined;
    do {
      const page = await store.queryMerged(onShards('gsi1', list, shards), {
        limit,
        cursor,
        newestFirst: true,
        ...(filter ? { filter } : {}),
      });
      seen.push(...page.items.map((item) => String(item.gsi1sk)));
      sizes.push(page.items.length);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    return { seen, sizes };
  };

  it('reads every shard newest first, page after page, without a gap or a repeat', async () => {
    await store.writeAll(items.map((put) => ({ put })));
    // the items are spread: no shard holds them all
    expect(new Set(items.map((i) => i.gsi1pk)).size).toBe(shards);

    const { seen, sizes } = await readAll(10);

    expect(seen).toEqual(newestFirst);
    // full pages until the last one
    expect(sizes.slice(0, -1).every((n) => n === 10)).toBe(true);
  });

  it('applies a filter in every shard and still keeps the order', async () => {
    const { seen } = await readAll(5, { expression: '#k = :k', names: { '#k': 'source' }, values: { ':k': 'b' } });

    expect(seen).toEqual(
      items
        .filter((i) => i.source === 'b')
        .map((i) => i.gsi1sk)
        .sort()
        .reverse(),
    );
  });

  it('refuses a filter on an attribute the index does not project (DynamoDB does), rather than match nothing', async () => {
    await expect(
      store.queryMerged(onShards('gsi1', list, shards), {
        limit: 5,
        filter: { expression: '#k = :k', names: { '#k': 'kind' }, values: { ':k': 'b' } },
      }),
    ).rejects.toThrow(/does not project one or more filter attributes/);
  });

  it('reads a sort range, and refuses a cursor of another list with a 400 naming cursor', async () => {
    const from = newestFirst[40] as string;
    const to = newestFirst[20] as string;
    const page = await store.queryMerged(onShards('gsi1', list, shards, { from, to }), {
      limit: 100,
      newestFirst: true,
    });
    const other = await store.queryMerged(onShards('gsi1', `${list}-other`, shards), { limit: 1 });
    const mine = await store.queryMerged(onShards('gsi1', list, shards), { limit: 1, newestFirst: true });

    expect(page.items.map((i) => i.gsi1sk)).toEqual(newestFirst.slice(20, 41));
    expect(other.items).toEqual([]);
    await expect(
      store.queryMerged(onShards('gsi1', `${list}-other`, shards), { limit: 1, cursor: mine.nextCursor ?? '' }),
    ).rejects.toSatisfy((e) => e instanceof KontaktError && e.errors?.[0]?.field === 'cursor');
  });
});

describe('moving data stored before the lists were sharded (npm run migrate)', () => {
  it('moves entries, search items and emails to the shards, drops search items of common tokens, and does nothing the second time', async () => {
    const inbox = createInboxEntryRepository(doc, tableName);
    const now = new Date();
    const entry = createInboxEntry(
      {
        id: ulid(),
        source: 'webform',
        priority: 'normal',
        responsibleUserId: null,
        contact: { firstName: 'Jürgen', lastName: 'Zwiebelmann', email: 'j.zwiebelmann@web.de' },
        raw: {},
        createdBy: null,
      },
      now,
    );
    // the items as the earlier layout wrote them: one partition per list, `INBOXQ#<two letters>`, `EMAILS`
    const sort = `${entry.createdAt}#${entry.id}`;
    const {
      gsi1pk: _a,
      gsi1sk: _b,
      gsi2pk: _c,
      gsi2sk: _d,
      gsi3pk: _e,
      gsi3sk: _f,
      ...bare
    } = inboxEntries.item(entry);
    await doc.send(
      new PutCommand({
        TableName: tableName,
        Item: {
          ...bare,
          gsi1pk: 'INBOX#STATUS#new',
          gsi1sk: sort,
          gsi4pk: 'INBOX',
          gsi4sk: sort,
          gsi3pk: 'DUPCHECK#PENDING',
          gsi3sk: sort,
        },
      }),
    );
    const oldSearchItem = (token: string) => {
      const key = inboxSearchItems.key(token, entry.createdAt, entry.id);
      return { pk: `INBOXQ#${token.slice(0, 2)}`, sk: key.sk, _et: 'inbox-search', _v: 1, entryId: entry.id };
    };
    await store.writeAll([{ put: oldSearchItem('zwiebelmann') }, { put: oldSearchItem('de') }]);
    const email = { ...anEmail(), id: ulid(), sesMessageId: ulid() };
    // as stored before the lists were sharded and before the status lists: no status list key
    const { [indexAttributes('gsi2').pk]: _pk, [indexAttributes('gsi2').sk]: _sk, ...unsharded } = emails.item(email);
    await doc.send(new PutCommand({ TableName: tableName, Item: { ...unsharded, gsi1pk: 'EMAILS' } }));

    const first = await migrateListShards(doc, tableName);
    const second = await migrateListShards(doc, tableName);
    const byStatus = await inbox.list({ limit: 100, processingStatus: 'new' });
    const all = await inbox.list({ limit: 100 });
    const found = await inbox.list({ limit: 100, q: 'zwiebel' });
    const pending = await inbox.listPendingChecks('\uffff', 100);
    const mails = await createEmailRepository(doc, tableName).list(100);
    const linkedMails = await createEmailRepository(doc, tableName).list(100, undefined, 'linked');
    const tld = await store.getItem({ pk: 'INBOXQ#de', sk: oldSearchItem('de').sk });

    expect(first).toMatchObject({ entries: 1, searchItems: 1, searchItemsDropped: 1, emails: 1 });
    expect(second).toEqual({
      entries: 0,
      entriesChangedMeanwhile: 0,
      searchItems: 0,
      searchItemsDropped: 0,
      emails: 0,
    });
    expect(await listShardsUpToDate(doc, tableName)).toBe(true);
    expect(byStatus.items.map((e) => e.id)).toContain(entry.id);
    // it was listed in the whole inbox before, and stays there
    expect(all.items.map((e) => e.id)).toContain(entry.id);
    expect(found.items.map((e) => e.id)).toEqual([entry.id]);
    expect(pending.map((p) => p.id)).toContain(entry.id);
    expect(mails.items.map((m) => m.id)).toContain(email.id);
    expect(linkedMails.items.map((m) => m.id)).toContain(email.id);
    expect(tld).toBeUndefined();
  });
});

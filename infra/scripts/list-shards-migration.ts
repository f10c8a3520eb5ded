/**
 * Brings data stored before the busy lists were sharded to the sharded layout, once:
 * - inbox entries get their list keys in the shards (status, whole inbox, responsible user, spam,
 *   pending check), each only if the entry is still the version read (one changed meanwhile is
 *   read again and moved as it is then);
 * - inbox search items move from `INBOXQ#<two letters>` to their shard, and those of tokens no
 *   longer indexed (domain endings, mailbox providers, legal forms) are deleted;
 * - received emails get their list key in the shards.
 * One Scan of the table; idempotent (a second run finds nothing to move). The local stack runs it
 * by itself when its marker is older; on AWS, `npm run migrate -- --aws --table <TableName>` after
 * the deploy that brings the sharded code (README "Deploy to AWS").
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { commonTokens } from '../../domain/inbox/common-tokens.ts';
import { emails } from '../../functions/emails/email.entity.ts';
import { inboxEntries, listIndexAttributes, pendingCheckAttributes } from '../../functions/inbox/inbox-entry.entity.ts';
import { inboxSearchItem, inboxSearchItems, searchItemParts } from '../../functions/inbox/inbox-search-item.entity.ts';
import { indexAttributes } from '../../functions/shared/entity.ts';
import { createStore, type WriteRequest } from '../../functions/shared/store.ts';
import { markMigrated, migratedLayout } from './migration-markers.ts';

const migration = 'list-shards';
/** 2: emails stored before the status lists get their status list key too (the retention sweep reads it) */
export const listShardsLayout = 2;

export type ListShardsResult = {
  entries: number;
  entriesChangedMeanwhile: number;
  searchItems: number;
  searchItemsDropped: number;
  emails: number;
};

export const listShardsUpToDate = async (doc: DynamoDBDocumentClient, tableName: string): Promise<boolean> =>
  ((await migratedLayout(doc, tableName, migration)) ?? 0) >= listShardsLayout;

export const migrateListShards = async (doc: DynamoDBDocumentClient, tableName: string): Promise<ListShardsResult> => {
  const store = createStore(doc, tableName);
  const result: ListShardsResult = {
    entries: 0,
    entriesChangedMeanwhile: 0,
    searchItems: 0,
    searchItemsDropped: 0,
    emails: 0,
  };
  const gsi1 = indexAttributes('gsi1');
  const gsi2 = indexAttributes('gsi2');
  /** An entry's list keys in the shards, on the condition that it is still the version read. */
  const moveEntry = async (item: Record<string, unknown>): Promise<'moved' | 'in-place' | 'changed'> => {
    const entry = inboxEntries.parse(item);
    const wanted: Record<string, string | null> = {
      ...listIndexAttributes(entry),
      ...(entry.duplicateCheck.status === 'pending' ? pendingCheckAttributes(entry) : {}),
    };
    const changes = Object.entries(wanted).filter(([name, value]) => (item[name] ?? null) !== value);
    if (changes.length === 0) return 'in-place';
    const sets = changes.filter(([, value]) => value !== null);
    const removes = changes.filter(([, value]) => value === null);
    try {
      await store.update(inboxEntries.key(entry.id), {
        expression: [
          sets.length ? `SET ${sets.map((_, i) => `#s${i} = :s${i}`).join(', ')}` : '',
          removes.length ? `REMOVE ${removes.map((_, i) => `#r${i}`).join(', ')}` : '',
        ].join(' '),
        condition: 'version = :version',
        names: {
          ...Object.fromEntries(sets.map(([name], i) => [`#s${i}`, name])),
          ...Object.fromEntries(removes.map(([name], i) => [`#r${i}`, name])),
        },
        values: { ':version': entry.version, ...Object.fromEntries(sets.map(([, value], i) => [`:s${i}`, value])) },
      });
      result.entries += 1;
      return 'moved';
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      return 'changed';
    }
  };
  let start: Record<string, unknown> | undefined;
  do {
    const res = await doc.send(
      new ScanCommand({
        TableName: tableName,
        FilterExpression: '#et IN (:entry, :search, :email)',
        ExpressionAttributeNames: { '#et': '_et' },
        ExpressionAttributeValues: {
          ':entry': inboxEntries.name,
          ':search': inboxSearchItems.name,
          ':email': emails.name,
        },
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    const moves: { put: Record<string, unknown>[]; delete: WriteRequest[] } = { put: [], delete: [] };
    for (const item of res.Items ?? []) {
      if (item._et === inboxEntries.name) {
        // an entry changed meanwhile is read again and moved as it is now (a conversion rewrites only
        // its status key, so no change can be trusted to have moved the rest)
        let current: Record<string, unknown> | undefined = item;
        for (let attempt = 1; current; attempt += 1) {
          const outcome = await moveEntry(current);
          if (outcome !== 'changed') break;
          result.entriesChangedMeanwhile += 1;
          if (attempt >= 5) throw new Error(`inbox entry ${String(item.id)} kept changing; run the migration again`);
          current = await store.getItem({ pk: String(item.pk), sk: String(item.sk) }, { consistent: true });
        }
      } else if (item._et === inboxSearchItems.name) {
        const sk = String(item.sk);
        const { token, entryId, createdAt } = searchItemParts({ sk });
        const target = inboxSearchItems.key(token, createdAt, entryId);
        if (target.pk === item.pk && target.sk === sk) continue;
        moves.delete.push({ delete: { pk: String(item.pk), sk } });
        if (commonTokens.has(token) || token.length < 2) result.searchItemsDropped += 1;
        else {
          moves.put.push(inboxSearchItem(token, { id: entryId, createdAt }));
          result.searchItems += 1;
        }
      } else if (item._et === emails.name) {
        const email = emails.parse(item);
        const wanted = emails.item(email);
        // the list of every email and its status list (an email stored before that list had none)
        const keys = [gsi1.pk, gsi2.pk, gsi2.sk];
        if (keys.every((key) => item[key] === wanted[key])) continue;
        await store.update(emails.key(email.id), {
          expression: 'SET #a = :a, #b = :b, #c = :c',
          names: { '#a': gsi1.pk, '#b': gsi2.pk, '#c': gsi2.sk },
          values: { ':a': wanted[gsi1.pk], ':b': wanted[gsi2.pk], ':c': wanted[gsi2.sk] },
        });
        result.emails += 1;
      }
    }
    // each page's search items: the new ones first, then the old ones deleted, so a run that stops
    // in between leaves a search item twice (found once: a search lists an entry once), never none
    await store.writeAll(moves.put.map((put) => ({ put })));
    await store.writeAll(moves.delete);
    start = res.LastEvaluatedKey;
  } while (start);
  await markMigrated(doc, tableName, migration, listShardsLayout);
  return result;
};

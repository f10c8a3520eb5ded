/**
 * Brings stored data up to the current duplicate protection: every person, company and open inbox
 * entry is written again under its current lookup keys (lookup items of earlier layouts are
 * removed), and the frequency counters are set to counts made from the persons and companies
 * themselves. Idempotent: a second run changes nothing; it also repairs counts that drifted (a
 * change the stream consumer gave up on, see the `stream-failures` queue). Counts are exact only
 * on a quiet table: a change counted by the stream between this run's read and its write is lost
 * or counted twice, so run it in a quiet hour. Maintenance only: it reads whole lists and scans
 * for the items of earlier layouts, which no request path may do.
 */
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  BatchWriteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  ScanCommand,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import { type CountedValue, recordCountedValues } from '../../domain/duplicates/frequencies.ts';
import {
  companyLookups,
  noLookups,
  personLookups,
  type RecordLookups,
} from '../../domain/duplicates/record-profiles.ts';
import { openStatuses } from '../../domain/inbox/inbox-workflow.ts';
import { CompanySchema } from '../../functions/adapters/company.repository.ts';
import { InboxEntrySchema } from '../../functions/adapters/inbox-entry.item.ts';
import { entryLookups } from '../../functions/adapters/inbox-entry.repository.ts';
import { queryWholePartition } from '../../functions/adapters/index-page.ts';
import { createFrequencyCounter } from '../../functions/adapters/match-frequencies.ts';
import { lookupItemVersion, lookupWrites } from '../../functions/adapters/match-lookups.ts';
import { PersonSchema } from '../../functions/adapters/person.repository.ts';
import {
  companiesAllPartition,
  entityTags,
  inboxByStatus,
  type Key,
  migrationKey,
  personsAllPartition,
  type RecordRef,
  recordKey,
} from '../../functions/shared/table.ts';
import { parseStored } from '../../functions/shared/validation.ts';

export type BackfillResult = {
  persons: number;
  companies: number;
  openInboxEntries: number;
  /** records whose lookup items were written again */
  recordsRelinked: number;
  /** records that changed while the backfill ran (their own write already used the current keys) */
  recordsChangedMeanwhile: number;
  staleLookupItemsDeleted: number;
  countedValues: number;
  countersWritten: number;
  staleCountersDeleted: number;
};

type Stored = { ref: RecordRef; version: number; lookups: RecordLookups };

/** One transaction per record: its lookup items, on the condition that the record is still the version read. */
const relink = async (doc: DynamoDBDocumentClient, tableName: string, record: Stored): Promise<'done' | 'changed'> => {
  const puts = lookupWrites(tableName, record.ref, noLookups, record.lookups);
  if (puts.length === 0) return 'done';
  try {
    await doc.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            ConditionCheck: {
              TableName: tableName,
              Key: recordKey(record.ref),
              // a record being merged away has given up its lookup items; it must not get them back
              ConditionExpression:
                'version = :version AND attribute_not_exists(mergingInto) AND attribute_not_exists(mergedInto)',
              ExpressionAttributeValues: { ':version': record.version },
            },
          },
          ...puts,
        ],
      }),
    );
    return 'done';
  } catch (error) {
    if (error instanceof TransactionCanceledException) return 'changed';
    throw error;
  }
};

/** Every item of one entity type matching `filter`, keys only. */
const scanKeys = async (
  doc: DynamoDBDocumentClient,
  tableName: string,
  filter: { expression: string; names: Record<string, string>; values: Record<string, unknown> },
): Promise<(Key & { value?: string })[]> => {
  const keys: (Key & { value?: string })[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const res = await doc.send(
      new ScanCommand({
        TableName: tableName,
        FilterExpression: filter.expression,
        ExpressionAttributeNames: { ...filter.names, '#value': 'value' },
        ExpressionAttributeValues: filter.values,
        ProjectionExpression: 'pk, sk, #value',
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    for (const item of res.Items ?? []) {
      keys.push({
        pk: String(item.pk),
        sk: String(item.sk),
        ...(typeof item.value === 'string' ? { value: item.value } : {}),
      });
    }
    start = res.LastEvaluatedKey;
  } while (start);
  return keys;
};

const deleteAll = async (doc: DynamoDBDocumentClient, tableName: string, keys: readonly Key[]): Promise<void> => {
  for (let i = 0; i < keys.length; i += 25) {
    let requests = keys.slice(i, i + 25).map((Key) => ({ DeleteRequest: { Key: { pk: Key.pk, sk: Key.sk } } }));
    for (let attempt = 0; requests.length > 0; attempt++) {
      if (attempt > 0) await new Promise((done) => setTimeout(done, Math.min(1000, 50 * 2 ** attempt)));
      const res = await doc.send(new BatchWriteCommand({ RequestItems: { [tableName]: requests } }));
      requests = (res.UnprocessedItems?.[tableName] ?? []).flatMap((r) =>
        r.DeleteRequest?.Key
          ? [{ DeleteRequest: { Key: { pk: String(r.DeleteRequest.Key.pk), sk: String(r.DeleteRequest.Key.sk) } } }]
          : [],
      );
    }
  }
};

/** The layout the stored data was last brought to; the local stack runs the backfill once when it finds an older one. */
export const matchingLayout = 2;

/** Every person and company, with what each is stored under and counts under. */
const masterData = async (doc: DynamoDBDocumentClient, tableName: string) => {
  const counts = new Map<CountedValue, number>();
  const stored: Stored[] = [];
  const add = (ref: RecordRef, version: number, lookups: RecordLookups) => {
    for (const value of new Set(recordCountedValues(lookups.profiles))) counts.set(value, (counts.get(value) ?? 0) + 1);
    stored.push({ ref, version, lookups });
  };
  const persons = await queryWholePartition(doc, tableName, { index: 'gsi4', partition: personsAllPartition });
  for (const item of persons) {
    const person = parseStored(PersonSchema, item, 'person');
    add({ kind: 'PERSON', id: person.id }, person.version, personLookups(person));
  }
  const companies = await queryWholePartition(doc, tableName, { index: 'gsi4', partition: companiesAllPartition });
  for (const item of companies) {
    const company = parseStored(CompanySchema, item, 'company');
    add({ kind: 'COMPANY', id: company.id }, company.version, companyLookups(company));
  }
  return { persons: persons.length, companies: companies.length, stored, counts };
};

export type RecountResult = {
  persons: number;
  companies: number;
  countedValues: number;
  countersWritten: number;
  staleCountersDeleted: number;
};

/** Sets the frequency counters to counts made from the persons and companies, and removes counters of values nobody carries. */
export const recountFrequencies = async (
  doc: DynamoDBDocumentClient,
  tableName: string,
  master?: Awaited<ReturnType<typeof masterData>>,
): Promise<RecountResult> => {
  const { persons, companies, counts } = master ?? (await masterData(doc, tableName));
  const countersWritten = await createFrequencyCounter(doc, tableName).overwrite(counts);
  const counters = await scanKeys(doc, tableName, {
    expression: '#et = :frequency',
    names: { '#et': '_et' },
    values: { ':frequency': 'frequency' },
  });
  const staleCounters = counters.filter((c) => c.value !== undefined && !counts.has(c.value));
  await deleteAll(doc, tableName, staleCounters);
  return {
    persons,
    companies,
    countedValues: counts.size,
    countersWritten,
    staleCountersDeleted: staleCounters.length,
  };
};

export const backfillMatching = async (doc: DynamoDBDocumentClient, tableName: string): Promise<BackfillResult> => {
  const master = await masterData(doc, tableName);
  const stored = [...master.stored];
  let openInboxEntries = 0;
  for (const status of openStatuses) {
    const partition = inboxByStatus(status, '', '').gsi1pk;
    for (const item of await queryWholePartition(doc, tableName, { index: 'gsi1', partition })) {
      const entry = parseStored(InboxEntrySchema, item, 'inbox entry');
      openInboxEntries += 1;
      stored.push({ ref: { kind: 'INBOX', id: entry.id }, version: entry.version, lookups: entryLookups(entry) });
    }
  }

  let recordsRelinked = 0;
  let recordsChangedMeanwhile = 0;
  for (const record of stored) {
    if ((await relink(doc, tableName, record)) === 'done') recordsRelinked += 1;
    else recordsChangedMeanwhile += 1;
  }
  const stale = await scanKeys(doc, tableName, {
    expression: '#et = :lookup AND #v <> :current',
    names: { '#et': '_et', '#v': '_v' },
    values: { ':lookup': 'match-lookup', ':current': lookupItemVersion },
  });
  await deleteAll(doc, tableName, stale);

  const recount = await recountFrequencies(doc, tableName, master);

  await doc.send(
    new PutCommand({
      TableName: tableName,
      Item: { ...migrationKey('matching'), ...entityTags('migration', 1), layout: matchingLayout },
    }),
  );
  return {
    ...recount,
    openInboxEntries,
    recordsRelinked,
    recordsChangedMeanwhile,
    staleLookupItemsDeleted: stale.length,
  };
};

/** Whether the stored data is at the current layout (a fresh table is not yet: its first run only writes the marker). */
export const matchingUpToDate = async (doc: DynamoDBDocumentClient, tableName: string): Promise<boolean> => {
  const res = await doc.send(
    new GetCommand({ TableName: tableName, Key: migrationKey('matching'), ConsistentRead: true }),
  );
  return res.Item?.layout === matchingLayout;
};

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
import { type DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { type CountedValue, recordCountedValues } from '../../domain/duplicates/frequencies.ts';
import {
  companyLookups,
  noLookups,
  personLookups,
  type RecordLookups,
} from '../../domain/duplicates/record-profiles.ts';
import { openStatuses } from '../../domain/inbox/inbox-workflow.ts';
import { companies } from '../../functions/contacts/company.entity.ts';
import { persons } from '../../functions/contacts/person.entity.ts';
import { recordKey } from '../../functions/contacts/reference.entity.ts';
import { frequencyCounters } from '../../functions/duplicates/frequency-counter.entity.ts';
import { createFrequencyCounter } from '../../functions/duplicates/match-frequencies.ts';
import { type LookupOwner, lookupItems } from '../../functions/duplicates/match-lookup.entity.ts';
import { lookupWrites } from '../../functions/duplicates/match-lookups.ts';
import { matchingMigrations } from '../../functions/duplicates/matching-migration.entity.ts';
import { inboxEntries, inboxEntryRef } from '../../functions/inbox/inbox-entry.entity.ts';
import { entryLookups } from '../../functions/inbox/inbox-entry.repository.ts';
import type { Key } from '../../functions/shared/entity.ts';
import { createStore, type Store } from '../../functions/shared/store.ts';

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

type Stored = { ref: LookupOwner; version: number; lookups: RecordLookups };

/** One transaction per record: its lookup items, on the condition that the record is still the version read. */
const relink = async (store: Store, record: Stored): Promise<'done' | 'changed'> => {
  const puts = lookupWrites(store.tableName, record.ref, noLookups, record.lookups);
  if (puts.length === 0) return 'done';
  try {
    await store.transact([
      {
        ConditionCheck: {
          TableName: store.tableName,
          Key: recordKey(record.ref),
          // a record being merged away has given up its lookup items; it must not get them back
          ConditionExpression:
            'version = :version AND attribute_not_exists(mergingInto) AND attribute_not_exists(mergedInto)',
          ExpressionAttributeValues: { ':version': record.version },
        },
      },
      ...puts,
    ]);
    return 'done';
  } catch (error) {
    if (error instanceof TransactionCanceledException) return 'changed';
    throw error;
  }
};

/** The keys (and counted value) of every item of one entity, optionally of other versions than `exceptVersion`. */
const scanKeys = async (
  store: Store,
  doc: DynamoDBDocumentClient,
  entity: { name: string },
  exceptVersion?: number,
): Promise<(Key & { value?: string })[]> => {
  const keys: (Key & { value?: string })[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const res = await doc.send(
      new ScanCommand({
        TableName: store.tableName,
        FilterExpression: exceptVersion === undefined ? '#et = :et' : '#et = :et AND #v <> :v',
        ExpressionAttributeNames: {
          '#et': '_et',
          '#value': 'value',
          ...(exceptVersion === undefined ? {} : { '#v': '_v' }),
        },
        ExpressionAttributeValues: {
          ':et': entity.name,
          ...(exceptVersion === undefined ? {} : { ':v': exceptVersion }),
        },
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

const deleteAll = (store: Store, keys: readonly Key[]): Promise<void> =>
  store.writeAll(keys.map(({ pk, sk }) => ({ delete: { pk, sk } })));

/** The layout the stored data was last brought to; the local stack runs the backfill once when it finds an older one. */
export const matchingLayout = 2;

/** Every person and company, with what each is stored under and counts under. */
const masterData = async (store: Store) => {
  const counts = new Map<CountedValue, number>();
  const stored: Stored[] = [];
  const add = (ref: LookupOwner, version: number, lookups: RecordLookups) => {
    for (const value of new Set(recordCountedValues(lookups.profiles))) counts.set(value, (counts.get(value) ?? 0) + 1);
    stored.push({ ref, version, lookups });
  };
  const allPersons = await store.queryAll(persons, persons.patterns.all());
  for (const person of allPersons) add({ kind: 'PERSON', id: person.id }, person.version, personLookups(person));
  const allCompanies = await store.queryAll(companies, companies.patterns.all());
  for (const company of allCompanies)
    add({ kind: 'COMPANY', id: company.id }, company.version, companyLookups(company));
  return { persons: allPersons.length, companies: allCompanies.length, stored, counts };
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
  const store = createStore(doc, tableName);
  const { persons, companies, counts } = master ?? (await masterData(store));
  const countersWritten = await createFrequencyCounter(doc, tableName).overwrite(counts);
  const counters = await scanKeys(store, doc, frequencyCounters);
  const staleCounters = counters.filter((c) => c.value !== undefined && !counts.has(c.value));
  await deleteAll(store, staleCounters);
  return {
    persons,
    companies,
    countedValues: counts.size,
    countersWritten,
    staleCountersDeleted: staleCounters.length,
  };
};

export const backfillMatching = async (doc: DynamoDBDocumentClient, tableName: string): Promise<BackfillResult> => {
  const store = createStore(doc, tableName);
  const master = await masterData(store);
  const stored = [...master.stored];
  let openInboxEntries = 0;
  for (const status of openStatuses) {
    for (const entry of await store.queryAll(inboxEntries, inboxEntries.patterns.byStatus(status))) {
      openInboxEntries += 1;
      stored.push({ ref: inboxEntryRef(entry.id), version: entry.version, lookups: entryLookups(entry) });
    }
  }

  let recordsRelinked = 0;
  let recordsChangedMeanwhile = 0;
  for (const record of stored) {
    if ((await relink(store, record)) === 'done') recordsRelinked += 1;
    else recordsChangedMeanwhile += 1;
  }
  const stale = await scanKeys(store, doc, lookupItems, lookupItems.version);
  await deleteAll(store, stale);

  const recount = await recountFrequencies(doc, tableName, master);

  await store.put(matchingMigrations, { layout: matchingLayout });
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
  const marker = await createStore(doc, tableName).get(matchingMigrations, matchingMigrations.key(), {
    consistent: true,
  });
  return marker?.layout === matchingLayout;
};

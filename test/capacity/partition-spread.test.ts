// No partition caps intake below 1,000 leads/s: 10,000 generated German leads (a third of them B2B,
// with company, phone and address) go through the web form's use case and the duplicate-check
// worker's use case against DynamoDB Local, every write recorded; the write units each partition key of the
// table and of every index took, at 1,000 leads/s (10 s for these 10,000), stay under DynamoDB's
// 1,000 write units/s per partition. README "Partitions and the intake ceiling" has the arithmetic.
//
// The leads go to a DynamoDB Local of this file's own, in memory and without a stream: on the
// shared one (one SQLite file on disk for every test file's table) 10,000 leads' writes queued
// behind every other file's and took 30 minutes in CI instead of a few.
import { UpdateTableCommand } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AwsMeter, installAwsMeter, type SentWrite } from '../../bench/aws-meter.ts';
import { billedWrite } from '../../bench/billed-writes.ts';
import { germanPersons, seeded } from '../../bench/german-persons.ts';
import { type ScratchDynamo, startScratchDynamo } from '../../bench/scratch-dynamo.ts';
import type { LeadReceivedV1 } from '../../events/lead-received.v1.ts';
import { checkDuplicates } from '../../functions/duplicates/check-duplicates.ts';
import { createIdempotencyStore } from '../../functions/inbox/idempotency.ts';
import { createInboxEntryRepository } from '../../functions/inbox/inbox-entry.repository.ts';
import type { QueuePublisher } from '../../functions/shared/queue-publisher.ts';
import { tableDefinition } from '../../functions/shared/table.ts';
import { cachedForms } from '../../functions/webforms/cached-forms.ts';
import { createSubmissionGate } from '../../functions/webforms/submission-limits.ts';
import { submitWebform } from '../../functions/webforms/submit-webform.ts';
import { createWebformRepository } from '../../functions/webforms/webform.repository.ts';
import { ensureTable, localNames } from '../../infra/local/provision.ts';
import { webformSubmission } from '../support/events.ts';
import { ensureDemoForm } from '../support/fixtures.ts';

const leads = 10_000;
const leadsPerSecond = 1_000;
const partitionWriteUnitsPerSecond = 1_000;
const concurrency = 16;
const unlimited = { perSecond: 1e9, burst: 1e9 };

const providers = ['web.de', 'gmx.de', 'gmail.com', 't-online.de', 'outlook.de'];

/** The leads of a campaign: German names and places at their real frequencies, every one with an email. */
const generatedLeads = (): Record<string, string>[] => {
  const person = germanPersons(14);
  const random = seeded(41);
  return Array.from({ length: leads }, (_, i) => {
    const p = person();
    const local = `${p.firstName}.${p.lastName}.${i}`.toLowerCase().replace(/[^a-z0-9.]/g, '');
    const b2b = i % 3 === 0;
    const domain = b2b
      ? `${p.lastName.toLowerCase().replace(/[^a-z]/g, '')}-gmbh.de`
      : providers[Math.floor(random() * providers.length)];
    return {
      firstName: p.firstName ?? 'Alex',
      lastName: p.lastName,
      email: `${local}@${domain}`,
      message: 'Bitte um ein Angebot',
      ...(b2b
        ? {
            company: `${p.lastName} GmbH`,
            phone: `0${30 + (i % 60)} ${1_000_000 + i}`,
            street: p.address?.street ?? 'Hauptstraße 1',
            postalCode: p.postalCode,
            city: p.address?.city ?? 'Köln',
          }
        : {}),
    };
  });
};

const inParallel = async <T>(items: readonly T[], work: (item: T, index: number) => Promise<void>): Promise<void> => {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let i = next++; i < items.length; i = next++) await work(items[i] as T, i);
    }),
  );
};

const itemKey = (key: Record<string, unknown>): string => `${String(key.pk)}|${String(key.sk)}`;

describe('partition spread of intake (DynamoDB Local)', () => {
  const tableName = localNames.table;
  let meter: AwsMeter | undefined;
  let dynamo: ScratchDynamo | undefined;
  beforeAll(async () => {
    dynamo = await startScratchDynamo('partition-spread');
    await ensureTable(dynamo.client, tableName);
    // AWS keeps the stream apart from the table; DynamoDB Local slows a table whose records pile up
    await dynamo.client.send(
      new UpdateTableCommand({ TableName: tableName, StreamSpecification: { StreamEnabled: false } }),
    );
  });
  afterAll(async () => {
    meter?.uninstall();
    await dynamo?.stop();
  });

  it('keeps every partition of the table and its indexes under 1,000 write units/s at 1,000 leads/s', async () => {
    if (!dynamo) throw new Error('no DynamoDB Local');
    const doc = dynamo.doc;
    const stored = createWebformRepository(doc, tableName);
    await ensureDemoForm(stored);
    // as the submission function keeps them
    const forms = cachedForms(stored);
    const inbox = createInboxEntryRepository(doc, tableName);
    const messages: LeadReceivedV1[] = [];
    const publisher: QueuePublisher<LeadReceivedV1> = {
      // the queue is not what is measured here: the worker takes each message right after
      publish: async (_url, message) => {
        messages.push(message);
      },
    };
    const submit = submitWebform({
      forms,
      inbox,
      idempotency: createIdempotencyStore(doc, tableName),
      publisher,
      duplicateCheckQueueUrl: 'http://queue.invalid/duplicate-check',
      // a campaign's peak from many browsers: the fair limits per client and form are not what is measured
      gate: createSubmissionGate({ perClient: unlimited, perForm: unlimited }),
      now: () => new Date(),
    });
    // the worker's use case as deployed, with a candidate finder that finds none: its lookup reads
    // write nothing and would make this test ten times slower; a candidate found would only grow the
    // entry's check result a little and add one write to an earlier entry's own item (never hot)
    const check = checkDuplicates({ inbox, findCandidates: async () => [], now: () => new Date() });

    meter = installAwsMeter();
    await inParallel(generatedLeads(), async (body, n) => {
      const res = await submit(webformSubmission(body, { 'idempotency-key': `spread-${n}-${Date.now()}` }));
      if (res.status !== 201) throw new Error(`lead ${n} answered ${res.status}: ${JSON.stringify(res.body)}`);
    });
    await inParallel([...messages], (message) => check(message));
    const writes: SentWrite[] = meter.usage().writes.filter((w) => w.table === tableName);
    meter.uninstall();

    // an update is billed on the item it leaves: read each updated item once, after all writes
    const updated = [
      ...new Map(writes.flatMap((w) => ('updatedKey' in w ? [[itemKey(w.updatedKey), w.updatedKey]] : []))).values(),
    ];
    const finalItems = new Map<string, Record<string, unknown>>();
    for (let i = 0; i < updated.length; i += 100) {
      const res = await doc.send(
        new BatchGetCommand({
          RequestItems: { [tableName]: { Keys: updated.slice(i, i + 100), ConsistentRead: true } },
        }),
      );
      for (const item of res.Responses?.[tableName] ?? []) finalItems.set(itemKey(item), item);
      expect(res.UnprocessedKeys?.[tableName]?.Keys ?? []).toEqual([]);
    }
    /** the index partitions an item was ever written to: at creation (a pending check's) and as it is left */
    const createdIn = new Map<string, Record<string, unknown>>();
    for (const w of writes) if ('item' in w) createdIn.set(itemKey(w.item), w.item);

    const unitsByPartition = new Map<string, number>();
    const add = (partition: string, units: number) =>
      unitsByPartition.set(partition, (unitsByPartition.get(partition) ?? 0) + units);
    for (const w of writes) {
      const item = 'item' in w ? w.item : (finalItems.get(itemKey(w.updatedKey)) ?? w.updatedKey);
      const billed = billedWrite({
        item,
        transactional: w.transactional,
        ...('touched' in w ? { touched: w.touched } : {}),
      });
      add(`table ${String(item.pk)}`, billed.tableUnits);
      const created = createdIn.get(itemKey(item)) ?? {};
      for (const [index, { partitionKey }] of Object.entries(tableDefinition.indexes)) {
        const name = index as keyof typeof tableDefinition.indexes;
        const copy = billed.indexUnits[name];
        if (copy !== undefined) add(`${index} ${String(item[partitionKey])}`, copy);
        // leaving an index partition (the pending check's, when it is done) is a write to the partition
        // it leaves: the one the item was created in when known, else its current one
        const left = billed.indexDeletes[name];
        const from = created[partitionKey] ?? item[partitionKey];
        if (left !== undefined && from !== undefined) add(`${index} ${String(from)}`, left);
      }
    }
    const seconds = leads / leadsPerSecond;
    const busiest = [...unitsByPartition.entries()]
      .map(([partition, units]) => ({ partition, unitsPerSecond: units / seconds }))
      .sort((a, b) => b.unitsPerSecond - a.unitsPerSecond)
      .slice(0, 8);
    console.log(`busiest partitions at ${leadsPerSecond} leads/s:`, JSON.stringify(busiest));

    expect(messages).toHaveLength(leads);
    // every kind of list a lead writes was seen, in every shard: the measurement saw the sharded lists, not nothing
    const written = [...unitsByPartition.keys()];
    for (const list of ['gsi1 INBOX#STATUS#new#', 'gsi3 DUPCHECK#PENDING#', 'gsi4 INBOX#']) {
      expect(written.filter((partition) => partition.startsWith(list))).toHaveLength(8);
    }
    expect(busiest[0]?.unitsPerSecond ?? Number.POSITIVE_INFINITY).toBeLessThanOrEqual(partitionWriteUnitsPerSecond);
  });
});

/**
 * Duplicate protection's quality on a regional German customer base (bench/regional-customers.ts),
 * through the real write and check paths against DynamoDB Local, once per seed: persons and
 * companies stored as their repositories store them (record, lookup items), the value counts made
 * by the backfill's recount, then every probe arrives as an inbox entry (storeLead, as every
 * channel stores) and the duplicate-check worker's use case checks it. The seeds are not the ones
 * the rules were developed on.
 */

import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ulid } from 'ulid';
import { createCompany } from '../domain/companies/company.ts';
import { companyLookups, noLookups, personLookups } from '../domain/duplicates/record-profiles.ts';
import { createPerson } from '../domain/persons/person.ts';
import { initDeferred } from '../domain/shared/deferred-init.ts';
import type { LeadReceivedV1 } from '../events/lead-received.v1.ts';
import { createCompanyRepository } from '../functions/contacts/company.repository.ts';
import { createPersonRepository } from '../functions/contacts/person.repository.ts';
import { checkDuplicates } from '../functions/duplicates/check-duplicates.ts';
import { tableCandidateFinder } from '../functions/duplicates/find-candidates.ts';
import { lookupWrites } from '../functions/duplicates/match-lookups.ts';
import { createInboxEntryRepository } from '../functions/inbox/inbox-entry.repository.ts';
import { storeLead } from '../functions/inbox/intake.ts';
import { createStore } from '../functions/shared/store.ts';
import { ensureTable } from '../infra/local/provision.ts';
import { recountFrequencies } from '../infra/scripts/match-backfill.ts';
import { regionalCustomerBase } from './regional-customers.ts';
import { type Checked, type RegionalFigures, regionalFigures } from './regional-quality-figures.ts';
import { startScratchDynamo } from './scratch-dynamo.ts';

// the phone numbering plan and whatever else modules defer from a cold start, as handlers load it
await initDeferred();

export const regionalSize = {
  persons: 20_000,
  companies: 2_000,
  duplicates: 600,
  companyDuplicates: 150,
  negatives: 600,
};

/** Loads items through the store's one batch helper (unprocessed items with backoff), eight loaders in flight. */
export const batchPut = async (doc: DynamoDBDocumentClient, table: string, items: Record<string, unknown>[]) => {
  const store = createStore(doc, table);
  const chunks: Record<string, unknown>[][] = [];
  for (let i = 0; i < items.length; i += 250) chunks.push(items.slice(i, i + 250));
  let next = 0;
  const loader = async (): Promise<void> => {
    while (next < chunks.length) await store.writeAll((chunks[next++] ?? []).map((put) => ({ put })));
  };
  await Promise.all(Array.from({ length: 8 }, loader));
};

export type RegionalSeedFigures = RegionalFigures & {
  seed: number;
  probes: number;
  loadSeconds: number;
  checkSeconds: number;
};

export const measureRegionalQuality = async (seed: number, size = regionalSize): Promise<RegionalSeedFigures> => {
  const { client, doc, stop } = await startScratchDynamo(`regional-${seed}`);
  const table = 'kontakt-regional';
  try {
    await ensureTable(client, table);
    const base = regionalCustomerBase(seed, size);
    const now = new Date('2026-11-25T09:00:00Z');
    const persons = createPersonRepository(doc, table);
    const companies = createCompanyRepository(doc, table);
    const personIds = base.persons.map(() => ulid());
    const companyIds = base.companies.map(() => ulid());

    // exactly the items the repositories' transactions write: the record and its lookup items
    const loadStart = performance.now();
    const items: Record<string, unknown>[] = [];
    base.companies.forEach((c, i) => {
      const company = createCompany(companyIds[i] ?? '', c.fields, now);
      items.push(companies.item(company));
      for (const w of lookupWrites(table, { kind: 'COMPANY', id: company.id }, noLookups, companyLookups(company)))
        if (w.Put?.Item) items.push(w.Put.Item);
    });
    base.persons.forEach((p, i) => {
      const person = createPerson(personIds[i] ?? '', p.fields, now);
      items.push(persons.item(person));
      for (const w of lookupWrites(table, { kind: 'PERSON', id: person.id }, noLookups, personLookups(person)))
        if (w.Put?.Item) items.push(w.Put.Item);
    });
    await batchPut(doc, table, items);
    await recountFrequencies(doc, table);
    const loadSeconds = (performance.now() - loadStart) / 1000;

    const inbox = createInboxEntryRepository(doc, table);
    const messages: LeadReceivedV1[] = [];
    const intake = {
      inbox,
      doc,
      tableName: table,
      now: () => new Date(),
      duplicateCheckQueueUrl: 'in-process',
      publisher: {
        publish: async (_url: string, event: LeadReceivedV1) => {
          messages.push(event);
        },
      },
    };
    const worker = checkDuplicates({ inbox, findCandidates: tableCandidateFinder(doc, table), now: () => new Date() });
    const checked: Checked[] = [];
    const checkStart = performance.now();
    for (const [i, probe] of base.probes.entries()) {
      const stored = await storeLead(intake, {
        source: 'webform',
        priority: 'normal',
        responsibleUserId: null,
        contact: probe.contact,
        raw: { probe: i },
        createdBy: null,
      });
      if (stored.status !== 'created') throw new Error(`probe ${i} not stored`);
      const message = messages.pop();
      if (!message) throw new Error('no check requested');
      await worker(message);
      const entry = await inbox.get(stored.entry.id, { consistent: true });
      checked.push({ probe, candidates: entry?.duplicateCheck.candidates ?? [] });
    }
    const checkSeconds = (performance.now() - checkStart) / 1000;
    return {
      seed,
      probes: base.probes.length,
      ...regionalFigures(base, checked, {
        person: (entity) => personIds[entity] ?? '',
        company: (entity) => companyIds[entity] ?? '',
      }),
      loadSeconds,
      checkSeconds,
    };
  } finally {
    await stop();
  }
};

/** The seeds of the figure: none of them was used while the rules were written (those were 1, 2, 3 and 21). */
export const regionalSeeds = [101, 202, 303];

// `node bench/regional-quality.ts [seed,seed,…]` runs this figure alone
if (import.meta.url === `file://${process.argv[1]}`) {
  const seeds = process.argv[2] ? process.argv[2].split(',').map(Number) : regionalSeeds;
  for (const seed of seeds) process.stdout.write(`${JSON.stringify(await measureRegionalQuality(seed))}\n`);
}

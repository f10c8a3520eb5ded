/**
 * Duplicate protection's quality on unseen data (febrl dataset2; the weights were tuned on dataset1
 * only), through the real write and check paths against DynamoDB Local: the originals become persons
 * (each through the person repository's transaction with its lookup items), except those whose number
 * is divisible by 5, which stay out as negatives; then every duplicate arrives as an inbox entry
 * (storeLead, as every channel stores) and the duplicate-check worker's use case checks it. Pairs are
 * counted: (duplicate, original person) is a true pair exactly when both carry the same number.
 */

import { ulid } from 'ulid';
import { createPerson } from '../domain/persons/person.ts';
import { initDeferred } from '../domain/shared/deferred-init.ts';
import type { LeadReceivedV1 } from '../events/lead-received.v1.ts';
import { createPersonRepository } from '../functions/contacts/person.repository.ts';
import { checkDuplicates } from '../functions/duplicates/check-duplicates.ts';
import { tableCandidateFinder } from '../functions/duplicates/find-candidates.ts';
import { createInboxEntryRepository } from '../functions/inbox/inbox-entry.repository.ts';
import { storeLead } from '../functions/inbox/intake.ts';
import { ensureTable } from '../infra/local/provision.ts';
import { recountFrequencies } from '../infra/scripts/match-backfill.ts';
import { loadFebrl } from '../test/support/febrl.ts';
import { startScratchDynamo } from './scratch-dynamo.ts';

// the phone numbering plan and whatever else modules defer from a cold start, as handlers load it
await initDeferred();

type Rates = { truePairs: number; falsePairs: number; missedPairs: number; precision: number; recall: number };

export type FebrlQuality = {
  dataset: string;
  personsLoaded: number;
  negatives: number;
  entries: number;
  match: Rates;
  matchOrPossible: Rates;
  /** duplicates of originals left out that found a person anyway (each is a false pair) */
  negativesWithPersonCandidates: number;
  /** inbox-entry candidates: pairs of duplicates of one original are true */
  inboxEntryPairs: { truePairs: number; falsePairs: number };
  loadSeconds: number;
  checkSeconds: number;
};

const rates = (truePairs: number, falsePairs: number, missedPairs: number): Rates => ({
  truePairs,
  falsePairs,
  missedPairs,
  precision: truePairs + falsePairs === 0 ? 1 : truePairs / (truePairs + falsePairs),
  recall: truePairs + missedPairs === 0 ? 1 : truePairs / (truePairs + missedPairs),
});

const inParallel = async <T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<void>) => {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) {
        const item = items[next++];
        if (item !== undefined) await work(item);
      }
    }),
  );
};

export const measureFebrlQuality = async (
  file: 'dataset1.csv' | 'dataset2.csv' = 'dataset2.csv',
): Promise<FebrlQuality> => {
  const { client, doc, stop } = await startScratchDynamo('febrl');
  const table = 'kontakt-febrl';
  try {
    await ensureTable(client, table);
    const records = loadFebrl(file);
    const persons = createPersonRepository(doc, table);
    const inbox = createInboxEntryRepository(doc, table);
    const now = new Date('2026-11-25T09:00:00Z');

    const loadStart = performance.now();
    const entityOfPerson = new Map<string, number>();
    const loaded = new Set<number>();
    const originals = records.filter((r) => r.original && r.entity % 5 !== 0);
    await inParallel(originals, 8, async (record) => {
      const { street, addressLine2, postalCode, city, birthday, firstName, lastName } = record.person;
      const person = createPerson(
        ulid(),
        {
          ...(firstName ? { firstName } : {}),
          // a CRM person has a last name; the generator leaves some out
          lastName: lastName ?? '',
          emails: [],
          phones: [],
          isMainContact: false,
          ...(birthday ? { birthday } : {}),
          address: {
            ...(street ? { street } : {}),
            ...(addressLine2 ? { addressLine2 } : {}),
            ...(postalCode ? { postalCode } : {}),
            ...(city ? { city } : {}),
          },
        },
        now,
      );
      await persons.create(person);
      entityOfPerson.set(person.id, record.entity);
      loaded.add(record.entity);
    });
    // the value counts the frequency counter keeps from the stream, made at once from the records
    await recountFrequencies(doc, table);
    const loadSeconds = (performance.now() - loadStart) / 1000;

    // every duplicate through the inbox, one after another, checked as the worker checks it
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
    const worker = checkDuplicates({
      inbox,
      findCandidates: tableCandidateFinder(doc, table),
      now: () => new Date(),
    });
    const entityOfEntry = new Map<string, number>();
    let match = { t: 0, f: 0 };
    let any = { t: 0, f: 0 };
    let negativesWithPersons = 0;
    const entryPairs = { truePairs: 0, falsePairs: 0 };
    const duplicates = records.filter((r) => !r.original);
    const checkStart = performance.now();
    for (const record of duplicates) {
      const { emails: _e, phones: _p, ...contact } = record.person;
      const stored = await storeLead(intake, {
        source: 'csv',
        priority: 'normal',
        responsibleUserId: null,
        contact: Object.fromEntries(Object.entries(contact).filter(([, v]) => v !== undefined)),
        raw: { recId: record.id },
        createdBy: null,
      });
      if (stored.status !== 'created') throw new Error(`entry for ${record.id} not created`);
      entityOfEntry.set(stored.entry.id, record.entity);
      const message = messages.pop();
      if (!message) throw new Error('no check requested');
      await worker(message);
      const checked = await inbox.get(stored.entry.id, { consistent: true });
      const candidates = checked?.duplicateCheck.candidates ?? [];
      let foundPerson = false;
      for (const candidate of candidates) {
        if (candidate.kind === 'person') {
          foundPerson = true;
          const same = entityOfPerson.get(candidate.id) === record.entity;
          any = same ? { ...any, t: any.t + 1 } : { ...any, f: any.f + 1 };
          if (candidate.level === 'match') match = same ? { ...match, t: match.t + 1 } : { ...match, f: match.f + 1 };
        } else if (candidate.kind === 'inboxEntry') {
          if (entityOfEntry.get(candidate.id) === record.entity) entryPairs.truePairs += 1;
          else entryPairs.falsePairs += 1;
        }
      }
      if (!loaded.has(record.entity) && foundPerson) negativesWithPersons += 1;
    }
    const checkSeconds = (performance.now() - checkStart) / 1000;
    const expected = duplicates.filter((d) => loaded.has(d.entity)).length;
    return {
      dataset: file,
      personsLoaded: originals.length,
      negatives: duplicates.length - expected,
      entries: duplicates.length,
      match: rates(match.t, match.f, expected - match.t),
      matchOrPossible: rates(any.t, any.f, expected - any.t),
      negativesWithPersonCandidates: negativesWithPersons,
      inboxEntryPairs: entryPairs,
      loadSeconds,
      checkSeconds,
    };
  } finally {
    await stop();
  }
};

// `node bench/febrl-quality.ts [dataset1.csv|dataset2.csv]` runs this figure alone
if (import.meta.url === `file://${process.argv[1]}`) {
  const file = process.argv[2] === 'dataset1.csv' ? 'dataset1.csv' : 'dataset2.csv';
  process.stdout.write(`${JSON.stringify(await measureFebrlQuality(file))}\n`);
}

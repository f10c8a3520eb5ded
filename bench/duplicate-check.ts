/**
 * The duplicate check's cost as contacts grow: the same probes checked against 1,000 and against
 * 100,000 existing persons (German name and postcode frequencies, bench/german-persons.ts), in one
 * DynamoDB Local, rounds alternating between the two tables so drift hits both alike. A check is
 * what the worker does: one Query per lookup key (in parallel), then scoring.
 */
import { BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ulid } from 'ulid';
import { rankCandidates } from '../domain/duplicates/duplicate-check.ts';
import { contactLookups, noLookups, personLookups } from '../domain/duplicates/record-profiles.ts';
import type { Contact } from '../domain/inbox/inbox-entry.ts';
import { createPerson, type Person } from '../domain/persons/person.ts';
import { createLookupReader, lookupWrites } from '../functions/adapters/match-lookups.ts';
import { createPersonRepository } from '../functions/adapters/person.repository.ts';
import { ensureTable } from '../infra/local/provision.ts';
import { type GermanPerson, germanPersons, seeded } from './german-persons.ts';
import { startScratchDynamo } from './scratch-dynamo.ts';

export type CheckFigures = {
  persons: number;
  checks: number;
  meanMs: number;
  p50Ms: number;
  p95Ms: number;
  /** as DynamoDB Local reports it: an empty Query reports 0 */
  meanReadCapacityUnits: number;
  /** with DynamoDB's minimum of 0.5 RCU for every eventually consistent Query, as AWS bills it */
  meanBilledReadCapacityUnits: number;
  maxRequests: number;
  largestLookup: number;
  /** variant probes whose original was found (at `possible` or better) */
  variantsFound: number;
};

export type DuplicateCheckFigures = { small: CheckFigures; large: CheckFigures; loadSeconds: number; probes: number };

const writeConcurrency = 8;

const load = async (doc: DynamoDBDocumentClient, table: string, persons: readonly Person[]): Promise<void> => {
  const repo = createPersonRepository(doc, table);
  const items: Record<string, unknown>[] = persons.flatMap((p) => [
    repo.item(p),
    ...lookupWrites(table, { kind: 'PERSON', id: p.id }, noLookups, personLookups(p)).flatMap((w) =>
      w.Put?.Item ? [w.Put.Item] : [],
    ),
  ]);
  const batches: Record<string, unknown>[][] = [];
  for (let i = 0; i < items.length; i += 25) batches.push(items.slice(i, i + 25));
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < batches.length) {
      const batch = batches[next++] ?? [];
      let requests = batch.map((Item) => ({ PutRequest: { Item } }));
      while (requests.length > 0) {
        const res = await doc.send(new BatchWriteCommand({ RequestItems: { [table]: requests } }));
        requests = (res.UnprocessedItems?.[table] ?? []).flatMap((r) =>
          r.PutRequest?.Item ? [{ PutRequest: { Item: r.PutRequest.Item } }] : [],
        );
      }
    }
  };
  await Promise.all(Array.from({ length: writeConcurrency }, worker));
};

/** How a person comes back through a web form: umlauts spelled out, national phone format, a typo now and then. */
const variantOf = (person: GermanPerson, random: () => number): Contact => {
  const phone = person.phones[0];
  const typo = (name: string): string => {
    if (name.length < 4 || random() < 0.6) return name;
    const i = 1 + Math.floor(random() * (name.length - 2));
    return name.slice(0, i) + name.charAt(i + 1) + name.charAt(i) + name.slice(i + 2);
  };
  return {
    firstName: typo(person.firstName ?? ""),
    lastName: person.lastName.replace('ü', 'ue').replace('ö', 'oe').replace('ä', 'ae').replace('ß', 'ss'),
    ...(person.emails[0] ? { email: person.emails[0].toUpperCase() } : {}),
    ...(phone ? { phone: `0${phone.slice(3, 5)} ${phone.slice(5)}` } : {}),
    postalCode: person.postalCode,
    ...(person.birthday ? { birthday: person.birthday } : {}),
  };
};

const percentile = (sorted: readonly number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;

export const measureDuplicateCheck = async (options: {
  persons: number;
  small: number;
  probes: number;
  rounds: number;
}): Promise<DuplicateCheckFigures> => {
  const { client, doc, stop } = await startScratchDynamo('dup');
  try {
    const smallTable = 'dup-small';
    const largeTable = 'dup-large';
    await ensureTable(client, smallTable);
    await ensureTable(client, largeTable);
    const draw = germanPersons(20261125);
    const now = new Date('2026-11-25T09:00:00Z');
    const drawn = Array.from({ length: options.persons }, () => draw());
    const persons = drawn.map(({ postalCode: _p, ...fields }) => createPerson(ulid(), fields, now));

    const loadStart = performance.now();
    await load(doc, smallTable, persons.slice(0, options.small));
    await load(doc, largeTable, persons);
    const loadSeconds = (performance.now() - loadStart) / 1000;

    // probes: returning persons of the small set, new persons, and new persons with the commonest names
    const random = seeded(7);
    const fresh = germanPersons(99);
    const probes: { contact: Contact; originalId?: string }[] = [];
    for (let i = 0; i < options.probes; i += 1) {
      const kind = i % 3;
      if (kind === 0) {
        const index = Math.floor(random() * options.small);
        const person = drawn[index];
        const id = persons[index]?.id;
        if (person && id) probes.push({ contact: variantOf(person, random), originalId: id });
      } else {
        const p = fresh();
        const common = ['Müller', 'Schmidt', 'Meyer', 'Schneider'][i % 4] ?? 'Müller';
        probes.push({
          contact: {
            firstName: kind === 2 ? (['Thomas', 'Michael', 'Maria', 'Andreas'][i % 4] ?? 'Thomas') : p.firstName,
            lastName: kind === 2 ? common : p.lastName,
            postalCode: p.postalCode,
            ...(p.emails[0] ? { email: p.emails[0] } : {}),
            ...(p.birthday ? { birthday: p.birthday } : {}),
          },
        });
      }
    }

    const runOnce = async (
      table: string,
      samples: { ms: number[]; rcu: number[]; billed: number[]; requests: number[]; largest: number[]; found: number },
    ) => {
      const reader = createLookupReader(doc, table);
      for (const probe of probes) {
        const lookups = contactLookups(probe.contact);
        const start = performance.now();
        const result = await reader.find(lookups.keys);
        const candidates = rankCandidates(lookups.profiles, result.found, { kinds: ['person'] });
        samples.ms.push(performance.now() - start);
        samples.rcu.push(result.consumedCapacity);
        samples.billed.push(result.consumedCapacity + 0.5 * result.emptyLookups);
        samples.requests.push(result.requests);
        samples.largest.push(result.largestLookup);
        if (probe.originalId && candidates.some((c) => c.id === probe.originalId)) samples.found += 1;
      }
    };
    const empty = () => ({
      ms: [] as number[],
      rcu: [] as number[],
      billed: [] as number[],
      requests: [] as number[],
      largest: [] as number[],
      found: 0,
    });
    // warm-up: JIT, connections, DynamoDB Local's caches
    await runOnce(smallTable, empty());
    await runOnce(largeTable, empty());
    const small = empty();
    const large = empty();
    for (let round = 0; round < options.rounds; round += 1) {
      const order =
        round % 2 === 0
          ? ([
              [smallTable, small],
              [largeTable, large],
            ] as const)
          : ([
              [largeTable, large],
              [smallTable, small],
            ] as const);
      for (const [table, samples] of order) await runOnce(table, samples);
    }
    const summarise = (count: number, s: ReturnType<typeof empty>): CheckFigures => {
      const sorted = [...s.ms].sort((a, b) => a - b);
      return {
        persons: count,
        checks: s.ms.length,
        meanMs: s.ms.reduce((a, b) => a + b, 0) / s.ms.length,
        p50Ms: percentile(sorted, 0.5),
        p95Ms: percentile(sorted, 0.95),
        meanReadCapacityUnits: s.rcu.reduce((a, b) => a + b, 0) / s.rcu.length,
        meanBilledReadCapacityUnits: s.billed.reduce((a, b) => a + b, 0) / s.billed.length,
        maxRequests: Math.max(...s.requests),
        largestLookup: Math.max(...s.largest),
        variantsFound: s.found / options.rounds,
      };
    };
    return {
      small: summarise(options.small, small),
      large: summarise(options.persons, large),
      loadSeconds,
      probes: probes.length,
    };
  } finally {
    await stop();
  }
};

// `node bench/duplicate-check.ts` runs this figure alone
if (import.meta.url === `file://${process.argv[1]}`) {
  const persons = Number(process.env.BENCH_DUP_PERSONS ?? 100_000);
  const figures = await measureDuplicateCheck({ persons, small: 1_000, probes: 300, rounds: 3 });
  process.stdout.write(`${JSON.stringify(figures)}\n`);
}

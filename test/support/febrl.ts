/** The Febrl person records with known duplicates (test/fixtures/febrl), read as Kontakt person inputs. */
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import * as z from 'zod/mini';
import { frequenciesFrom, recordCountedValues } from '../../domain/duplicates/frequencies.ts';
import { personLookupKeys } from '../../domain/duplicates/lookup-keys.ts';
import { type PersonInput, type PersonProfile, personProfile } from '../../domain/duplicates/match-profile.ts';
import { personScorer, type Scored } from '../../domain/duplicates/scoring.ts';

export const febrlDirectory = new URL('../fixtures/febrl/', import.meta.url);

const FebrlRow = z.object({
  rec_id: z.string().check(z.regex(/^rec-\d+-(org|dup-\d+)$/)),
  given_name: z.string(),
  surname: z.string(),
  street_number: z.string(),
  address_1: z.string(),
  address_2: z.string(),
  suburb: z.string(),
  postcode: z.string(),
  date_of_birth: z.string(),
});

export type FebrlRecord = {
  id: string;
  /** Two records are the same person exactly when their entity numbers are equal. */
  entity: number;
  original: boolean;
  person: PersonInput;
};

/** YYYYMMDD → YYYY-MM-DD when it is a real date (the generator also writes impossible ones). */
const birthday = (text: string): string | undefined => {
  const match = /^(\d{4})(\d{2})(\d{2})$/.exec(text);
  if (!match) return undefined;
  const iso = `${match[1]}-${match[2]}-${match[3]}`;
  const date = new Date(`${iso}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === iso ? iso : undefined;
};

const given = (text: string): string | undefined => (text.trim() ? text.trim() : undefined);

const toRecord = (row: z.infer<typeof FebrlRow>): FebrlRecord => {
  const [, entity, kind] = row.rec_id.split('-');
  // German order, street then number; normaliseStreet finds the number either way.
  const street = [row.address_1, row.street_number].filter((s) => s.trim()).join(' ');
  return {
    id: row.rec_id,
    entity: Number(entity),
    original: kind === 'org',
    person: {
      firstName: given(row.given_name),
      lastName: given(row.surname),
      emails: [],
      phones: [],
      birthday: birthday(row.date_of_birth),
      street: given(street),
      addressLine2: given(row.address_2),
      city: given(row.suburb),
      postalCode: given(row.postcode),
    },
  };
};

/**
 * soc_sec_id and state are left out: a Kontakt person has no such fields. dataset1 tunes the
 * weights; dataset2 is read only by bench/febrl-quality.ts, the one measurement on unseen data.
 */
export const loadFebrl = (file: 'dataset1.csv' | 'dataset2.csv'): FebrlRecord[] => {
  const rows: unknown = parse(readFileSync(new URL(file, febrlDirectory)), {
    columns: true,
    trim: true,
    skip_empty_lines: true,
  });
  return z.array(FebrlRow).parse(rows).map(toRecord);
};

/** Reads per lookup key in the real store; the simulation below caps its reads the same way. */
export const lookupReadLimit = 50;

export type Counts = { truePositives: number; falsePositives: number; falseNegatives: number };
export type Rates = Counts & { precision: number; recall: number; f1: number };

export type Quality = {
  probes: number;
  truePairs: number;
  match: Rates;
  matchOrPossible: Rates;
  /** The most profiles stored under one key, as the probes saw it. */
  largestPartition: number;
  /** The most candidates one probe read across all its keys. */
  mostCandidates: number;
};

const rates = ({ truePositives: tp, falsePositives: fp, falseNegatives: fn }: Counts): Rates => {
  const precision = tp + fp === 0 ? 1 : tp / (tp + fp);
  const recall = tp + fn === 0 ? 1 : tp / (tp + fn);
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { truePositives: tp, falsePositives: fp, falseNegatives: fn, precision, recall, f1 };
};

type Stored = { record: FebrlRecord; profile: PersonProfile };

/**
 * The duplicate check against an in-memory store: the originals are stored under their lookup keys
 * (in file order, each key read at most `lookupReadLimit` deep, like the table), then each duplicate
 * probes with its own keys and every candidate it reads is scored. Pairs (duplicate, original) count.
 * Originals that `holdOut` picks are not stored: their duplicates must find nothing.
 */
export const measureQuality = (
  records: readonly FebrlRecord[],
  options: { holdOut?: (entity: number) => boolean } = {},
): Quality => {
  const store = new Map<string, Stored[]>();
  // the stored originals' value counts, as the frequency counters would hold them
  const counts = new Map<string, number>();
  const originals = new Set<number>();
  for (const record of records.filter((r) => r.original && !options.holdOut?.(r.entity))) {
    const profile = personProfile(record.person);
    if (!profile) continue;
    originals.add(record.entity);
    for (const { key } of personLookupKeys(profile)) store.set(key, [...(store.get(key) ?? []), { record, profile }]);
    for (const value of recordCountedValues({ person: profile })) counts.set(value, (counts.get(value) ?? 0) + 1);
  }
  const frequencies = frequenciesFrom(counts);
  const match: Counts = { truePositives: 0, falsePositives: 0, falseNegatives: 0 };
  const matchOrPossible: Counts = { truePositives: 0, falsePositives: 0, falseNegatives: 0 };
  let probes = 0;
  let truePairs = 0;
  let largestPartition = 0;
  let mostCandidates = 0;
  for (const duplicate of records.filter((r) => !r.original)) {
    const profile = personProfile(duplicate.person);
    const hasOriginal = originals.has(duplicate.entity);
    probes++;
    if (hasOriginal) truePairs++;
    const candidates = new Map<string, Stored>();
    for (const { key } of profile ? personLookupKeys(profile) : []) {
      const partition = store.get(key) ?? [];
      largestPartition = Math.max(largestPartition, partition.length);
      for (const stored of partition.slice(0, lookupReadLimit)) candidates.set(stored.record.id, stored);
    }
    mostCandidates = Math.max(mostCandidates, candidates.size);
    const levels = new Map<boolean, Scored['level'][]>([
      [true, []],
      [false, []],
    ]);
    const score = profile ? personScorer(profile, frequencies) : null;
    for (const stored of candidates.values()) {
      if (!score) break;
      levels.get(stored.record.entity === duplicate.entity)?.push(score(stored.profile).level);
    }
    const found = levels.get(true) ?? [];
    const wrong = levels.get(false) ?? [];
    match.falsePositives += wrong.filter((l) => l === 'match').length;
    matchOrPossible.falsePositives += wrong.filter((l) => l !== null).length;
    if (found.includes('match')) match.truePositives++;
    else if (hasOriginal) match.falseNegatives++;
    if (found.some((l) => l !== null)) matchOrPossible.truePositives++;
    else if (hasOriginal) matchOrPossible.falseNegatives++;
  }
  return {
    probes,
    truePairs,
    match: rates(match),
    matchOrPossible: rates(matchOrPossible),
    largestPartition,
    mostCandidates,
  };
};

/** The Febrl person records with known duplicates (test/fixtures/febrl), read as Kontakt person inputs. */
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import * as z from 'zod/mini';
import { type PersonInput, type PersonProfile, personProfile } from '../../domain/duplicates/match-profile.ts';
import { inMemoryMatching } from './in-memory-matching.ts';

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

/** Reads per lookup key in the real store; the in-memory store (support/in-memory-matching.ts) caps its reads the same way. */
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
  /** The most candidates the check kept for one probe (it keeps at most ten). */
  mostCandidates: number;
};

const rates = ({ truePositives: tp, falsePositives: fp, falseNegatives: fn }: Counts): Rates => {
  const precision = tp + fp === 0 ? 1 : tp / (tp + fp);
  const recall = tp + fn === 0 ? 1 : tp / (tp + fn);
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { truePositives: tp, falsePositives: fp, falseNegatives: fn, precision, recall, f1 };
};

/**
 * The duplicate check as production runs it, against an in-memory copy of the table: the originals
 * are stored under their lookup keys (partitions read at most `lookupReadLimit` deep, like the
 * table), then each duplicate's candidates are found and ranked by `rankCandidates`, the worker's
 * own ranking. Pairs (duplicate, original) count. Originals that `holdOut` picks are not stored:
 * their duplicates must find nothing.
 */
export const measureQuality = (
  records: readonly FebrlRecord[],
  options: { holdOut?: (entity: number) => boolean } = {},
): Quality => {
  const entityOf = new Map<string, number>();
  const stored: { kind: 'person'; id: string; profiles: { person: PersonProfile } }[] = [];
  for (const record of records.filter((r) => r.original && !options.holdOut?.(r.entity))) {
    const profile = personProfile(record.person);
    if (!profile) continue;
    entityOf.set(record.id, record.entity);
    stored.push({ kind: 'person', id: record.id, profiles: { person: profile } });
  }
  const originals = new Set(entityOf.values());
  const matching = inMemoryMatching(stored);
  const match: Counts = { truePositives: 0, falsePositives: 0, falseNegatives: 0 };
  const matchOrPossible: Counts = { truePositives: 0, falsePositives: 0, falseNegatives: 0 };
  let probes = 0;
  let truePairs = 0;
  let mostCandidates = 0;
  for (const duplicate of records.filter((r) => !r.original)) {
    const profile = personProfile(duplicate.person);
    const hasOriginal = originals.has(duplicate.entity);
    probes++;
    if (hasOriginal) truePairs++;
    const candidates = profile ? matching.check({ person: profile }, ['person']) : [];
    mostCandidates = Math.max(mostCandidates, candidates.length);
    const found = candidates.filter((c) => entityOf.get(c.id) === duplicate.entity).map((c) => c.level);
    const wrong = candidates.filter((c) => entityOf.get(c.id) !== duplicate.entity).map((c) => c.level);
    match.falsePositives += wrong.filter((l) => l === 'match').length;
    matchOrPossible.falsePositives += wrong.length;
    if (found.includes('match')) match.truePositives++;
    else if (hasOriginal) match.falseNegatives++;
    if (found.length > 0) matchOrPossible.truePositives++;
    else if (hasOriginal) matchOrPossible.falseNegatives++;
  }
  return {
    probes,
    truePairs,
    match: rates(match),
    matchOrPossible: rates(matchOrPossible),
    largestPartition: matching.stats.largestPartition,
    mostCandidates,
  };
};

/**
 * `node bench/tune-matching.ts`: estimates m and u of every comparison level from Febrl dataset1's
 * labelled pairs (never dataset2, which is kept for one final measurement), prints the weights
 * log2(m/u) that scoring.ts holds rounded, and the quality the weights and thresholds in scoring.ts reach.
 */

import { personLookupKeys } from '../domain/duplicates/lookup-keys.ts';
import { type PersonProfile, personProfile } from '../domain/duplicates/match-profile.ts';
import {
  comparePersons,
  type Level,
  type PersonField,
  personFields,
  personWeights,
  priorWeight,
  thresholds,
} from '../domain/duplicates/scoring.ts';
import { initDeferred } from '../domain/shared/deferred-init.ts';
import { loadFebrl, measureQuality } from '../test/support/febrl.ts';

// the phone numbering plan and whatever else modules defer from a cold start, as handlers load it
await initDeferred();

const levels: readonly Level[] = ['exact', 'phonetic', 'similar', 'disagree'];
const round = (value: number, digits: number): number => Number(value.toFixed(digits));

type Tally = { pairs: number; counts: Map<PersonField, Record<Level, number>> };
const tally = (): Tally => ({
  pairs: 0,
  counts: new Map(personFields.map((field) => [field, { exact: 0, phonetic: 0, similar: 0, disagree: 0 }])),
});
const seen = (t: Tally, field: PersonField, level: Level): number => t.counts.get(field)?.[level] ?? 0;
const count = (into: Tally, a: PersonProfile, b: PersonProfile): void => {
  into.pairs++;
  const { levels: found } = comparePersons(a, b);
  for (const field of personFields) {
    const level = found[field];
    const counts = into.counts.get(field);
    if (level && counts) counts[level]++;
  }
};

const records = loadFebrl('dataset1.csv').flatMap((record) => {
  const profile = personProfile(record.person);
  return profile ? [{ ...record, profile }] : [];
});

// Candidate pairs: every two records (originals and duplicates alike) that share a lookup key.
const partitions = new Map<string, number[]>();
records.forEach((record, i) => {
  for (const { key } of personLookupKeys(record.profile)) partitions.set(key, [...(partitions.get(key) ?? []), i]);
});
const candidatePairs = new Set<string>();
for (const members of partitions.values())
  for (const [x, i] of members.entries()) for (const j of members.slice(x + 1)) candidatePairs.add(`${i}:${j}`);

const m = tally();
const blockedU = tally();
for (const pair of candidatePairs) {
  const [i, j] = pair.split(':').map(Number);
  const a = records[i ?? -1];
  const b = records[j ?? -1];
  if (a && b) count(a.entity === b.entity ? m : blockedU, b.profile, a.profile);
}

// The blocked non-matching pairs are far too few to estimate u (a level never seen there would weigh
// infinitely), so u comes from all non-matching pairs of dataset1, the classic Fellegi–Sunter u.
const u = tally();
for (const [i, a] of records.entries())
  for (const b of records.slice(i + 1)) if (a.entity !== b.entity) count(u, b.profile, a.profile);

// Half a pair per level keeps a level that never occurs finite (additive smoothing).
const probability = (t: Tally, field: PersonField, level: Level): number => {
  const total = levels.reduce((sum, l) => sum + seen(t, field, l), 0);
  return (seen(t, field, level) + 0.5) / (total + 0.5 * levels.length);
};

const estimates = personFields.flatMap((field) =>
  levels
    .filter((level) => seen(m, field, level) + seen(u, field, level) > 0)
    .map((level) => {
      const mp = probability(m, field, level);
      const up = probability(u, field, level);
      return {
        field,
        level,
        m: round(mp, 4),
        u: round(up, 6),
        weight: round(Math.log2(mp / up), 1),
        inScoring: personWeights[field][level] ?? 0,
        truePairs: seen(m, field, level),
        blockedNonMatches: seen(blockedU, field, level),
      };
    }),
);

process.stdout.write(
  `${JSON.stringify({
    candidatePairs: candidatePairs.size,
    trueCandidatePairs: m.pairs,
    blockedNonMatchingPairs: blockedU.pairs,
    nonMatchingPairs: u.pairs,
  })}\n`,
);
console.table(estimates);

const quality = measureQuality(loadFebrl('dataset1.csv'));
const figures = (r: typeof quality.match) => ({
  precision: round(r.precision, 4),
  recall: round(r.recall, 4),
  f1: round(r.f1, 4),
  tp: r.truePositives,
  fp: r.falsePositives,
  fn: r.falseNegatives,
});
process.stdout.write(
  `${JSON.stringify({
    priorWeight,
    thresholds,
    match: figures(quality.match),
    matchOrPossible: figures(quality.matchOrPossible),
    largestPartition: quality.largestPartition,
    mostCandidates: quality.mostCandidates,
  })}\n`,
);

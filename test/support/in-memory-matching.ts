/**
 * Duplicate protection against an in-memory copy of what the table would hold: lookup partitions
 * sorted like their sort keys and read 50 deep (a crowded one once more, narrowed to the probe's
 * refinement), and the value counts of the stored persons and companies. Fast enough to measure a
 * 20,000-person base in a unit test; bench/regional-quality.ts measures the same through DynamoDB Local.
 */
import { type FoundRecord, rankCandidates } from '../../domain/duplicates/duplicate-check.ts';
import { frequenciesFrom, recordCountedValues } from '../../domain/duplicates/frequencies.ts';
import { noRefinement } from '../../domain/duplicates/lookup-keys.ts';
import { lookupsOf, type MatchProfiles } from '../../domain/duplicates/record-profiles.ts';
import type { Candidate, CandidateKind } from '../../domain/inbox/inbox-entry.ts';

const readLimit = 50;

type Item = { sk: string; record: FoundRecord };

export type InMemoryStats = { checks: number; overCap: number; stillOverCap: number; largestPartition: number };

export const inMemoryMatching = (records: readonly { kind: CandidateKind; id: string; profiles: MatchProfiles }[]) => {
  const partitions = new Map<string, Item[]>();
  const counts = new Map<string, number>();
  for (const record of records) {
    const { keys } = lookupsOf(record.profiles);
    const kind = record.kind === 'person' ? 'PERSON' : record.kind === 'company' ? 'COMPANY' : 'INBOX';
    const rank = kind === 'INBOX' ? 2 : 1;
    for (const { key, refine } of keys) {
      const items = partitions.get(key) ?? [];
      items.push({
        sk: `${rank}#${refine}#${kind}#${record.id}`,
        record: { kind: record.kind, id: record.id, profiles: record.profiles },
      });
      partitions.set(key, items);
    }
    if (record.kind !== 'inboxEntry') {
      for (const value of new Set(recordCountedValues(record.profiles)))
        counts.set(value, (counts.get(value) ?? 0) + 1);
    }
  }
  for (const items of partitions.values()) items.sort((a, b) => (a.sk < b.sk ? -1 : a.sk > b.sk ? 1 : 0));
  const frequencies = frequenciesFrom(counts);
  const stats: InMemoryStats = { checks: 0, overCap: 0, stillOverCap: 0, largestPartition: 0 };

  const check = (probe: MatchProfiles, kinds: readonly CandidateKind[]): Candidate[] => {
    stats.checks += 1;
    const found: FoundRecord[] = [];
    for (const { key, refine } of lookupsOf(probe).keys) {
      const items = partitions.get(key) ?? [];
      stats.largestPartition = Math.max(stats.largestPartition, items.length);
      found.push(...items.slice(0, readLimit).map((i) => i.record));
      if (items.length <= readLimit) continue;
      stats.overCap += 1;
      if (refine === noRefinement) {
        stats.stillOverCap += 1;
        continue;
      }
      const narrowed = items.filter((i) => i.sk.startsWith(`1#${refine}#`));
      if (narrowed.length > readLimit) stats.stillOverCap += 1;
      found.push(...narrowed.slice(0, readLimit).map((i) => i.record));
    }
    return rankCandidates(probe, found, { kinds }, frequencies);
  };
  return { check, stats };
};

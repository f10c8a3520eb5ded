/** Duplicate protection (PRODUCT.md rule 2): turns what the lookups found into ranked, explained candidates. */
import type { Candidate, CandidateKind, DuplicateCheck } from '../inbox/inbox-entry.ts';
import { type Frequencies, noFrequencies } from './frequencies.ts';
import type { MatchProfiles } from './record-profiles.ts';
import { companyScorer, personScorer } from './scoring.ts';

export const maxCandidates = 10;

/** A record a lookup returned: who it is and the profiles stored with it. */
export type FoundRecord = { kind: CandidateKind; id: string; profiles: MatchProfiles };

/**
 * Whether anything found could become a candidate: a record of a kind searched for, not the one
 * excluded, with a profile of its kind. When nothing can, the check needs no value counts (they only
 * weigh candidates), and the finder reads none.
 */
export const anyRankable = (
  probe: MatchProfiles,
  found: readonly FoundRecord[],
  options: { kinds: readonly CandidateKind[]; exclude?: { kind: CandidateKind; id: string } },
): boolean =>
  found.some(
    (record) =>
      options.kinds.includes(record.kind) &&
      !(options.exclude && options.exclude.kind === record.kind && options.exclude.id === record.id) &&
      (record.kind === 'company'
        ? probe.company !== undefined && record.profiles.company !== undefined
        : probe.person !== undefined && record.profiles.person !== undefined),
  );

/**
 * Scores every record found against the probe: persons and inbox entries as persons, companies as
 * companies. Records below `possible` are dropped; `kinds` limits what counts (creating a person is
 * not blocked by an inbox entry of the same person); `exclude` is the record being checked itself.
 * `frequencies` are the stored records' counts of the probe's values (none: every weight its prior).
 */
export const rankCandidates = (
  probe: MatchProfiles,
  found: readonly FoundRecord[],
  options: { kinds: readonly CandidateKind[]; exclude?: { kind: CandidateKind; id: string } },
  frequencies: Frequencies = noFrequencies,
): Candidate[] => {
  const scorePerson = probe.person ? personScorer(probe.person, frequencies) : null;
  const scoreCompany = probe.company ? companyScorer(probe.company, frequencies) : null;
  const seen = new Set<string>();
  const candidates: Candidate[] = [];
  for (const record of found) {
    const id = `${record.kind}#${record.id}`;
    if (seen.has(id) || !options.kinds.includes(record.kind)) continue;
    seen.add(id);
    if (options.exclude && options.exclude.kind === record.kind && options.exclude.id === record.id) continue;
    const scored =
      record.kind === 'company'
        ? scoreCompany && record.profiles.company
          ? scoreCompany(record.profiles.company)
          : null
        : scorePerson && record.profiles.person
          ? scorePerson(record.profiles.person)
          : null;
    if (scored?.level) {
      candidates.push({
        kind: record.kind,
        id: record.id,
        score: scored.score,
        level: scored.level,
        reasons: [...scored.reasons],
      });
    }
  }
  return sortCandidates(candidates);
};

/** By score, then id, so a re-run writes the same list; at most ten. */
export const sortCandidates = (candidates: readonly Candidate[]): Candidate[] =>
  [...candidates].sort((a, b) => b.score - a.score || a.id.localeCompare(b.id)).slice(0, maxCandidates);

export const completedCheck = (candidates: readonly Candidate[], now: Date): DuplicateCheck => ({
  status: 'done',
  checkedAt: now.toISOString(),
  candidates: sortCandidates(candidates),
});

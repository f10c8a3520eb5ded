/** Duplicate protection (PRODUCT.md rule 2): turns what the lookups found into ranked, explained candidates. */
import type { Candidate, DuplicateCheck } from '../inbox/inbox-entry.ts';

export const maxCandidates = 10;

/** A person found under the same normalised email is the strongest sign of a duplicate there is. */
export const emailMatches = (personIds: readonly string[]): Candidate[] =>
  [...new Set(personIds)].map((id) => ({
    kind: 'person',
    id,
    score: 1,
    level: 'match',
    reasons: ['email_equal'],
  }));

/** Candidates sorted by score (then id, so a re-run writes the same list), at most ten. */
export const completedCheck = (candidates: readonly Candidate[], now: Date): DuplicateCheck => ({
  status: 'done',
  checkedAt: now.toISOString(),
  candidates: [...candidates].sort((a, b) => b.score - a.score || a.id.localeCompare(b.id)).slice(0, maxCandidates),
});

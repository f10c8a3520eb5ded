import { describe, expect, it } from 'vitest';
import { completedCheck, emailMatches, maxCandidates } from '../../../domain/duplicates/duplicate-check.ts';
import type { Candidate } from '../../../domain/inbox/inbox-entry.ts';
import { normaliseEmail } from '../../../domain/shared/normalise-email.ts';

describe('emailMatches', () => {
  it('makes each person found under the same email a match, once', () => {
    expect(emailMatches(['p1', 'p2', 'p1'])).toEqual([
      { kind: 'person', id: 'p1', score: 1, level: 'match', reasons: ['email_equal'] },
      { kind: 'person', id: 'p2', score: 1, level: 'match', reasons: ['email_equal'] },
    ]);
  });
});

describe('completedCheck', () => {
  const candidate = (id: string, score: number): Candidate => ({
    kind: 'person',
    id,
    score,
    level: score >= 0.9 ? 'match' : 'possible',
    reasons: [],
  });

  it('sorts by score, then id, and keeps at most ten', () => {
    const many = Array.from({ length: 12 }, (_, i) => candidate(`p${String(i).padStart(2, '0')}`, i / 20));
    const check = completedCheck([candidate('b', 0.95), candidate('a', 0.95), ...many], new Date(0));

    expect(check.status).toBe('done');
    expect(check.checkedAt).toBe('1970-01-01T00:00:00.000Z');
    expect(check.candidates).toHaveLength(maxCandidates);
    expect(check.candidates.slice(0, 3).map((c) => c.id)).toEqual(['a', 'b', 'p11']);
  });
});

describe('normaliseEmail', () => {
  it('ignores case and surrounding whitespace', () => {
    expect(normaliseEmail('  Max.Muster@Example.COM ')).toBe('max.muster@example.com');
  });
});

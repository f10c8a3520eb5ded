import { describe, expect, it } from 'vitest';
import {
  completedCheck,
  type FoundRecord,
  maxCandidates,
  rankCandidates,
} from '../../../domain/duplicates/duplicate-check.ts';
import { companyProfile } from '../../../domain/duplicates/match-profile.ts';
import { contactProfiles } from '../../../domain/duplicates/record-profiles.ts';
import type { Candidate } from '../../../domain/inbox/inbox-entry.ts';
import { normaliseEmail } from '../../../domain/shared/normalise-email.ts';

describe('rankCandidates', () => {
  const anna = contactProfiles({
    firstName: 'Anna',
    lastName: 'Schmidt',
    email: 'anna@schmidt.example',
    postalCode: '10115',
  });
  const found = (
    kind: FoundRecord['kind'],
    id: string,
    contact: Parameters<typeof contactProfiles>[0],
  ): FoundRecord => ({
    kind,
    id,
    profiles: contactProfiles(contact),
  });

  it('scores a record found under several keys once, with its reasons', () => {
    const record = found('person', 'p1', { firstName: 'Anna', lastName: 'Schmidt', email: 'ANNA@schmidt.example' });

    const candidates = rankCandidates(anna, [record, record, record], { kinds: ['person'] });

    expect(candidates).toHaveLength(1);
    expect(candidates[0]).toMatchObject({ kind: 'person', id: 'p1', level: 'match' });
    expect(candidates[0]?.reasons).toEqual(expect.arrayContaining(['email_equal', 'last_name_equal']));
  });

  it('leaves out the record being checked, kinds not asked for, and records below possible', () => {
    const records = [
      found('inboxEntry', 'self', { firstName: 'Anna', lastName: 'Schmidt', email: 'anna@schmidt.example' }),
      found('inboxEntry', 'other', { firstName: 'Anna', lastName: 'Schmidt', email: 'anna@schmidt.example' }),
      found('person', 'p2', { firstName: 'Anna', lastName: 'Schmidt', email: 'anna@schmidt.example' }),
      found('person', 'stranger', { firstName: 'Bernd', lastName: 'Kowalski', postalCode: '10115' }),
    ];

    const inboxOnly = rankCandidates(anna, records, {
      kinds: ['inboxEntry'],
      exclude: { kind: 'inboxEntry', id: 'self' },
    });
    const all = rankCandidates(anna, records, { kinds: ['person', 'company', 'inboxEntry'] });

    expect(inboxOnly.map((c) => c.id)).toEqual(['other']);
    expect(all.map((c) => c.id)).not.toContain('stranger');
  });

  it('compares companies only with the company an entry names', () => {
    const probe = contactProfiles({ lastName: 'Weber', companyName: 'Weber Maschinenbau GmbH', postalCode: '70173' });
    const company: FoundRecord = {
      kind: 'company',
      id: 'c1',
      profiles: {
        company:
          companyProfile({ name: 'WEBER Maschinenbau', emails: [], phones: [], postalCode: '70173' }) ?? undefined,
      },
    };

    const withCompany = rankCandidates(probe, [company], { kinds: ['company'] });
    const personOnly = rankCandidates(anna, [company], { kinds: ['company'] });

    expect(withCompany[0]).toMatchObject({ kind: 'company', id: 'c1' });
    expect(withCompany[0]?.reasons).toContain('company_name_equal');
    expect(personOnly).toEqual([]);
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

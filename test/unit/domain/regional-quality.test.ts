// Duplicate protection on a generated regional customer base (bench/regional-customers.ts), against
// an in-memory copy of what the table would hold: the same keys, read limits, counts and scoring.
// The benchmark figure `duplicate-quality-regional` measures the same through DynamoDB Local.
import { describe, expect, it } from 'vitest';
import { regionalCustomerBase } from '../../../bench/regional-customers.ts';
import { regionalFigures } from '../../../bench/regional-quality-figures.ts';
import { createCompany } from '../../../domain/companies/company.ts';
import { companyProfiles, contactProfiles, personProfiles } from '../../../domain/duplicates/record-profiles.ts';
import { createPerson } from '../../../domain/persons/person.ts';
import { inMemoryMatching } from '../../support/in-memory-matching.ts';

describe('duplicate protection on a regional German customer base (20,000 persons, most in six Cologne postcodes)', () => {
  it('keeps match precision ≥ 0.99 and match ∪ possible recall ≥ 0.95, and takes no namesake or family member for a match', () => {
    const now = new Date('2026-03-02T08:00:00Z');
    const base = regionalCustomerBase(21, {
      persons: 20_000,
      companies: 2_000,
      duplicates: 500,
      companyDuplicates: 100,
      negatives: 500,
    });
    const matching = inMemoryMatching([
      ...base.persons.map((p) => ({
        kind: 'person' as const,
        id: `p${p.entity}`,
        profiles: personProfiles(createPerson(`p${p.entity}`, p.fields, now)),
      })),
      ...base.companies.map((c) => ({
        kind: 'company' as const,
        id: `c${c.entity}`,
        profiles: companyProfiles(createCompany(`c${c.entity}`, c.fields, now)),
      })),
    ]);

    const checked = base.probes.map((probe) => ({
      probe,
      candidates: matching.check(contactProfiles(probe.contact), ['person', 'company']),
    }));
    const figures = regionalFigures(base, checked, { person: (e) => `p${e}`, company: (e) => `c${e}` });

    console.log('regional quality (seed 21):', JSON.stringify({ ...figures, lookups: matching.stats }));
    expect(figures.duplicates).toBe(500);
    expect(figures.matchPrecision).toBeGreaterThanOrEqual(0.99);
    expect(figures.matchOrPossibleRecall).toBeGreaterThanOrEqual(0.95);
    expect(figures.falseMatchRateNamesakesAndFamily).toBeLessThanOrEqual(0.01);
    expect(figures.companyMatchPrecision).toBeGreaterThanOrEqual(0.99);
    expect(figures.companyMatchOrPossibleRecall).toBeGreaterThanOrEqual(0.95);
  }, 120_000);
});

/**
 * The figures of duplicate protection on a regional customer base, from the candidates each probe
 * got: precision of `match` (counted in pairs), recall of `match ∪ possible` (counted in
 * duplicates), and how often a record that is NOT a stored one — a new family member, a namesake,
 * father and son — was taken for one with `match`.
 */
import type { Candidate } from '../domain/inbox/inbox-entry.ts';
import type { Probe, ProbeKind, RegionalBase } from './regional-customers.ts';

export type Checked = { probe: Probe; candidates: readonly Candidate[] };

export type RegionalFigures = {
  persons: number;
  companies: number;
  duplicates: number;
  /** precision of `match` over (probe, person) pairs */
  matchPrecision: number;
  matchPairs: { true: number; false: number };
  /** share of person duplicates whose original was found at `possible` or better */
  matchOrPossibleRecall: number;
  /** share of person duplicates whose original was found at `match` */
  matchRecall: number;
  missedByVariation: Record<string, number>;
  /** share of namesakes, family members and juniors that got a false `match` */
  falseMatchRateNamesakesAndFamily: number;
  falseMatchesByKind: Partial<Record<ProbeKind, { probes: number; falseMatch: number; falsePossible: number }>>;
  companyMatchPrecision: number;
  companyMatchOrPossibleRecall: number;
};

const ratio = (a: number, b: number): number => (b === 0 ? 1 : a / b);

export const regionalFigures = (
  base: RegionalBase,
  checked: readonly Checked[],
  idOf: { person: (entity: number) => string; company: (entity: number) => string },
): RegionalFigures => {
  const entityOfPerson = new Map(base.persons.map((p) => [idOf.person(p.entity), p.entity]));
  const entityOfCompany = new Map(base.companies.map((c) => [idOf.company(c.entity), c.entity]));
  const pairs = { true: 0, false: 0 };
  const companyPairs = { true: 0, false: 0 };
  let duplicates = 0;
  let found = 0;
  let foundAsMatch = 0;
  let companyDuplicates = 0;
  let companyFound = 0;
  const missedByVariation: Record<string, number> = {};
  const byKind: RegionalFigures['falseMatchesByKind'] = {};
  for (const { probe, candidates } of checked) {
    const persons = candidates.filter((c) => c.kind === 'person');
    const companies = candidates.filter((c) => c.kind === 'company');
    for (const c of persons) {
      if (c.level !== 'match') continue;
      const same = probe.kind === 'duplicate' && entityOfPerson.get(c.id) === probe.entity;
      if (same) pairs.true += 1;
      else pairs.false += 1;
    }
    for (const c of companies) {
      if (c.level !== 'match') continue;
      const same = probe.kind === 'company-duplicate' && entityOfCompany.get(c.id) === probe.entity;
      if (same) companyPairs.true += 1;
      else companyPairs.false += 1;
    }
    if (probe.kind === 'duplicate') {
      duplicates += 1;
      const hit = persons.find((c) => entityOfPerson.get(c.id) === probe.entity);
      if (hit) found += 1;
      else for (const v of probe.variations) missedByVariation[v] = (missedByVariation[v] ?? 0) + 1;
      if (hit?.level === 'match') foundAsMatch += 1;
    } else if (probe.kind === 'company-duplicate') {
      companyDuplicates += 1;
      if (companies.some((c) => entityOfCompany.get(c.id) === probe.entity)) companyFound += 1;
    } else {
      const tally = byKind[probe.kind] ?? { probes: 0, falseMatch: 0, falsePossible: 0 };
      tally.probes += 1;
      const own = probe.kind.startsWith('company') || probe.kind === 'new-company' ? companies : persons;
      if (own.some((c) => c.level === 'match')) tally.falseMatch += 1;
      else if (own.length > 0) tally.falsePossible += 1;
      byKind[probe.kind] = tally;
    }
  }
  const hardKinds: ProbeKind[] = ['namesake', 'family-member', 'junior'];
  const hard = hardKinds.map((k) => byKind[k] ?? { probes: 0, falseMatch: 0, falsePossible: 0 });
  return {
    persons: base.persons.length,
    companies: base.companies.length,
    duplicates,
    matchPrecision: ratio(pairs.true, pairs.true + pairs.false),
    matchPairs: pairs,
    matchOrPossibleRecall: ratio(found, duplicates),
    matchRecall: ratio(foundAsMatch, duplicates),
    missedByVariation,
    falseMatchRateNamesakesAndFamily: ratio(
      hard.reduce((s, t) => s + t.falseMatch, 0),
      hard.reduce((s, t) => s + t.probes, 0),
    ),
    falseMatchesByKind: byKind,
    companyMatchPrecision: ratio(companyPairs.true, companyPairs.true + companyPairs.false),
    companyMatchOrPossibleRecall: ratio(companyFound, companyDuplicates),
  };
};

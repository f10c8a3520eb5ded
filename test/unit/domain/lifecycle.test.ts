// The lifecycle stage (DispoCalc: Allgemeiner Kontakt → Lead → Interessent → Kunde): raised by the
// pipeline, set by hand, with its history, and never in disagreement with the relationship.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  absorbCompany,
  type Company,
  createCompany,
  patchCompany,
  relationships,
} from '../../../domain/companies/company.ts';
import {
  lifecycleStages,
  maxStageHistory,
  raiseStage,
  stageImplied,
  stageOf,
} from '../../../domain/companies/lifecycle.ts';
import { createPerson, patchPerson } from '../../../domain/persons/person.ts';
import { refusedField } from '../../support/field-errors.ts';

const now = new Date('2026-05-04T09:00:00.000Z');
const later = new Date('2026-05-05T09:00:00.000Z');
const fields = {
  name: 'Nordlicht GmbH',
  type: 'company' as const,
  relationship: 'prospect' as const,
  emails: [],
  phones: [],
};

describe('lifecycle stage', () => {
  it('starts a new company as a general contact, with the creation in its history', () => {
    const company = createCompany('C1', fields, now, { by: 'user', userId: 'U1' });
    expect(company.lifecycleStage).toBe('general');
    expect(company.stageHistory).toEqual([
      { from: null, to: 'general', at: now.toISOString(), by: 'user', userId: 'U1' },
    ]);
  });

  it('raises a stage only forward: a lead stays a prospect, a customer stays a customer', () => {
    const lead = raiseStage(createCompany('C1', fields, now), 'lead', later.toISOString(), {
      by: 'conversion',
      recordId: 'O1',
    });
    expect(lead.lifecycleStage).toBe('lead');
    expect(lead.stageHistory?.at(-1)).toEqual({
      from: 'general',
      to: 'lead',
      at: later.toISOString(),
      by: 'conversion',
      recordId: 'O1',
    });
    const prospect = raiseStage(lead, 'prospect', later.toISOString(), { by: 'deal' });
    expect(raiseStage(prospect, 'lead', later.toISOString(), { by: 'conversion' })).toBe(prospect);
    const customer = raiseStage(prospect, 'customer', later.toISOString(), { by: 'won' });
    expect(customer).toMatchObject({ lifecycleStage: 'customer', relationship: 'customer' });
    expect(raiseStage(customer, 'prospect', later.toISOString(), { by: 'deal' })).toBe(customer);
    expect(customer.stageHistory?.map((c) => `${c.from}→${c.to} ${c.by}`)).toEqual([
      'null→general user',
      'general→lead conversion',
      'lead→prospect deal',
      'prospect→customer won',
    ]);
  });

  it('knows what the pipeline implies: a lead a lead, an open deal a prospect, a win a customer, a loss nothing', () => {
    expect(stageImplied({ stage: 'lead', status: 'open' })).toBe('lead');
    expect(stageImplied({ stage: 'deal', status: 'open' })).toBe('prospect');
    expect(stageImplied({ stage: 'deal', status: 'won' })).toBe('customer');
    expect(stageImplied({ stage: 'deal', status: 'lost' })).toBeNull();
  });

  it('reads a company stored before stages as customer when its relationship is, else general', () => {
    const stored = { ...createCompany('C1', fields, now), lifecycleStage: undefined, stageHistory: undefined };
    expect(stageOf(stored)).toBe('general');
    expect(stageOf({ ...stored, relationship: 'customer' })).toBe('customer');
  });

  it('keeps relationship and stage in step when either is set by hand', () => {
    const company = createCompany('C1', fields, now);
    const customer = patchCompany(company, { relationship: 'customer' }, later, 'U1');
    expect(customer).toMatchObject({ lifecycleStage: 'customer', relationship: 'customer' });
    expect(customer.stageHistory?.at(-1)).toMatchObject({
      from: 'general',
      to: 'customer',
      by: 'relationship',
      userId: 'U1',
    });
    const back = patchCompany(customer, { lifecycleStage: 'lead' }, later, 'U1');
    expect(back).toMatchObject({ lifecycleStage: 'lead', relationship: 'prospect' });
    const supplier = patchCompany(customer, { relationship: 'supplier' }, later, 'U1');
    expect(supplier).toMatchObject({ lifecycleStage: 'prospect', relationship: 'supplier' });
    expect(patchCompany(company, { lifecycleStage: 'customer' }, later)).toMatchObject({ relationship: 'customer' });
    expect(createCompany('C2', { ...fields, relationship: 'customer' }, now).lifecycleStage).toBe('customer');
  });

  it('refuses a stage and a relationship that disagree, naming the relationship', () => {
    const company = createCompany('C1', fields, now);
    expect(
      refusedField(() => patchCompany(company, { relationship: 'partner', lifecycleStage: 'customer' }, later)),
    ).toBe('relationship');
    expect(
      refusedField(() => createCompany('C2', { ...fields, relationship: 'customer', lifecycleStage: 'lead' }, now)),
    ).toBe('relationship');
  });

  it('never lets relationship and stage disagree, whatever is set, raised or merged in any order', () => {
    type Step =
      | { kind: 'stage'; to: (typeof lifecycleStages)[number] }
      | { kind: 'relationship'; to: (typeof relationships)[number] }
      | { kind: 'raise'; to: (typeof lifecycleStages)[number] }
      | { kind: 'merge'; relationship: (typeof relationships)[number]; stage: (typeof lifecycleStages)[number] };
    const step: fc.Arbitrary<Step> = fc.oneof(
      fc.record({ kind: fc.constant('stage' as const), to: fc.constantFrom(...lifecycleStages) }),
      fc.record({ kind: fc.constant('relationship' as const), to: fc.constantFrom(...relationships) }),
      fc.record({ kind: fc.constant('raise' as const), to: fc.constantFrom(...lifecycleStages) }),
      fc.record({
        kind: fc.constant('merge' as const),
        relationship: fc.constantFrom(...relationships),
        stage: fc.constantFrom(...lifecycleStages),
      }),
    );
    const agree = (c: Company): boolean => (c.relationship === 'customer') === (stageOf(c) === 'customer');
    fc.assert(
      fc.property(fc.constantFrom(...relationships), fc.array(step, { maxLength: 12 }), (start, steps) => {
        let company = createCompany('C1', { ...fields, relationship: start }, now);
        for (const s of steps) {
          if (s.kind === 'stage') company = patchCompany(company, { lifecycleStage: s.to }, later);
          else if (s.kind === 'relationship') company = patchCompany(company, { relationship: s.to }, later);
          else if (s.kind === 'raise') company = raiseStage(company, s.to, later.toISOString(), { by: 'deal' });
          else {
            const other = patchCompany(
              createCompany('C2', { ...fields, relationship: s.relationship }, now),
              { lifecycleStage: s.stage },
              now,
            );
            company = absorbCompany(company, other, later);
          }
          if (!agree(company)) return false;
        }
        return true;
      }),
    );
  });

  it('keeps the newest changes only, so a stage set back and forth cannot grow the record without bound', () => {
    let company = createCompany('C1', fields, now);
    for (let i = 0; i < maxStageHistory + 20; i += 1) {
      company = patchCompany(company, { lifecycleStage: i % 2 === 0 ? 'lead' : 'prospect' }, later);
    }
    expect(company.stageHistory).toHaveLength(maxStageHistory);
    expect(company.stageHistory?.at(-1)).toMatchObject({ to: company.lifecycleStage });
  });

  it('keeps the further stage and both histories when two companies merge', () => {
    const lead = raiseStage(createCompany('C1', fields, now), 'lead', now.toISOString(), { by: 'conversion' });
    const customer = createCompany('C2', { ...fields, relationship: 'customer' }, now);
    const merged = absorbCompany(lead, customer, later);
    expect(merged).toMatchObject({ lifecycleStage: 'customer', relationship: 'customer' });
    expect(merged.stageHistory?.at(-1)).toMatchObject({ from: 'lead', to: 'customer', by: 'merge' });
    expect(merged.stageHistory).toHaveLength(4);
  });

  it('gives a person without a company a stage of their own, and refuses one for a person with a company', () => {
    const alone = createPerson('P1', { lastName: 'Kaya', emails: [], phones: [], isMainContact: false }, now);
    expect(alone.lifecycleStage).toBe('general');
    expect(patchPerson(alone, { lifecycleStage: 'prospect' }, later, 'U1')).toMatchObject({
      lifecycleStage: 'prospect',
      stageHistory: [expect.anything(), { from: 'general', to: 'prospect', by: 'user', userId: 'U1' }],
    });
    const employed = createPerson(
      'P2',
      { lastName: 'Kaya', emails: [], phones: [], isMainContact: false, companyId: 'C1' },
      now,
    );
    expect(employed.lifecycleStage).toBeUndefined();
    expect(refusedField(() => patchPerson(employed, { lifecycleStage: 'lead' }, later))).toBe('lifecycleStage');
  });
});

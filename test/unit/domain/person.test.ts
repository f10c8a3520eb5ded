import { describe, expect, it } from 'vitest';
import {
  absorbPerson,
  createPerson,
  employmentsOf,
  patchPerson,
  personSortName,
} from '../../../domain/persons/person.ts';

const now = new Date('2026-04-01T10:00:00Z');

describe('persons known by last name only', () => {
  it('keep the first name a merged duplicate knew: "Herr Kempton" absorbing "Klaus Kempton" is Klaus Kempton', () => {
    const survivor = createPerson(
      'a',
      { salutation: 'Herr', lastName: 'Kempton', emails: [], phones: [], isMainContact: false },
      now,
    );
    const duplicate = createPerson(
      'b',
      { firstName: 'Klaus', lastName: 'Kempton', emails: [], phones: [], isMainContact: false },
      now,
    );

    const merged = absorbPerson(survivor, duplicate, now);

    expect(merged).toMatchObject({ firstName: 'Klaus', lastName: 'Kempton', salutation: 'Herr' });
  });

  it('sort by last name, with or without a first name', () => {
    const kempton = createPerson('a', { lastName: 'Kempton', emails: [], phones: [], isMainContact: false }, now);
    const klaus = createPerson(
      'b',
      { firstName: 'Klaus', lastName: 'Kempton', emails: [], phones: [], isMainContact: false },
      now,
    );

    expect(personSortName(kempton)).toBe('kempton');
    expect(personSortName(klaus)).toBe('kempton klaus');
  });
});

describe('people who change companies (seed 003)', () => {
  const later = new Date('2026-06-15T08:00:00Z');
  const base = { firstName: 'Jana', lastName: 'Wechsel', emails: [], phones: [], isMainContact: false };

  it('starts the history with the company a person is created at', () => {
    expect(createPerson('p', { ...base, companyId: 'A' }, now).employments).toEqual([
      { companyId: 'A', from: now.toISOString(), to: null },
    ]);
    expect(createPerson('q', base, now).employments).toEqual([]);
  });

  it('ends the current employment and starts the next when the company changes, and only then', () => {
    const atA = createPerson('p', { ...base, companyId: 'A' }, now);
    const renamed = patchPerson(atA, { position: 'Einkauf' }, later);
    expect(renamed.employments).toEqual(atA.employments);

    const atB = patchPerson(atA, { companyId: 'B' }, later);
    expect(atB.employments).toEqual([
      { companyId: 'A', from: now.toISOString(), to: later.toISOString() },
      { companyId: 'B', from: later.toISOString(), to: null },
    ]);
    const gone = patchPerson(atB, { companyId: null }, new Date('2026-09-01T00:00:00Z'));
    expect(gone.employments?.at(-1)).toEqual({
      companyId: 'B',
      from: later.toISOString(),
      to: '2026-09-01T00:00:00.000Z',
    });
    expect(gone.employments?.some((e) => e.to === null)).toBe(false);
  });

  it('derives the history of a person stored before it was kept from the current company', () => {
    const stored = { ...createPerson('p', { ...base, companyId: 'A' }, now) };
    delete stored.employments;
    expect(employmentsOf(stored)).toEqual([{ companyId: 'A', from: now.toISOString(), to: null }]);
    expect(patchPerson(stored, { companyId: 'B' }, later).employments).toEqual([
      { companyId: 'A', from: now.toISOString(), to: later.toISOString() },
      { companyId: 'B', from: later.toISOString(), to: null },
    ]);
  });

  it('keeps both histories in a merge, with one current employment at the survivor’s company', () => {
    const survivor = patchPerson(createPerson('s', { ...base, companyId: 'A' }, now), { companyId: 'B' }, later);
    const duplicate = createPerson('d', { ...base, companyId: 'C' }, later);
    const merged = absorbPerson(survivor, duplicate, new Date('2026-07-01T00:00:00Z'));
    expect(merged.employments).toEqual([
      { companyId: 'A', from: now.toISOString(), to: later.toISOString() },
      { companyId: 'B', from: later.toISOString(), to: null },
      { companyId: 'C', from: later.toISOString(), to: '2026-07-01T00:00:00.000Z' },
    ]);
  });
});

describe('an employment history out of step with the company', () => {
  it('names the surviving company when the person’s company was merged into another', () => {
    const atD = createPerson(
      'p',
      { firstName: 'Ute', lastName: 'Fusion', emails: [], phones: [], companyId: 'D', isMainContact: false },
      now,
    );
    // a merge of companies re-points companyId and leaves the history as it was
    const moved = { ...atD, companyId: 'S', updatedAt: '2026-08-01T00:00:00.000Z' };
    expect(employmentsOf(moved)).toEqual([{ companyId: 'S', from: now.toISOString(), to: null }]);
    // and a person without a company has no current employment
    const left = { ...atD, companyId: undefined, updatedAt: '2026-08-01T00:00:00.000Z' };
    expect(employmentsOf(left)).toEqual([{ companyId: 'D', from: now.toISOString(), to: '2026-08-01T00:00:00.000Z' }]);
  });
});

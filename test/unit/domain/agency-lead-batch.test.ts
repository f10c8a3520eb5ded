import { describe, expect, it } from 'vitest';
import { agencyLeadTitle } from '../../../domain/agencies/agency.ts';
import { leadGuard, leadGuards, storageOrder } from '../../../domain/agencies/lead-batch.ts';

const idempotency = { key: 'retry-1', requestHash: 'h'.repeat(43) };
const lead = { contact: { lastName: 'Muster', email: 'max@example.com' }, message: 'Solar' };

describe('leadGuard', () => {
  it('guards a lead by the agency’s externalId for good when it has one, with or without Idempotency-Key', () => {
    expect(leadGuard({ ...lead, externalId: 'A-17' }, 0, null)).toEqual({
      id: 'ext:A-17',
      kind: 'externalId',
      ttlSeconds: null,
    });
    expect(leadGuard({ ...lead, externalId: 'A-17' }, 3, idempotency).id).toBe('ext:A-17');
  });

  it('guards a lead without externalId by its place in this exact request for 24 hours under an Idempotency-Key', () => {
    const guard = leadGuard(lead, 2, idempotency);

    expect(guard).toEqual({ id: `idem:${'h'.repeat(43)}:2:retry-1`, kind: 'idempotencyKey', ttlSeconds: 86_400 });
    expect(leadGuard(lead, 3, idempotency).id).not.toBe(guard.id);
    expect(leadGuard(lead, 2, { ...idempotency, requestHash: 'other' }).id).not.toBe(guard.id);
  });

  it('guards a lead with neither by its content for 24 hours, wherever it stands in the batch', () => {
    const guard = leadGuard(lead, 0, null);

    expect(guard).toMatchObject({ id: expect.stringMatching(/^content:[A-Za-z0-9_-]{43}$/), kind: 'content' });
    expect(guard.ttlSeconds).toBe(86_400);
    expect(leadGuard(lead, 7, null).id).toBe(guard.id);
  });

  it('reads the same content sent again differently (key order, spacing, e-mail case, absent or null) as the same lead', () => {
    const resent = {
      message: ' Solar ',
      expectedBudget: null,
      contact: { email: 'MAX@example.com', lastName: 'Muster', firstName: '' },
    };

    expect(leadGuard(resent, 0, null).id).toBe(leadGuard(lead, 0, null).id);
  });

  it('tells leads apart that differ in any value', () => {
    const ids = [
      lead,
      { ...lead, message: 'Wärmepumpe' },
      { ...lead, contact: { ...lead.contact, lastName: 'Mustermann' } },
      { ...lead, expectedBudget: { amount: 10, currency: 'EUR' } },
      { ...lead, expectedBudget: { amount: 10, currency: 'CHF' } },
      { ...lead, title: 'Solar' },
    ].map((l) => leadGuard(l, 0, null).id);

    expect(new Set(ids).size).toBe(ids.length);
  });

  it('keeps the three kinds apart, whatever an agency names its leads', () => {
    const crafted = `idem:${'h'.repeat(43)}:2:retry-1`;

    expect(leadGuard({ ...lead, externalId: crafted }, 0, null).id).not.toBe(leadGuard(lead, 2, idempotency).id);
    expect(leadGuard({ ...lead, externalId: leadGuard(lead, 0, null).id }, 0, null).id).not.toBe(
      leadGuard(lead, 0, null).id,
    );
  });
});

describe('leadGuards', () => {
  it('guards a lead under an Idempotency-Key by its content too, so a retry without the key is a retry', () => {
    const keyed = leadGuards(lead, 2, idempotency);
    const keyless = leadGuards(lead, 0, null);

    expect(keyed.map((g) => g.kind)).toEqual(['idempotencyKey', 'content']);
    expect(keyed[1]?.id).toBe(keyless[0]?.id);
    expect(leadGuards({ ...lead, externalId: 'A-17' }, 2, idempotency).map((g) => g.kind)).toEqual(['externalId']);
  });
});

describe('storageOrder', () => {
  it('takes a lead that shares any guard with an earlier one for a repeat', () => {
    const leads = [
      { index: 0, guards: [{ id: 'idem:1' }, { id: 'content:x' }] },
      { index: 1, guards: [{ id: 'idem:2' }, { id: 'content:x' }] },
    ];
    expect(storageOrder(leads).repeats.map((l) => l.index)).toEqual([1]);
  });

  it('stores the first lead of each guard before any repeat of it, keeping batch order', () => {
    const leads = [
      { index: 0, guard: 'ext:a' },
      { index: 1, guard: 'content:x' },
      { index: 2, guard: 'ext:a' },
      { index: 3, guard: 'ext:b' },
      { index: 4, guard: 'content:y' },
      { index: 5, guard: 'ext:b' },
      { index: 6, guard: 'content:x' },
    ].map((lead) => ({ ...lead, guards: [{ id: lead.guard }] }));

    const { first, repeats } = storageOrder(leads);

    expect(first.map((l) => l.index)).toEqual([0, 1, 3, 4]);
    expect(repeats.map((l) => l.index)).toEqual([2, 5, 6]);
  });
});

describe('agencyLeadTitle', () => {
  it('keeps the agency’s own title and otherwise names the lead and the agency', () => {
    const contact = { firstName: 'Max', lastName: 'Muster', companyName: 'Muster GmbH' };

    expect(agencyLeadTitle('LeadCo', { title: 'Solar, 3 roofs', contact })).toBe('Solar, 3 roofs');
    expect(agencyLeadTitle('LeadCo', { contact })).toBe('Max Muster (Muster GmbH) – via LeadCo');
    expect(agencyLeadTitle('LeadCo', { contact: { email: 'a@example.com' } })).toBe('a@example.com – via LeadCo');
  });
});

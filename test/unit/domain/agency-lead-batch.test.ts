import { describe, expect, it } from 'vitest';
import { agencyLeadTitle } from '../../../domain/agencies/agency.ts';
import { leadGuardId, storageOrder } from '../../../domain/agencies/lead-batch.ts';

describe('leadGuardId', () => {
  const idempotency = { key: 'retry-1', requestHash: 'h'.repeat(43) };

  it('guards a lead by the agency’s externalId when it has one, with or without Idempotency-Key', () => {
    expect(leadGuardId({ externalId: 'A-17' }, 0, null)).toBe('ext:A-17');
    expect(leadGuardId({ externalId: 'A-17' }, 3, idempotency)).toBe('ext:A-17');
  });

  it('guards a lead without externalId by its place in this exact request when there is an Idempotency-Key', () => {
    const guard = leadGuardId({}, 2, idempotency);

    expect(guard).toBe(`idem:${'h'.repeat(43)}:2:retry-1`);
    expect(leadGuardId({}, 3, idempotency)).not.toBe(guard);
    expect(leadGuardId({}, 2, { ...idempotency, requestHash: 'other' })).not.toBe(guard);
  });

  it('gives no guard without externalId or Idempotency-Key', () => {
    expect(leadGuardId({}, 0, null)).toBeNull();
  });

  it('keeps externalIds apart from idempotency guards, whatever an agency names its leads', () => {
    const crafted = `idem:${'h'.repeat(43)}:2:retry-1`;

    expect(leadGuardId({ externalId: crafted }, 0, null)).not.toBe(leadGuardId({}, 2, idempotency));
  });
});

describe('storageOrder', () => {
  it('stores the first lead of each guard before any repeat of it, keeping batch order', () => {
    const leads = [
      { index: 0, guard: 'ext:a' },
      { index: 1, guard: null },
      { index: 2, guard: 'ext:a' },
      { index: 3, guard: 'ext:b' },
      { index: 4, guard: null },
      { index: 5, guard: 'ext:b' },
    ];

    const { first, repeats } = storageOrder(leads);

    expect(first.map((l) => l.index)).toEqual([0, 1, 3, 4]);
    expect(repeats.map((l) => l.index)).toEqual([2, 5]);
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

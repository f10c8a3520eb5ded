import { describe, expect, it } from 'vitest';
import { createInboxEntry, deriveTitle, type NewInboxEntry } from '../../../domain/inbox/inbox-entry.ts';

const newEntry = (overrides: Partial<NewInboxEntry> = {}): NewInboxEntry => ({
  id: '01JTESTENTRY0000000000000',
  source: 'webform',
  priority: 'normal',
  responsibleUserId: null,
  contact: { firstName: 'Max', lastName: 'Mustermann', email: 'max@example.com' },
  raw: { firstName: 'Max' },
  createdBy: null,
  ...overrides,
});

describe('createInboxEntry', () => {
  const now = new Date('2026-03-02T10:00:00.000Z');

  it('starts new, unqualified, unlinked, with a pending duplicate check and its first status in the history', () => {
    const entry = createInboxEntry(newEntry(), now);

    expect(entry).toMatchObject({
      processingStatus: 'new',
      archiveReason: null,
      createdAt: '2026-03-02T10:00:00.000Z',
      updatedAt: '2026-03-02T10:00:00.000Z',
      qualifiedAt: null,
      opportunityId: null,
      companyId: null,
      personId: null,
      expectedBudget: null,
      duplicateCheck: { status: 'pending', checkedAt: null, candidates: [] },
      statusHistory: [{ status: 'new', at: '2026-03-02T10:00:00.000Z', userId: null }],
      raw: { firstName: 'Max' },
      version: 1,
    });
  });

  it('starts assigned when it arrives with a responsible user', () => {
    const entry = createInboxEntry(newEntry({ responsibleUserId: 'u-1', createdBy: 'u-2' }), now);

    expect(entry.processingStatus).toBe('assigned');
    expect(entry.statusHistory).toEqual([{ status: 'assigned', at: now.toISOString(), userId: 'u-2' }]);
  });

  it('keeps a given title and derives one otherwise', () => {
    expect(createInboxEntry(newEntry({ title: '  Anfrage Dach  ' }), now).title).toBe('Anfrage Dach');
    expect(createInboxEntry(newEntry(), now).title).toBe('Max Mustermann');
  });
});

describe('deriveTitle', () => {
  it('names the person and the company', () => {
    expect(deriveTitle({ firstName: 'Eva', lastName: 'Ek', companyName: 'ACME GmbH' })).toBe('Eva Ek (ACME GmbH)');
  });

  it('falls back to company, then email, then phone', () => {
    expect(deriveTitle({ companyName: 'ACME GmbH', email: 'a@b.de' })).toBe('ACME GmbH');
    expect(deriveTitle({ email: 'a@b.de', phone: '030 1' })).toBe('a@b.de');
    expect(deriveTitle({ phone: '030 1' })).toBe('030 1');
    expect(deriveTitle({})).toBe('Inquiry');
  });
});

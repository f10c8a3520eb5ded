import { describe, expect, it } from 'vitest';
import { createInboxEntry, type InboxEntry } from '../../../domain/inbox/inbox-entry.ts';
import { archiveInboxEntry, canMove, patchInboxEntry, reopenInboxEntry } from '../../../domain/inbox/inbox-workflow.ts';

const t0 = new Date('2026-02-01T09:00:00.000Z');
const t1 = new Date('2026-02-01T10:00:00.000Z');

const entry = (overrides: Partial<InboxEntry> = {}): InboxEntry => ({
  ...createInboxEntry(
    {
      id: 'e1',
      source: 'webform',
      priority: 'normal',
      responsibleUserId: null,
      contact: { firstName: 'Max', lastName: 'Muster', email: 'max@example.com' },
      raw: {},
      createdBy: null,
    },
    t0,
  ),
  ...overrides,
});

describe('the inbox status flow', () => {
  it('allows the documented transitions only', () => {
    expect(canMove('new', 'assigned')).toBe(true);
    expect(canMove('in_progress', 'done')).toBe(true);
    expect(canMove('done', 'reopened')).toBe(true);
    expect(canMove('archived', 'reopened')).toBe(true);
    expect(canMove('converted', 'reopened')).toBe(false);
    expect(canMove('archived', 'in_progress')).toBe(false);
  });

  it('assigns a new entry when a responsible user is set, recording who and when', () => {
    const { entry: next } = patchInboxEntry(entry(), { responsibleUserId: 'u1' }, 'u2', t1);

    expect(next.processingStatus).toBe('assigned');
    expect(next.statusHistory.at(-1)).toEqual({ status: 'assigned', at: t1.toISOString(), userId: 'u2' });
    expect(next.version).toBe(2);
    expect(next.updatedAt).toBe(t1.toISOString());
  });

  it('merges contact changes, removes nulled fields and asks for a new duplicate check', () => {
    const done = entry({ duplicateCheck: { status: 'done', checkedAt: t0.toISOString(), candidates: [] } });
    const { entry: next, contactChanged } = patchInboxEntry(
      done,
      { contact: { email: null, phone: '030 1234' } },
      'u',
      t1,
    );

    expect(contactChanged).toBe(true);
    expect(next.contact).toEqual({ firstName: 'Max', lastName: 'Muster', phone: '030 1234' });
    expect(next.duplicateCheck).toEqual({ status: 'pending', checkedAt: null, candidates: [] });
  });

  it('keeps the duplicate check when only other fields change', () => {
    const done = entry({ duplicateCheck: { status: 'done', checkedAt: t0.toISOString(), candidates: [] } });
    const { entry: next, contactChanged } = patchInboxEntry(
      done,
      { title: 'Dach', contact: { firstName: 'Max' } },
      'u',
      t1,
    );

    expect(contactChanged).toBe(false);
    expect(next.duplicateCheck.status).toBe('done');
  });

  it('refuses an invalid move, and any change to a converted or archived entry', () => {
    expect(() =>
      patchInboxEntry(entry({ processingStatus: 'done' }), { processingStatus: 'in_progress' }, 'u', t1),
    ).toThrow(/cannot go from done to in_progress/);
    expect(() => patchInboxEntry(entry({ processingStatus: 'converted' }), { title: 'x' }, 'u', t1)).toThrow(
      /converted/,
    );
    expect(() => patchInboxEntry(entry({ processingStatus: 'archived' }), { title: 'x' }, 'u', t1)).toThrow(/reopened/);
  });

  it('archives an open entry with its reason and reopens it', () => {
    const archived = archiveInboxEntry(entry(), 'no_interest', 'u', t1);
    const reopened = reopenInboxEntry(archived, 'u', t1);

    expect(archived).toMatchObject({ processingStatus: 'archived', archiveReason: 'no_interest', version: 2 });
    expect(reopened).toMatchObject({ processingStatus: 'reopened', archiveReason: null, version: 3 });
    expect(reopened.statusHistory.map((s) => s.status)).toEqual(['new', 'archived', 'reopened']);
    expect(() => archiveInboxEntry(archived, 'again', 'u', t1)).toThrow(/archived/);
    expect(() => reopenInboxEntry(reopened, 'u', t1)).toThrow(/reopened to reopened/);
  });
});

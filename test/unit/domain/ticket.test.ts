import { describe, expect, it } from 'vitest';
import { defaultHolidays } from '../../../domain/calendar/german-holidays.ts';
import { KontaktError } from '../../../domain/shared/errors.ts';
import { defaultServiceHours, defaultServiceTargets } from '../../../domain/tickets/service-hours.ts';
import {
  addUpdate,
  canMoveTo,
  createTicket,
  formatTicketNumber,
  isTicketOverdue,
  type NewTicket,
  nextDueAt,
  parseTicketNumber,
  patchTicket,
  type ServiceDesk,
  type Ticket,
} from '../../../domain/tickets/ticket.ts';
import { problemStatus } from '../../../functions/shared/problem.ts';

const desk: ServiceDesk = {
  hours: { ...defaultServiceHours, holidays: defaultHolidays() },
  targets: defaultServiceTargets,
};
const at = (iso: string) => new Date(iso);
// Monday 2026-11-30 08:00 CET
const opened = at('2026-11-30T07:00:00Z');

const input: NewTicket = {
  type: 'complaint',
  subject: 'Lieferung beschädigt',
  description: 'Die Palette kam mit gebrochenen Fliesen an.',
  value: { amount: 1250, currency: 'EUR' },
  priority: 'urgent',
  companyId: 'C1',
  personId: 'P1',
  responsibleUserId: 'U-service',
  reference: { kind: 'order', number: 'A-2026-118' },
  createdBy: 'U-sales',
};

const ticket = (overrides: Partial<NewTicket> = {}): Ticket =>
  createTicket('T1', 7, { ...input, ...overrides }, desk, opened);

const refusal = (act: () => unknown): { status: number; code: string } => {
  try {
    act();
  } catch (error) {
    if (error instanceof KontaktError) return { status: problemStatus(error), code: error.code };
    throw error;
  }
  throw new Error('expected a refusal');
};

let updates = 0;
const nextUpdateId = (): string => {
  updates += 1;
  return `UPD${updates}`;
};
const update = (t: Ticket, fields: { authorId?: string | null; status?: Ticket['status']; text?: string }, now: Date) =>
  addUpdate(
    t,
    {
      id: nextUpdateId(),
      authorId: fields.authorId === undefined ? 'U-service' : fields.authorId,
      text: fields.text ?? 'Wir kümmern uns darum.',
      ...(fields.status === undefined ? {} : { status: fields.status }),
    },
    desk,
    now,
  ).ticket;

describe('ticket numbers', () => {
  it('are written TIC-n and read back in any case, nothing else taken for one', () => {
    expect(formatTicketNumber(7)).toBe('TIC-7');
    expect(parseTicketNumber('TIC-7')).toBe(7);
    expect(parseTicketNumber(' tic-12 ')).toBe(12);
    for (const text of ['TIC-0', 'TIC-07', 'OPP-7', '01JD0000000000000000000000', 'TIC-', 'TIC-1x']) {
      expect(parseTicketNumber(text)).toBeNull();
    }
  });
});

describe('a new ticket', () => {
  it("is new, numbered, and due by its priority's targets in service hours", () => {
    const t = ticket();
    expect(t).toMatchObject({ number: 'TIC-7', status: 'new', version: 1, resolvedAt: null, closedAt: null });
    // urgent: a first response within an hour, a resolution within four
    expect(t.firstResponse.dueAt).toBe('2026-11-30T08:00:00.000Z');
    expect(t.resolution.dueAt).toBe('2026-11-30T11:00:00.000Z');
    expect(nextDueAt(t)).toBe('2026-11-30T08:00:00.000Z');
    const low = ticket({ priority: 'low' });
    expect(low.firstResponse.dueAt).toBe('2026-11-30T16:00:00.000Z');
  });
});

describe('updates', () => {
  it('count as the first response when written by someone other than the creator', () => {
    const byCreator = update(ticket(), { authorId: 'U-sales' }, at('2026-11-30T07:30:00Z'));
    expect(byCreator.firstResponse.metAt).toBeNull();
    const byRule = update(ticket(), { authorId: null }, at('2026-11-30T07:30:00Z'));
    expect(byRule.firstResponse.metAt).toBeNull();
    const answered = update(byCreator, { authorId: 'U-service' }, at('2026-11-30T07:45:00Z'));
    expect(answered.firstResponse.metAt).toBe('2026-11-30T07:45:00.000Z');
    expect(answered.version).toBe(3);
    expect(isTicketOverdue(answered, at('2026-11-30T08:30:00Z'))).toBe(false);
    expect(isTicketOverdue(byCreator, at('2026-11-30T08:30:00Z'))).toBe(true);
  });

  it('log the status they set, and a status cannot go back to new', () => {
    const result = addUpdate(
      ticket(),
      { id: 'U1', authorId: 'U-service', text: 'Angenommen', status: 'open' },
      desk,
      opened,
    );
    expect(result.update).toEqual({
      id: 'U1',
      at: opened.toISOString(),
      authorId: 'U-service',
      text: 'Angenommen',
      status: 'open',
    });
    expect(result.ticket.status).toBe('open');
    expect(refusal(() => update(result.ticket, { status: 'new' }, opened))).toEqual({
      status: 409,
      code: 'invalid-status-transition',
    });
  });

  it('pause both clocks while the ticket waits for the customer', () => {
    const waiting = update(ticket({ priority: 'normal' }), { status: 'waiting' }, at('2026-11-30T08:00:00Z'));
    expect(waiting.resolution.dueAt).toBeNull();
    expect(nextDueAt(waiting)).toBeNull();
    expect(isTicketOverdue(waiting, at('2027-01-01T00:00:00Z'))).toBe(false);
    // the customer answers the next morning at 08:00: the resolution is due a working day later than it was
    const answered = update(waiting, { authorId: 'U-customer-desk', status: 'open' }, at('2026-12-01T07:00:00Z'));
    // normal: 27 working hours; 1 h ran before the pause, 26 h from Tuesday 08:00 → Thursday 16:00 CET
    expect(answered.resolution.dueAt).toBe('2026-12-03T15:00:00.000Z');
  });

  it('resolve, reopen on a reply, and close; a closed ticket takes only an update that reopens it', () => {
    const resolved = update(ticket(), { status: 'resolved' }, at('2026-11-30T09:00:00Z'));
    expect(resolved).toMatchObject({ status: 'resolved', resolvedAt: '2026-11-30T09:00:00.000Z' });
    expect(resolved.resolution.metAt).toBe('2026-11-30T09:00:00.000Z');
    expect(nextDueAt(resolved)).toBeNull();

    const reopened = update(resolved, { status: 'open' }, at('2026-12-01T07:00:00Z'));
    expect(reopened).toMatchObject({ status: 'open', resolvedAt: null });
    // 4 h target, 2 h used before resolving: due Tuesday 10:00 CET
    expect(reopened.resolution.dueAt).toBe('2026-12-01T09:00:00.000Z');

    const closed = update(
      update(reopened, { status: 'resolved' }, at('2026-12-01T08:00:00Z')),
      { status: 'closed' },
      at('2026-12-02T08:00:00Z'),
    );
    expect(closed).toMatchObject({
      status: 'closed',
      resolvedAt: '2026-12-01T08:00:00.000Z',
      closedAt: '2026-12-02T08:00:00.000Z',
    });
    expect(refusal(() => update(closed, {}, at('2026-12-03T08:00:00Z')))).toEqual({
      status: 409,
      code: 'ticket-closed',
    });
    expect(refusal(() => patchTicket(closed, { subject: 'Neu' }, desk, at('2026-12-03T08:00:00Z')))).toEqual({
      status: 409,
      code: 'ticket-closed',
    });
    const again = update(closed, { status: 'open', text: 'Kunde meldet sich erneut' }, at('2026-12-03T08:00:00Z'));
    expect(again).toMatchObject({ status: 'open', closedAt: null, resolvedAt: null });
    expect(again.resolution.dueAt).not.toBeNull();
  });

  it('refuse moves the lifecycle does not have', () => {
    expect(canMoveTo('resolved', 'waiting')).toBe(false);
    expect(canMoveTo('closed', 'resolved')).toBe(false);
    const resolved = update(ticket(), { status: 'resolved' }, opened);
    expect(refusal(() => update(resolved, { status: 'waiting' }, opened))).toEqual({
      status: 409,
      code: 'invalid-status-transition',
    });
  });
});

describe('changes', () => {
  it('retarget the clocks when the priority changes, and change nothing when nothing differs', () => {
    const t = ticket();
    const lowered = patchTicket(t, { priority: 'low' }, desk, at('2026-11-30T07:10:00Z'));
    expect(lowered).toMatchObject({ priority: 'low', version: 2 });
    expect(lowered.firstResponse.dueAt).toBe('2026-11-30T16:00:00.000Z');
    expect(patchTicket(t, { subject: t.subject }, desk, at('2026-11-30T07:10:00Z'))).toBe(t);
  });
});

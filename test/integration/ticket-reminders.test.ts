// Overdue tickets remind their responsible user once per due time, through the reminder mail path,
// against DynamoDB Local: the reminder partition of the due index, the consistent re-read, a failed
// mail retried by the next run, a new due time reminding again, and the overdue list still showing
// every overdue ticket, reminded or not.
import { ulid } from 'ulid';
import { beforeAll, describe, expect, it } from 'vitest';
import { defaultHolidays } from '../../domain/calendar/german-holidays.ts';
import { defaultServiceHours, defaultServiceTargets } from '../../domain/tickets/service-hours.ts';
import { createTicket, type NewTicket, patchTicket, type Ticket } from '../../domain/tickets/ticket.ts';
import type { EmailSender, OutgoingEmail } from '../../functions/shared/email-sender.ts';
import { sendTicketReminders } from '../../functions/tickets/send-ticket-reminders.ts';
import { createTicketRepository } from '../../functions/tickets/ticket.repository.ts';
import { createUserRepository } from '../../functions/users/user.repository.ts';
import { documentClient, tableName } from '../support/aws.ts';

const doc = documentClient();
const tickets = createTicketRepository(doc, tableName);
const users = createUserRepository(doc, tableName);
const desk = { hours: { ...defaultServiceHours, holidays: defaultHolidays() }, targets: defaultServiceTargets };
// Monday 2026-11-30 08:00 in Berlin: urgent tickets opened then were due within the hour
const longAgo = new Date('2026-11-30T07:00:00Z');

const sent: OutgoingEmail[] = [];
/** mails to this address fail once */
let failOnceFor: string | null = null;
const email: EmailSender = {
  send: async (message) => {
    if (message.to === failOnceFor) {
      failOnceFor = null;
      throw new Error('SES is briefly unavailable');
    }
    sent.push(message);
    return `m-${sent.length}`;
  },
};
const run = sendTicketReminders({ tickets, users, email, sender: 'kontakt@kontakt.localhost', now: () => new Date() });

const agent = `rem-agent-${ulid()}`;
const colleague = `rem-colleague-${ulid()}`;

const stored = async (fields: Partial<NewTicket>): Promise<Ticket> => {
  const ticket = createTicket(
    ulid(longAgo.getTime()),
    await tickets.nextNumber(),
    {
      type: 'incident',
      subject: `Server steht ${ulid()}`,
      description: '',
      value: null,
      priority: 'urgent',
      companyId: null,
      personId: null,
      responsibleUserId: agent,
      reference: null,
      createdBy: null,
      ...fields,
    },
    desk,
    longAgo,
  );
  await tickets.create(ticket);
  return ticket;
};

const mailsAbout = (ticket: Ticket) => sent.filter((m) => m.subject.includes(`${ticket.number} `));

beforeAll(async () => {
  await users.save({ id: agent, email: `${agent}@example.com`, name: 'Rita Rufbereit', roles: ['service'] });
  await users.save({ id: colleague, email: `${colleague}@example.com`, name: 'Kai Kollege', roles: ['service'] });
});

describe('ticket reminders', () => {
  it('mails the responsible user once per due time, retries a failed mail, and keeps listing the ticket as overdue', async () => {
    const overdue = await stored({});
    const unassigned = await stored({ responsibleUserId: null });

    failOnceFor = `${agent}@example.com`;
    const first = await run();
    expect(first).toMatchObject({ failed: 1, withoutRecipient: 1 });
    expect(mailsAbout(overdue)).toHaveLength(0);

    await run();
    expect(mailsAbout(overdue)).toHaveLength(1);
    expect(mailsAbout(overdue)[0]).toMatchObject({
      to: `${agent}@example.com`,
      from: 'kontakt@kontakt.localhost',
      subject: `Überfällig: ${overdue.number} ${overdue.subject}`,
    });
    expect(mailsAbout(overdue)[0]?.text).toContain(`/v1/tickets/${overdue.id}`);

    // again and again: nothing new to say
    await run();
    await run();
    expect(mailsAbout(overdue)).toHaveLength(1);
    expect(mailsAbout(unassigned)).toHaveLength(0);

    // both are still overdue, reminded or not
    const listed = await tickets.list({ limit: 100, overdue: { now: new Date() } });
    expect(listed.items.map((t) => t.id)).toEqual(expect.arrayContaining([overdue.id, unassigned.id]));

    // a new due time (the priority dropped to low, still long past) reminds again
    const current = await tickets.get(overdue.id, { consistent: true });
    if (!current) throw new Error('the ticket is gone');
    const lowered = patchTicket(current, { priority: 'low' }, desk, new Date());
    await tickets.update(current, lowered);
    await run();
    expect(mailsAbout(overdue)).toHaveLength(2);
  });
});

describe('ticket reminders, racing and reassigned', () => {
  it('mails a reminder once when two runs race, and tells a user who takes over an overdue ticket', async () => {
    const raced = await stored({});
    await Promise.all([run(), run(), run()]);
    expect(mailsAbout(raced)).toHaveLength(1);

    // given to a colleague after it was overdue (and reminded): the colleague hears of it too
    const current = await tickets.get(raced.id, { consistent: true });
    if (!current) throw new Error('the ticket is gone');
    await tickets.update(current, patchTicket(current, { responsibleUserId: colleague }, desk, new Date()));
    await run();
    expect(mailsAbout(raced).map((m) => m.to)).toEqual([`${agent}@example.com`, `${colleague}@example.com`]);

    // nobody responsible when it fell due, someone assigned later: reminded then
    const orphan = await stored({ responsibleUserId: null });
    await run();
    const unassigned = await tickets.get(orphan.id, { consistent: true });
    if (!unassigned) throw new Error('the ticket is gone');
    await tickets.update(unassigned, patchTicket(unassigned, { responsibleUserId: agent }, desk, new Date()));
    await run();
    expect(mailsAbout(orphan).map((m) => m.to)).toEqual([`${agent}@example.com`]);
  });
});

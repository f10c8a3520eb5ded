import { describe, expect, it } from 'vitest';
import { bounceOf, readDeliveryStatus } from '../../../domain/emails/bounce.ts';
import type { Ticket } from '../../../domain/tickets/ticket.ts';
import { decideTicketMail, ticketSubjectOf } from '../../../domain/tickets/ticket-mail.ts';

const ticket = (fields: Partial<Ticket> = {}): Ticket =>
  ({ id: 't-1', number: 'TIC-7', status: 'open', personId: 'p-max', companyId: 'c-acme', ...fields }) as Ticket;
const max = { id: 'p-max', companyId: 'c-acme' };
const colleague = { id: 'p-eva', companyId: 'c-acme' };
const stranger = { id: 'p-x', companyId: 'c-other' };

describe('email to ticket decides', () => {
  it('opens a ticket for a mail that names none', () => {
    expect(
      decideTicketMail({
        automated: false,
        bounced: false,
        senderVerified: true,
        senders: [],
        reference: null,
      }),
    ).toEqual({
      action: 'open',
      relatedTo: null,
    });
  });

  it('adds a reply from the ticket’s person or a person of its company, reopening a resolved ticket', () => {
    for (const sender of [max, colleague]) {
      expect(
        decideTicketMail({
          automated: false,
          bounced: false,
          senderVerified: true,
          senders: [sender],
          reference: { ticket: ticket(), via: 'subject-number' },
        }),
      ).toMatchObject({ action: 'update', reopen: false, via: 'subject-number' });
    }
    expect(
      decideTicketMail({
        automated: false,
        bounced: false,
        senderVerified: true,
        senders: [max],
        reference: { ticket: ticket({ status: 'resolved' }), via: 'reply-to-ticket' },
      }),
    ).toMatchObject({ action: 'update', reopen: true });
  });

  it('opens the follow-up of a closed ticket, and a possible follow-up for anyone else', () => {
    expect(
      decideTicketMail({
        automated: false,
        bounced: false,
        senderVerified: true,
        senders: [max],
        reference: { ticket: ticket({ status: 'closed' }), via: 'subject-number' },
      }),
    ).toEqual({ action: 'open', relatedTo: { number: 'TIC-7', relation: 'follow-up' } });
    for (const senders of [[stranger], []])
      expect(
        decideTicketMail({
          automated: false,
          bounced: false,
          senderVerified: true,
          senders,
          reference: { ticket: ticket(), via: 'record-address' },
        }),
      ).toEqual({ action: 'open', relatedTo: { number: 'TIC-7', relation: 'possible-follow-up' } });
  });

  it('never lets a From that is not vouched for change a ticket: it opens a possible follow-up instead', () => {
    for (const status of ['open', 'resolved', 'closed'] as const)
      expect(
        decideTicketMail({
          automated: false,
          bounced: false,
          senderVerified: false,
          senders: [max],
          reference: { ticket: ticket({ status }), via: 'record-address' },
        }),
      ).toEqual({ action: 'open', relatedTo: { number: 'TIC-7', relation: 'possible-follow-up' } });
  });

  it('opens nothing for auto-replies, bulk mail and bounces', () => {
    const reference = { ticket: ticket(), via: 'subject-number' as const };
    expect(
      decideTicketMail({
        automated: true,
        bounced: false,
        senderVerified: true,
        senders: [max],
        reference,
      }),
    ).toEqual({
      action: 'ignore',
      reason: 'automated',
    });
    expect(
      decideTicketMail({ automated: true, bounced: true, senderVerified: true, senders: [max], reference }),
    ).toEqual({
      action: 'ignore',
      reason: 'bounce',
    });
  });

  it('takes the subject without reply and forward prefixes, never empty', () => {
    expect(ticketSubjectOf('AW: WG: Fwd: Re[2]: Heizung')).toBe('Heizung');
    expect(ticketSubjectOf('  ')).toBe('(no subject)');
    expect(ticketSubjectOf(null)).toBe('(no subject)');
    expect(ticketSubjectOf('Reparatur: Heizung')).toBe('Reparatur: Heizung');
  });
});

describe('bounces (RFC 3464)', () => {
  const status =
    'Reporting-MTA: dns; mx.example\n\nFinal-Recipient: rfc822; Max@Kunde.example\nAction: failed\nStatus: 5.1.1\n\nFinal-Recipient: rfc822;<eva@kunde.example>\nAction: delayed\n';

  it('reads each reported recipient with its action and status', () => {
    expect(readDeliveryStatus(status)).toEqual({
      recipients: [
        { address: 'max@kunde.example', action: 'failed', status: '5.1.1' },
        { address: 'eva@kunde.example', action: 'delayed', status: null },
      ],
      originalMessageId: null,
    });
  });

  it('is a delivery-status report, or a mail from the null sender that reports recipients', () => {
    expect(
      bounceOf({ reportType: 'delivery-status', envelopeFrom: 'x@y.example', text: status, originalMessageId: null })
        ?.recipients,
    ).toHaveLength(2);
    expect(
      bounceOf({ reportType: null, envelopeFrom: null, text: status, originalMessageId: null })?.recipients,
    ).toHaveLength(2);
    expect(
      bounceOf({ reportType: 'delivery-status', envelopeFrom: null, text: 'unreadable', originalMessageId: null }),
    ).toEqual({
      recipients: [],
      originalMessageId: null,
    });
    expect(
      bounceOf({ reportType: 'delivery-status', envelopeFrom: null, text: status, originalMessageId: '<orig@x>' })
        ?.originalMessageId,
    ).toBe('<orig@x>');
    expect(
      bounceOf({ reportType: null, envelopeFrom: 'max@kunde.example', text: status, originalMessageId: null }),
    ).toBeNull();
    expect(
      bounceOf({ reportType: null, envelopeFrom: null, text: 'Ich bin im Urlaub.', originalMessageId: null }),
    ).toBeNull();
  });
});

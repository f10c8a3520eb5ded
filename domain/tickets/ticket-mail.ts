/**
 * Email to ticket, pure: what a mail to the service address (or a customer's mail to a ticket's
 * own address) does. Auto-replies, bulk mail and bounces open nothing; a reply from a person of the
 * ticket (its person, or a person of its company) whose From address is vouched for becomes an
 * update of it, reopening it when resolved; a reply to a closed ticket opens its follow-up; anyone else quoting or answering a
 * ticket opens a new one marked as a possible follow-up; any other mail opens a ticket.
 */
import type { Ticket } from './ticket.ts';

export type TicketRelation = 'follow-up' | 'possible-follow-up';
export type RelatedTicket = { number: string; relation: TicketRelation };

/** How the mail named a ticket: its own address, a reply to one of its messages, or its number in the subject. */
export type TicketReference = { ticket: Ticket; via: 'record-address' | 'reply-to-ticket' | 'subject-number' };

export type TicketMailFacts = {
  automated: boolean;
  bounced: boolean;
  /** the From address is vouched for (DMARC, or SPF aligned with it): a forged From never changes a ticket */
  senderVerified: boolean;
  /** the persons whose address sent the mail, with their company */
  senders: readonly { id: string; companyId: string | null }[];
  reference: TicketReference | null;
};

export type TicketMailAction =
  | { action: 'ignore'; reason: 'automated' | 'bounce' }
  | { action: 'update'; ticket: Ticket; reopen: boolean; via: TicketReference['via'] }
  | { action: 'open'; relatedTo: RelatedTicket | null };

export const isParticipant = (ticket: Ticket, senders: TicketMailFacts['senders']): boolean =>
  senders.some(
    (person) =>
      (ticket.personId !== null && person.id === ticket.personId) ||
      (ticket.companyId !== null && person.companyId === ticket.companyId),
  );

export const decideTicketMail = (facts: TicketMailFacts): TicketMailAction => {
  if (facts.bounced) return { action: 'ignore', reason: 'bounce' };
  if (facts.automated) return { action: 'ignore', reason: 'automated' };
  const reference = facts.reference;
  if (!reference) return { action: 'open', relatedTo: null };
  const { ticket } = reference;
  if (!facts.senderVerified || !isParticipant(ticket, facts.senders))
    return { action: 'open', relatedTo: { number: ticket.number, relation: 'possible-follow-up' } };
  if (ticket.status === 'closed')
    return { action: 'open', relatedTo: { number: ticket.number, relation: 'follow-up' } };
  return { action: 'update', ticket, reopen: ticket.status === 'resolved', via: reference.via };
};

/** A new ticket's subject from the mail's: its Re:/AW:/WG:/Fwd: prefixes dropped, never empty. */
export const ticketSubjectOf = (subject: string | null): string => {
  const cleaned = (subject ?? '').replace(/^(\s*(re|aw|wg|fwd?|antw|sv|vs|tr)\s*(\[\d+\])?\s*:\s*)+/i, '').trim();
  return (cleaned === '' ? '(no subject)' : cleaned).slice(0, 300);
};

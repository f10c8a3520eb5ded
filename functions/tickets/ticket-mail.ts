/**
 * Email to ticket (seed 004: "no customer request is overlooked"): takes a stored email that was
 * sent to the service address, or by a customer to a ticket's own address, and opens a ticket or
 * adds it to the ticket it answers (domain/tickets/ticket-mail.ts decides). Exactly once: a guard
 * item on the email's id is written in the transaction that opens or changes the ticket, and a
 * redelivered message finds it and only completes the email's link.
 */
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ulid } from 'ulid';
import type { Email } from '../../domain/emails/email.ts';
import { ownWords } from '../../domain/emails/mail-content.ts';
import { classifyRecipient, type EmailLink, subjectNumbers } from '../../domain/emails/smart-bcc.ts';
import { assignByRule } from '../../domain/tickets/service-desk.ts';
import {
  addUpdate,
  createTicket,
  type ServiceDesk,
  type Ticket,
  type TicketUpdate,
} from '../../domain/tickets/ticket.ts';
import {
  decideTicketMail,
  type TicketMailAction,
  type TicketReference,
  ticketSubjectOf,
} from '../../domain/tickets/ticket-mail.ts';
import type { TicketMailReceivedV1 } from '../../events/ticket-mail-received.v1.ts';
import type { EmailRepository } from '../emails/email.repository.ts';
import type { MailDirectory } from '../emails/mail-directory.ts';
import type { SettingsRepository } from '../settings/settings.repository.ts';
import type { TransactItem } from '../shared/entity.ts';
import { logger } from '../shared/logger.ts';
import { countMetric, metricNames } from '../shared/metrics.ts';
import { createStore } from '../shared/store.ts';
import type { ServiceDeskRepository } from './service-desk.repository.ts';
import type { TicketRepository } from './ticket.repository.ts';
import { takeTicketMailRate, ticketMailGuards, type ticketMailOutcomes, ticketMessages } from './ticket-mail.entity.ts';

export type TicketMailSettings = {
  /** the type of a ticket opened from a mail (from the `ticket-types` list) */
  ticketType: string;
  /** the most tickets one sender opens by mail in an hour */
  maxPerSenderPerHour: number;
  mailDomain: string;
  serviceLocalPart: string;
};

export type TicketMailDeps = {
  doc: DynamoDBDocumentClient;
  tableName: string;
  emails: Pick<EmailRepository, 'get' | 'addLinks'>;
  directory: Pick<MailDirectory, 'match'>;
  tickets: Pick<TicketRepository, 'get' | 'getByNumber' | 'create' | 'update' | 'nextNumber' | 'countActive'>;
  desk: Pick<ServiceDeskRepository, 'get'>;
  settings: Pick<SettingsRepository, 'get'>;
  recordAddressKey: () => Promise<string>;
  config: TicketMailSettings;
  now: () => Date;
};

type Outcome = (typeof ticketMailOutcomes)[number];

/** A ticket's description from a mail: its text (or snippet), bounded as the API bounds one. */
const maxDescriptionChars = 20_000;
const descriptionOf = (email: Email): string =>
  (email.text ?? email.snippet ?? '').trim().slice(0, maxDescriptionChars);
/** An update's text from a reply: the reply's own words in full (quotes and signature cut), the whole text where it has none. */
const updateTextOf = (email: Email): string =>
  `${email.from?.address ?? 'Unknown sender'} wrote: ${(ownWords(email.text, maxDescriptionChars) ?? email.text ?? '').trim()}`.slice(
    0,
    maxDescriptionChars,
  );

export const takeTicketMail = (deps: TicketMailDeps) => {
  const store = createStore(deps.doc, deps.tableName);

  const guardPut = (emailId: string, outcome: Outcome, ticketId: string | null, at: string): TransactItem =>
    ticketMailGuards.put(
      deps.tableName,
      { emailId, outcome, ticketId, at },
      { expression: 'attribute_not_exists(pk)' },
    );
  /** The guard alone, for an outcome that writes nothing else; a guard written meanwhile by a redelivery is as good. */
  const guardOnly = async (emailId: string, outcome: Outcome, ticketId: string | null, at: Date): Promise<void> => {
    await store.transact([guardPut(emailId, outcome, ticketId, at.toISOString())]).catch((error: unknown) => {
      if (!(error instanceof TransactionCanceledException)) throw error;
    });
  };

  const serviceDesk = async (): Promise<{
    desk: ServiceDesk;
    stored: Awaited<ReturnType<TicketMailDeps['desk']['get']>>;
  }> => {
    const [stored, holidays] = await Promise.all([deps.desk.get(), deps.settings.get('holidays')]);
    return { desk: { hours: { ...stored.hours, holidays }, targets: stored.targets }, stored };
  };

  /** The ticket the mail names: its own address, a reply to one of its mails, or its number in the subject. */
  const referencedTicket = async (email: Email): Promise<TicketReference | null> => {
    const key = await deps.recordAddressKey();
    const domain = `@${deps.config.mailDomain.toLowerCase()}`;
    for (const recipient of email.envelopeRecipients.filter((r) => r.toLowerCase().endsWith(domain))) {
      const address = classifyRecipient(key, recipient, deps.config.serviceLocalPart);
      if (address.kind === 'record' && address.signed && address.record.kind === 'ticket') {
        const ticket = await deps.tickets.getByNumber(address.record.number, { consistent: true });
        if (ticket) return { ticket, via: 'record-address' };
      }
    }
    for (const messageId of [email.inReplyTo, ...email.references.slice().reverse()]) {
      if (!messageId) continue;
      const found = await store.get(ticketMessages, ticketMessages.key(messageId));
      const ticket = found ? await deps.tickets.get(found.ticketId, { consistent: true }) : null;
      if (ticket) return { ticket, via: 'reply-to-ticket' };
    }
    for (const number of subjectNumbers(email.subject).filter((n) => n.kind === 'ticket')) {
      const ticket = await deps.tickets.getByNumber(number.number, { consistent: true });
      if (ticket) return { ticket, via: 'subject-number' };
    }
    return null;
  };

  const linkEmail = async (email: Email, ticketId: string, via: EmailLink['via']): Promise<void> => {
    await deps.emails.addLinks(email.id, [{ kind: 'ticket', id: ticketId, via }]);
  };

  /**
   * A bounce concerns the ticket whose mail bounced: the one the returned original's Message-ID is
   * indexed under (never a number some text quotes: anyone can send a report). It is noted on that
   * ticket (unless closed) and linked to the reported persons of that ticket; a bounce of anything
   * else is only stored. `noted` false on a redelivery: the note was written, the links are redone.
   */
  const takeBounce = async (email: Email, noted: boolean): Promise<void> => {
    const original = email.bounce?.originalMessageId;
    const indexed = original
      ? await store.get(ticketMessages, ticketMessages.key(original), { consistent: true })
      : null;
    const ticket = indexed ? await deps.tickets.get(indexed.ticketId, { consistent: true }) : null;
    const at = deps.now();
    if (!ticket) {
      if (noted) await guardOnly(email.id, 'bounce', null, at);
      return;
    }
    const recipients = email.bounce?.recipients ?? [];
    if (noted) {
      if (ticket.status === 'closed') await guardOnly(email.id, 'bounce', ticket.id, at);
      else {
        const { desk } = await serviceDesk();
        const failed = recipients.map((r) => `${r.address} (${r.action}${r.status ? `, ${r.status}` : ''})`).join(', ');
        const note = addUpdate(
          ticket,
          {
            id: ulid(at.getTime()),
            authorId: null,
            text: `Mail could not be delivered: ${failed || 'recipient unknown'}`,
          },
          desk,
          at,
        );
        try {
          await deps.tickets.update(
            ticket,
            note.ticket,
            [note.update],
            [guardPut(email.id, 'bounce', ticket.id, at.toISOString())],
          );
        } catch (error) {
          const reasons = error instanceof TransactionCanceledException ? (error.CancellationReasons ?? []) : [];
          // only the guard's own cancellation means a redelivery took it first; anything else is retried
          if (reasons.at(-1)?.Code !== 'ConditionalCheckFailed') throw error;
        }
      }
    }
    const matched = (await Promise.all(recipients.map((r) => deps.directory.match(r.address)))).flatMap(
      (m) => m.persons,
    );
    const ofTicket = matched.filter(
      (p) => p.id === ticket.personId || (ticket.companyId !== null && p.companyId === ticket.companyId),
    );
    await deps.emails.addLinks(email.id, [
      { kind: 'ticket', id: ticket.id, via: 'bounced-recipient' },
      ...ofTicket.map((p) => ({ kind: 'person' as const, id: p.id, via: 'bounced-recipient' as const })),
    ]);
  };

  const open = async (
    email: Email,
    action: Extract<TicketMailAction, { action: 'open' }>,
    senders: { id: string; companyId: string | null }[],
  ): Promise<void> => {
    const { desk, stored } = await serviceDesk();
    const at = deps.now();
    const sender = email.from?.address ?? 'unknown';
    const person = senders[0] ?? null;
    const input = {
      type: deps.config.ticketType,
      subject: ticketSubjectOf(email.subject),
      description: descriptionOf(email),
      value: null,
      priority: 'normal',
      companyId: person?.companyId ?? null,
      personId: person?.id ?? null,
      responsibleUserId: null,
      reference: null,
      relatedTo: action.relatedTo,
      createdBy: null,
    };
    const assignment = await assignByRule(stored, input.type, (userId) => deps.tickets.countActive(userId));
    const ticket = createTicket(
      ulid(at.getTime()),
      await deps.tickets.nextNumber(),
      assignment ? { ...input, responsibleUserId: assignment.userId } : input,
      desk,
      at,
    );
    const related = action.relatedTo
      ? ` (${action.relatedTo.relation === 'follow-up' ? 'follow-up' : 'possible follow-up'} of ${action.relatedTo.number})`
      : '';
    const updates: TicketUpdate[] = [
      {
        id: ulid(at.getTime()),
        at: at.toISOString(),
        authorId: null,
        text: `Opened from a mail by ${sender}${related}`,
      },
      ...(assignment
        ? [
            {
              id: ulid(at.getTime() + 1),
              at: at.toISOString(),
              authorId: null,
              text: assignment.text,
              rule: assignment.rule,
            },
          ]
        : []),
    ];
    const hour = at.toISOString().slice(0, 13);
    const expiresAt = Math.floor(at.getTime() / 1000) + 2 * 24 * 3600;
    try {
      await deps.tickets.create(ticket, updates, [
        guardPut(email.id, 'opened', ticket.id, at.toISOString()),
        // last: a cancelled transaction says by its last reason that the sender's hour is full
        takeTicketMailRate(deps.tableName, sender, hour, deps.config.maxPerSenderPerHour, expiresAt),
      ]);
    } catch (error) {
      const reasons = error instanceof TransactionCanceledException ? (error.CancellationReasons ?? []) : [];
      if (reasons.at(-1)?.Code === 'ConditionalCheckFailed') {
        logger.warn('a sender reached the tickets an hour that mail may open; no ticket opened', {
          emailId: email.id,
          limit: deps.config.maxPerSenderPerHour,
        });
        await guardOnly(email.id, 'limited', null, at);
        return;
      }
      if (reasons.at(-2)?.Code === 'ConditionalCheckFailed') return; // taken meanwhile by a redelivery
      throw error;
    }
    countMetric(metricNames.ticketsOpened, 1, { via: 'email' });
    await linkEmail(email, ticket.id, 'opened-ticket');
  };

  const update = async (email: Email, action: Extract<TicketMailAction, { action: 'update' }>): Promise<void> => {
    const { desk } = await serviceDesk();
    for (let attempt = 0; attempt < 3; attempt += 1) {
      const ticket: Ticket | null =
        attempt === 0 ? action.ticket : await deps.tickets.get(action.ticket.id, { consistent: true });
      if (!ticket) return;
      const at = deps.now();
      const added = addUpdate(
        ticket,
        {
          id: ulid(at.getTime()),
          authorId: null,
          text: updateTextOf(email),
          ...(ticket.status === 'resolved' ? { status: 'open' as const } : {}),
        },
        desk,
        at,
      );
      try {
        await deps.tickets.update(
          ticket,
          added.ticket,
          [added.update],
          [guardPut(email.id, 'updated', ticket.id, at.toISOString())],
        );
        await linkEmail(email, ticket.id, action.via === 'record-address' ? 'record-address' : 'reply-to-ticket');
        return;
      } catch (error) {
        const reasons = error instanceof TransactionCanceledException ? (error.CancellationReasons ?? []) : [];
        if (reasons.at(-1)?.Code === 'ConditionalCheckFailed') return; // taken meanwhile by a redelivery
        if (attempt === 2) throw error;
      }
    }
  };

  return async (message: TicketMailReceivedV1): Promise<void> => {
    const email = await deps.emails.get(message.emailId, true);
    if (!email) throw new Error(`email ${message.emailId} does not exist`);
    const done = await store.get(ticketMailGuards, ticketMailGuards.key(email.id), { consistent: true });
    if (done) {
      // the ticket was written; its link on the email may not have been
      if (done.ticketId && done.outcome === 'opened') await linkEmail(email, done.ticketId, 'opened-ticket');
      if (done.ticketId && done.outcome === 'updated') await linkEmail(email, done.ticketId, 'reply-to-ticket');
      if (done.outcome === 'bounce') await takeBounce(email, false);
      return;
    }
    const senders = email.from ? (await deps.directory.match(email.from.address)).persons : [];
    const action = decideTicketMail({
      automated: email.automated,
      bounced: email.bounce !== null,
      senderVerified: email.senderVerified,
      senders,
      reference: email.bounce || email.automated ? null : await referencedTicket(email),
    });
    logger.info('mail to the service desk', { emailId: email.id, action: action.action });
    if (action.action === 'ignore') {
      if (action.reason === 'bounce') await takeBounce(email, true);
      else await guardOnly(email.id, 'automated', null, deps.now());
      return;
    }
    if (action.action === 'update') await update(email, action);
    else await open(email, action, senders);
  };
};

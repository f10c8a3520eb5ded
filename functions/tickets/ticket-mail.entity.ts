/**
 * Email to ticket's items: the guard that makes taking one mail idempotent (what it did, written in
 * the transaction that did it), the per-sender hourly counter that caps the tickets one sender
 * opens, and the index of the Message-IDs of a ticket's mails, by which a reply finds its ticket.
 */
import { createHash } from 'node:crypto';
import * as z from 'zod/mini';
import { defineEntity, type Key, type TransactItem } from '../shared/entity.ts';
import { tableDefinition } from '../shared/table.ts';

export const ticketMailOutcomes = ['opened', 'updated', 'automated', 'bounce', 'limited'] as const;

export const ticketMailGuards = defineEntity({
  name: 'ticket-mail-guard',
  version: 1,
  schema: z.lazy(() =>
    z.object({
      emailId: z.string(),
      outcome: z.enum(ticketMailOutcomes),
      ticketId: z.nullable(z.string()),
      at: z.string(),
    }),
  ),
  key: (emailId: string): Key => ({ pk: `TICMAIL#${emailId}`, sk: 'TICMAIL' }),
  keyOf: (guard) => [guard.emailId],
});

/** One sender's tickets opened by mail in one hour (`2026-12-02T09`); the item expires a day later. */
export const ticketMailRates = defineEntity({
  name: 'ticket-mail-rate',
  version: 1,
  schema: z.lazy(() => z.object({ sender: z.string(), hour: z.string(), count: z.number() })),
  key: (sender: string, hour: string): Key => ({ pk: `TICMAILRATE#${sender}#${hour}`, sk: 'TICMAILRATE' }),
  keyOf: (rate) => [rate.sender, rate.hour],
});

const messageHash = (messageId: string): string =>
  createHash('sha256').update(messageId.trim().toLowerCase()).digest('base64url');

/** A Message-ID of a mail of a ticket (hashed: Message-IDs are long and any bytes) → the ticket. */
export const ticketMessages = defineEntity({
  name: 'ticket-message',
  version: 1,
  schema: z.lazy(() => z.object({ ticketId: z.string() })),
  key: (messageId: string): Key => ({ pk: `TICMSG#${messageHash(messageId)}`, sk: 'TICMSG' }),
  keyOf: (): [string] => {
    throw new Error('a ticket-message item is keyed by the Message-ID it does not store: use ticketMessageItem');
  },
});

export const ticketMessageItem = (messageId: string, ticketId: string): Record<string, unknown> =>
  ticketMessages.itemAt(ticketMessages.key(messageId), { ticketId });

/**
 * Counts one more ticket of a sender's hour, unless the hour has `limit` already: a conditional ADD
 * in the opening ticket's transaction, so a ticket that was not written takes nothing of the limit.
 */
export const takeTicketMailRate = (
  tableName: string,
  sender: string,
  hour: string,
  limit: number,
  expiresAt: number,
): TransactItem => ({
  Update: {
    TableName: tableName,
    Key: ticketMailRates.key(sender, hour),
    UpdateExpression: 'ADD #count :one SET #sender = :sender, #hour = :hour, #et = :et, #v = :v, #ttl = :ttl',
    ConditionExpression: 'attribute_not_exists(#count) OR #count < :limit',
    ExpressionAttributeNames: {
      '#count': 'count',
      '#sender': 'sender',
      '#hour': 'hour',
      '#et': '_et',
      '#v': '_v',
      '#ttl': tableDefinition.ttlAttribute,
    },
    ExpressionAttributeValues: {
      ':one': 1,
      ':limit': limit,
      ':sender': sender,
      ':hour': hour,
      ':et': ticketMailRates.name,
      ':v': ticketMailRates.version,
      ':ttl': expiresAt,
    },
  },
});

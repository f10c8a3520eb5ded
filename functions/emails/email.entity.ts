/**
 * Received emails in the table, in the order received through gsi1 (sharded), and the guard on SES's message
 * id that makes storing one idempotent.
 */
import * as z from 'zod/mini';
import { truncationReasons } from '../../domain/emails/mail-limits.ts';
import { defineEntity, onShards, shardedPartition } from '../shared/entity.ts';

const emailsList = 'EMAILS';
/** Every received mail writes the list: spread over shards by the mail's id, read merged (README "Partitions"). */
export const emailListShards = 4;

const Mailbox = z.object({ name: z.nullable(z.string()), address: z.string() });

export const emails = defineEntity({
  name: 'email',
  version: 1,
  schema: z.object({
    id: z.string(),
    sesMessageId: z.string(),
    messageId: z.nullable(z.string()),
    subject: z.nullable(z.string()),
    from: z.nullable(Mailbox),
    to: z.array(Mailbox),
    cc: z.array(Mailbox),
    date: z.nullable(z.string()),
    receivedAt: z.string(),
    envelopeRecipients: z.array(z.string()),
    text: z.nullable(z.string()),
    textTruncated: z.boolean(),
    attachments: z.array(
      z.object({ filename: z.nullable(z.string()), size: z.number(), contentType: z.string(), key: z.string() }),
    ),
    raw: z.object({ bucket: z.string(), key: z.string() }),
    verdicts: z.record(z.string(), z.string()),
    // emails stored before the limits existed carry neither; nothing of them was cut
    truncated: z._default(z.boolean(), false),
    truncatedFields: z._default(z.array(z.enum(truncationReasons)), []),
  }),
  key: (id: string) => ({ pk: `EMAIL#${id}`, sk: 'EMAIL' }),
  keyOf: (email) => [email.id],
  indexes: (email) => [
    {
      index: 'gsi1',
      pk: shardedPartition(emailsList, email.id, emailListShards),
      sk: `${email.receivedAt}#${email.id}`,
    },
  ],
  patterns: {
    /** every email, in the order received */
    byReceivedAt: () => onShards('gsi1', emailsList, emailListShards),
  },
});

/**
 * The guard on SES's message id, written in the email's transaction: a redelivered message finds
 * it. It is found by the message id, which it does not store (its record is the email's id alone),
 * so its item is built with the key given apart: `emailSesGuardItem`, never `item()`.
 */
export const emailSesGuards = defineEntity({
  name: 'email-ses-guard',
  version: 1,
  schema: z.object({ emailId: z.string() }),
  key: (sesMessageId: string) => ({ pk: `EMAIL#SES#${sesMessageId}`, sk: 'EMAIL#SES' }),
  keyOf: (): [string] => {
    throw new Error('an email-ses-guard is keyed by the SES message id it does not store: use emailSesGuardItem');
  },
});

export const emailSesGuardItem = (sesMessageId: string, emailId: string): Record<string, unknown> =>
  emailSesGuards.itemAt(emailSesGuards.key(sesMessageId), { emailId });

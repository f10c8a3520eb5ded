/**
 * Received emails in the table, in the order received through gsi1 (sharded), and the guard on SES's message
 * id that makes storing one idempotent.
 */
import * as z from 'zod/mini';
import { truncationReasons } from '../../domain/emails/mail-limits.ts';
import {
  emailStatuses,
  type LinkKind,
  linkReasons,
  quarantineReasons,
  unlinkedReasons,
} from '../../domain/emails/smart-bcc.ts';
import { defineEntity, onShards, shardedPartition } from '../shared/entity.ts';

const emailsList = 'EMAILS';
const statusList = (status: string): string => `EMAILS#${status}`;
/** Every received mail writes the list: spread over shards by the mail's id, read merged (README "Partitions"). */
export const emailListShards = 4;

const Mailbox = z.object({ name: z.nullable(z.string()), address: z.string() });

/**
 * The record kind of the reference item a link writes (in that record's `REFS#` partition); a
 * user's link writes none (users list no emails). Kept as record-kind literals, as
 * contacts/reference.entity.ts names them.
 */
export const linkedRecordKind = {
  user: null,
  person: 'PERSON',
  company: 'COMPANY',
  inboxEntry: 'INBOX',
  opportunity: 'OPP',
  ticket: 'TIC',
} as const satisfies Record<LinkKind, string | null>;

/**
 * Version 2 adds Smart BCC's verdict and links; emails stored by version 1 read as `unlinked`
 * with nothing found (a released or re-run mail is judged again from its stored fields).
 */
export const emails = defineEntity({
  name: 'email',
  version: 2,
  schema: z.lazy(() =>
    z.object({
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
      envelopeFrom: z._default(z.nullable(z.string()), null),
      status: z._default(z.enum(emailStatuses), 'unlinked'),
      quarantine: z._default(z.nullable(z.object({ reason: z.enum(quarantineReasons), detail: z.string() })), null),
      /** `<kind>:<id>` → why; a map so that a merge moves one link by its key */
      links: z._default(z.record(z.string(), z.enum(linkReasons)), {}),
      unmatchedAddresses: z._default(z.array(z.string()), []),
      unlinkedNumbers: z._default(z.array(z.object({ number: z.string(), reason: z.enum(unlinkedReasons) })), []),
      automated: z._default(z.boolean(), false),
      forwardedFrom: z._default(z.nullable(Mailbox), null),
      invalidAddresses: z._default(z.array(z.string()), []),
      snippet: z._default(z.nullable(z.string()), null),
      html: z._default(z.nullable(z.object({ bucket: z.string(), key: z.string() })), null),
      /** the identities this record stands for (Message-ID with a content hash): a copy arriving again joins it */
      identities: z._default(z.array(z.string()), []),
      /** who released it from quarantine, and when */
      released: z._default(z.nullable(z.object({ userId: z.string(), at: z.string() })), null),
      inReplyTo: z._default(z.nullable(z.string()), null),
      references: z._default(z.array(z.string()), []),
      bounce: z._default(
        z.nullable(
          z.object({
            recipients: z.array(z.object({ address: z.string(), action: z.string(), status: z.nullable(z.string()) })),
            originalMessageId: z._default(z.nullable(z.string()), null),
          }),
        ),
        null,
      ),
      ticketMail: z._default(z.boolean(), false),
      senderVerified: z._default(z.boolean(), false),
    }),
  ),
  key: (id: string) => ({ pk: `EMAIL#${id}`, sk: 'EMAIL' }),
  keyOf: (email) => [email.id],
  indexes: (email) => [
    {
      index: 'gsi1',
      pk: shardedPartition(emailsList, email.id, emailListShards),
      sk: `${email.receivedAt}#${email.id}`,
    },
    {
      index: 'gsi2',
      pk: shardedPartition(statusList(email.status), email.id, emailListShards),
      sk: `${email.receivedAt}#${email.id}`,
    },
  ],
  patterns: {
    /** every email, in the order received */
    byReceivedAt: () => onShards('gsi1', emailsList, emailListShards),
    /** the emails of one status (the quarantine), in the order received */
    byStatus: (status: (typeof emailStatuses)[number]) => onShards('gsi2', statusList(status), emailListShards),
  },
});

/**
 * A copy of a message (the same Message-ID and content) arriving again, by a second recipient or
 * attached as message/rfc822, finds the email it joins here: its links are added to that one.
 */
export const emailIdentityGuards = defineEntity({
  name: 'email-identity-guard',
  version: 1,
  schema: z.lazy(() => z.object({ emailId: z.string() })),
  key: (identity: string) => ({ pk: `EMAIL#ID#${identity}`, sk: 'EMAIL#ID' }),
  keyOf: (): [string] => {
    throw new Error('an email-identity-guard is keyed by the identity it does not store: use emailIdentityGuardItem');
  },
});

export const emailIdentityGuardItem = (identity: string, emailId: string): Record<string, unknown> =>
  emailIdentityGuards.itemAt(emailIdentityGuards.key(identity), { emailId });

/**
 * The guard on SES's message id, written in the email's transaction: a redelivered message finds
 * it. It is found by the message id, which it does not store (its record is the email's id alone),
 * so its item is built with the key given apart: `emailSesGuardItem`, never `item()`.
 */
export const emailSesGuards = defineEntity({
  name: 'email-ses-guard',
  version: 1,
  schema: z.lazy(() => z.object({ emailId: z.string() })),
  key: (sesMessageId: string) => ({ pk: `EMAIL#SES#${sesMessageId}`, sk: 'EMAIL#SES' }),
  keyOf: (): [string] => {
    throw new Error('an email-ses-guard is keyed by the SES message id it does not store: use emailSesGuardItem');
  },
});

export const emailSesGuardItem = (sesMessageId: string, emailId: string): Record<string, unknown> =>
  emailSesGuards.itemAt(emailSesGuards.key(sesMessageId), { emailId });

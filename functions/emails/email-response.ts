/**
 * What the email routes answer: the email as the API shows it (no SES ids, raw-message location,
 * verdicts or S3 keys of attachments), mapped from the stored email field by field.
 */
import * as z from 'zod/mini';
import type { Email } from '../../domain/emails/email.ts';
import { truncationReasons } from '../../domain/emails/mail-limits.ts';
import {
  emailStatuses,
  linkKinds,
  linkReasons,
  linksOf,
  quarantineReasons,
  unlinkedReasons,
} from '../../domain/emails/smart-bcc.ts';
import { LimitParam } from '../shared/cursor.ts';

export const EmailListQuery = z.lazy(() =>
  z.object({
    limit: LimitParam,
    cursor: z.optional(z.string()),
    status: z.optional(z.enum(emailStatuses)),
  }),
);
export const LinkedEmailsQuery = z.lazy(() => z.object({ limit: LimitParam, cursor: z.optional(z.string()) }));
const id = z.string().check(z.minLength(1), z.maxLength(64));
export const EmailIdPath = z.lazy(() => z.object({ id }));

const MailboxOut = z.object({ name: z.nullable(z.string()), address: z.string() });

export const EmailOut = z.lazy(() =>
  z.object({
    id: z.string(),
    messageId: z.nullable(z.string()),
    subject: z.nullable(z.string()),
    from: z.nullable(MailboxOut),
    to: z.array(MailboxOut),
    cc: z.array(MailboxOut),
    date: z.nullable(z.string()),
    receivedAt: z.string(),
    attachments: z.array(z.object({ filename: z.nullable(z.string()), size: z.number(), contentType: z.string() })),
    truncated: z.boolean(),
    truncatedFields: z.array(z.enum(truncationReasons)),
    /** the mail's own words, without quoted replies and signature */
    snippet: z.nullable(z.string()),
    status: z.enum(emailStatuses),
    /** why it is (or was) in quarantine; a released mail keeps it */
    quarantineReason: z.nullable(z.enum(quarantineReasons)),
    quarantineDetail: z.nullable(z.string()),
    links: z.array(z.object({ kind: z.enum(linkKinds), id: z.string(), via: z.enum(linkReasons) })),
    unmatchedAddresses: z.array(z.string()),
    unlinkedNumbers: z.array(z.object({ number: z.string(), reason: z.enum(unlinkedReasons) })),
    /** an auto-reply or bulk mail */
    automated: z.boolean(),
    forwardedFrom: z.nullable(MailboxOut),
    /** addresses in From, To or Cc that are not valid addresses */
    invalidAddresses: z.array(z.string()),
    released: z.nullable(z.object({ userId: z.string(), at: z.string() })),
  }),
);
export type EmailOut = z.infer<typeof EmailOut>;

export const EmailPageOut = z.lazy(() => z.object({ items: z.array(EmailOut), nextCursor: z.nullable(z.string()) }));

const mailbox = (m: Email['to'][number]): EmailOut['to'][number] => ({ name: m.name, address: m.address });

export const toEmailResponse = (email: Email): EmailOut => ({
  id: email.id,
  messageId: email.messageId,
  subject: email.subject,
  from: email.from === null ? null : mailbox(email.from),
  to: email.to.map(mailbox),
  cc: email.cc.map(mailbox),
  date: email.date,
  receivedAt: email.receivedAt,
  attachments: email.attachments.map(({ filename, size, contentType }) => ({ filename, size, contentType })),
  truncated: email.truncated,
  truncatedFields: [...email.truncatedFields],
  snippet: email.snippet,
  status: email.status,
  quarantineReason: email.quarantine?.reason ?? null,
  quarantineDetail: email.quarantine?.detail ?? null,
  links: linksOf(email.links),
  unmatchedAddresses: [...email.unmatchedAddresses],
  unlinkedNumbers: email.unlinkedNumbers.map((n) => ({ number: n.number, reason: n.reason })),
  automated: email.automated,
  forwardedFrom: email.forwardedFrom === null ? null : mailbox(email.forwardedFrom),
  invalidAddresses: [...email.invalidAddresses],
  released: email.released === null ? null : { userId: email.released.userId, at: email.released.at },
});

/** A record's own mail address (opportunities and tickets). */
export const RecordAddressOut = z.lazy(() => z.object({ number: z.string(), address: z.string() }));

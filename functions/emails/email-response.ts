/**
 * What the email routes answer: the email as the API shows it (no SES ids, raw-message location,
 * verdicts or S3 keys of attachments), mapped from the stored email field by field.
 */
import * as z from 'zod/mini';
import type { Email } from '../../domain/emails/email.ts';
import { truncationReasons } from '../../domain/emails/mail-limits.ts';
import { LimitParam } from '../shared/cursor.ts';

export const EmailListQuery = z.object({ limit: LimitParam, cursor: z.optional(z.string()) });

const MailboxOut = z.object({ name: z.nullable(z.string()), address: z.string() });

export const EmailOut = z.object({
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
});
export type EmailOut = z.infer<typeof EmailOut>;

export const EmailPageOut = z.object({ items: z.array(EmailOut), nextCursor: z.nullable(z.string()) });

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
});

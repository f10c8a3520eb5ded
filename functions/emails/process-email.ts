/** The inbound-email worker: parse the raw message from S3 (streaming, within the limits) and store the email once. */
import { ulid } from 'ulid';
import { boundEmail } from '../../domain/emails/email.ts';
import type { EmailReceivedV1 } from '../../events/email-received.v1.ts';
import { logger } from '../shared/logger.ts';
import type { EmailRepository } from './email.repository.ts';
import type { MailStore } from './mail-store.ts';
import { parseMail } from './parse-mail.ts';

export type ProcessEmailDeps = { emails: EmailRepository; mail: MailStore; now: () => Date };

/** Attachment keys are derived from SES's message id, so a retried message overwrites, never duplicates. */
export const attachmentKey = (sesMessageId: string, index: number): string => `attachments/${sesMessageId}/${index}`;

export const processEmail =
  (deps: ProcessEmailDeps) =>
  async (message: EmailReceivedV1): Promise<void> => {
    if (await deps.emails.findIdBySesMessageId(message.sesMessageId)) return; // redelivered: stored already
    const source = await deps.mail.open(message.bucket, message.key);
    const parsed = await parseMail(source, (index, content, meta) =>
      deps.mail.put(message.bucket, attachmentKey(message.sesMessageId, index), content, meta.contentType),
    );
    const email = boundEmail({
      id: ulid(deps.now().getTime()),
      sesMessageId: message.sesMessageId,
      messageId: parsed.messageId,
      subject: parsed.subject,
      from: parsed.from,
      to: parsed.to,
      cc: parsed.cc,
      date: parsed.date,
      receivedAt: message.receivedAt,
      envelopeRecipients: message.recipients,
      text: parsed.text,
      attachments: parsed.attachments.map((a) => ({
        filename: a.filename,
        size: a.size,
        contentType: a.contentType,
        key: attachmentKey(message.sesMessageId, a.index),
      })),
      raw: { bucket: message.bucket, key: message.key },
      verdicts: { ...message.verdicts },
      cut: parsed.cut,
    });
    if (email.truncated) {
      logger.warn('mail stored truncated; the raw message in S3 is whole', {
        sesMessageId: message.sesMessageId,
        truncatedFields: email.truncatedFields,
        attachmentCount: parsed.attachmentCount,
        details: parsed.cutDetails,
      });
    }
    await deps.emails.createOnce(email);
  };

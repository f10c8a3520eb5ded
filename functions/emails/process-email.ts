/**
 * The inbound-email worker: parse the raw message from S3 (streaming, within the limits), judge it
 * (Smart BCC: quarantined, or linked to what it concerns) and store it once.
 */
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { ulid } from 'ulid';
import { bounceOf } from '../../domain/emails/bounce.ts';
import { boundEmail } from '../../domain/emails/email.ts';
import { forwardedSender, snippetOf } from '../../domain/emails/mail-content.ts';
import type { EmailReceivedV1 } from '../../events/email-received.v1.ts';
import type { TicketMailReceivedV1 } from '../../events/ticket-mail-received.v1.ts';
import { logger } from '../shared/logger.ts';
import { countMetric, metricNames } from '../shared/metrics.ts';
import { type EmailRepository, linkMap } from './email.repository.ts';
import { type JudgeEmail, mailFactsOf } from './judge-email.ts';
import type { MailStore } from './mail-store.ts';
import { type ParsedHeaders, parseMail } from './parse-mail.ts';

export type ProcessEmailDeps = {
  emails: EmailRepository;
  mail: MailStore;
  judge: JudgeEmail;
  /** hands a mail for the service address to email to ticket (the `ticket-mail` queue) */
  ticketMail: { publish: (event: TicketMailReceivedV1) => Promise<void> };
  now: () => Date;
};

/** Attachment keys are derived from SES's message id, so a retried message overwrites, never duplicates. */
export const attachmentKey = (sesMessageId: string, index: number): string => `attachments/${sesMessageId}/${index}`;
/** The HTML body, kept apart from the table (it may be megabytes). */
export const htmlKey = (sesMessageId: string): string => `html/${sesMessageId}`;

/**
 * A message's identity: its Message-ID with a hash of what it says of itself (sender, date,
 * subject, recipients), so a copy is recognised whichever way it came, and a reused or forged
 * Message-ID on other content is not. Without a Message-ID a message has none.
 */
export const identityOf = (headers: ParsedHeaders): string | null => {
  if (!headers.messageId) return null;
  const content = [
    headers.from?.address ?? '',
    headers.date ?? '',
    headers.subject ?? '',
    headers.to.map((m) => m.address).join(','),
  ].join('\n');
  return createHash('sha256').update(`${headers.messageId.trim()}\n${content}`).digest('base64url');
};

export const processEmail =
  (deps: ProcessEmailDeps) =>
  async (message: EmailReceivedV1): Promise<void> => {
    const storedBefore = await deps.emails.findIdBySesMessageId(message.sesMessageId);
    if (storedBefore) {
      // redelivered: stored already, but its hand-over to email to ticket may not have happened (that consumer is idempotent)
      const email = await deps.emails.get(storedBefore, true);
      if (email?.ticketMail)
        await deps.ticketMail.publish({ type: 'ticket-mail-received', version: 1, emailId: email.id });
      return;
    }
    const source = await deps.mail.open(message.bucket, message.key);
    const parsed = await parseMail(source, (index, content, meta) =>
      deps.mail.put(message.bucket, attachmentKey(message.sesMessageId, index), content, meta.contentType),
    );
    if (parsed.html !== null)
      await deps.mail.put(
        message.bucket,
        htmlKey(message.sesMessageId),
        Readable.from([Buffer.from(parsed.html)]),
        'text/html; charset=utf-8',
      );
    const envelopeFrom = message.envelopeFrom === '' ? null : message.envelopeFrom.toLowerCase();
    const bounce = bounceOf({
      reportType: parsed.reportType,
      envelopeFrom,
      text: parsed.text,
      originalMessageId: parsed.attachedMessages.find((m) => m.messageId)?.messageId ?? null,
    });
    // a bounce's attachment is the returned original: neither a forward nor another copy of this mail
    const attached = bounce ? [] : parsed.attachedMessages;
    // an inline forward's block, else the first message attached as message/rfc822
    const forwardedFrom = bounce ? null : (forwardedSender(parsed.text, parsed.subject) ?? attached[0]?.from ?? null);
    const identities = [parsed, ...attached]
      .map(identityOf)
      .filter((identity): identity is string => identity !== null);
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
      envelopeFrom,
      text: parsed.text,
      snippet: snippetOf(parsed.text),
      html: parsed.html === null ? null : { bucket: message.bucket, key: htmlKey(message.sesMessageId) },
      attachments: parsed.attachments.map((a) => ({
        filename: a.filename,
        size: a.size,
        contentType: a.contentType,
        key: attachmentKey(message.sesMessageId, a.index),
      })),
      raw: { bucket: message.bucket, key: message.key },
      verdicts: { ...message.verdicts },
      // a report (bounce, read receipt) or anything from the null sender is machine-made too (RFC 3834, RFC 5321 §4.5.5)
      automated: parsed.automated || parsed.reportType !== null || envelopeFrom === null,
      inReplyTo: parsed.inReplyTo,
      references: parsed.references,
      bounce,
      ticketMail: false,
      senderVerified: false,
      forwardedFrom,
      invalidAddresses: parsed.invalidAddresses,
      identities: [...new Set(identities)],
      status: 'unlinked',
      quarantine: null,
      links: {},
      unmatchedAddresses: [],
      unlinkedNumbers: [],
      released: null,
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
    const verdict = await deps.judge(mailFactsOf(email, message.verdicts));
    const outcome = await deps.emails.storeOnce({ ...email, ...verdict, links: linkMap(verdict.links) });
    if (outcome.stored === 'new' && verdict.status === 'linked') countMetric(metricNames.mailsLinked);
    if (outcome.stored === 'new' && verdict.status === 'quarantined') countMetric(metricNames.mailsQuarantined);
    // every copy for the service address is handed over (the consumer takes an email once)
    if (verdict.ticketMail)
      await deps.ticketMail.publish({ type: 'ticket-mail-received', version: 1, emailId: outcome.emailId });
    logger.info('mail stored', {
      sesMessageId: message.sesMessageId,
      emailId: outcome.emailId,
      stored: outcome.stored,
      status: verdict.status,
      quarantineReason: verdict.quarantine?.reason ?? null,
      links: verdict.links.length,
    });
  };

/**
 * The SES receipt rule's Lambda action: SES has already stored the raw message in S3 (the rule's
 * S3 action); this reads the verdicts and the envelope recipients, which only SES's event carries
 * (a BCC address never appears in the headers), and enqueues the mail for the Smart BCC worker.
 * A failure here is retried by Lambda and then lands in the on-failure destination queue.
 */
import type { SESEvent, SESReceipt } from 'aws-lambda';
import { mailLimits } from '../../domain/emails/mail-limits.ts';
import type { EmailReceivedV1 } from '../../events/email-received.v1.ts';
import { logger } from '../shared/logger.ts';
import type { QueuePublisher } from '../shared/queue-publisher.ts';

export type SesReceiptDeps = {
  publisher: QueuePublisher<EmailReceivedV1>;
  inboundEmailQueueUrl: string;
  mailBucket: string;
  /** the receiving prefix of the rule's S3 action; SES names the object after its message id */
  prefix: string;
  mailDomain: string;
};

type Verdict = EmailReceivedV1['verdicts']['spam'];
const verdicts = new Set<string>(['PASS', 'FAIL', 'GRAY', 'PROCESSING_FAILED', 'DISABLED']);
/** A verdict SES did not give (DMARC is absent for some senders) counts as GRAY, never as PASS. */
const verdictOf = (value: { status: string } | undefined): Verdict => {
  const status = value?.status;
  return status !== undefined && verdicts.has(status) ? (status as Verdict) : 'GRAY';
};

export const verdictsOf = (receipt: SESReceipt): EmailReceivedV1['verdicts'] => ({
  spam: verdictOf(receipt.spamVerdict),
  virus: verdictOf(receipt.virusVerdict),
  spf: verdictOf(receipt.spfVerdict),
  dkim: verdictOf(receipt.dkimVerdict),
  dmarc: verdictOf(receipt.dmarcVerdict),
});

export const handleSesReceipt =
  (deps: SesReceiptDeps) =>
  async (event: SESEvent): Promise<void> => {
    const domain = `@${deps.mailDomain.toLowerCase()}`;
    for (const record of event.Records) {
      const { mail, receipt } = record.ses;
      const inDomain = [...new Set(receipt.recipients.map((r) => r.toLowerCase()).filter((r) => r.endsWith(domain)))];
      // the event must fit one SQS message whatever a sender put in its envelope
      const recipients = inDomain.slice(0, mailLimits.maxRecipientsPerField);
      if (recipients.length < inDomain.length)
        logger.warn('mail for more Kontakt recipients than kept', {
          sesMessageId: mail.messageId,
          recipients: inDomain.length,
        });
      if (recipients.length === 0) {
        logger.warn('mail for no Kontakt recipient; ignored', { sesMessageId: mail.messageId });
        continue;
      }
      await deps.publisher.publish(deps.inboundEmailQueueUrl, {
        type: 'email-received',
        version: 1,
        sesMessageId: mail.messageId,
        bucket: deps.mailBucket,
        key: `${deps.prefix}${mail.messageId}`,
        recipients,
        envelopeFrom: mail.source,
        receivedAt: new Date(receipt.timestamp || mail.timestamp).toISOString(),
        verdicts: verdictsOf(receipt),
      });
    }
  };

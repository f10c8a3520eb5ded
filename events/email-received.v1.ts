/** `email-received` v1: SES (or the local SMTP server) stored a raw message in S3 for Smart BCC. */
import * as z from 'zod/mini';

const Verdict = z.enum(['PASS', 'FAIL', 'GRAY', 'PROCESSING_FAILED', 'DISABLED']);

export const EmailReceivedV1 = z.object({
  type: z.literal('email-received'),
  version: z.literal(1),
  /** SES's message id; also the S3 object's name under the receiving prefix */
  sesMessageId: z.string().check(z.minLength(1)),
  bucket: z.string().check(z.minLength(1)),
  key: z.string().check(z.minLength(1)),
  /** envelope recipients in Kontakt's receiving domain (SES `receipt.recipients`), never the headers */
  recipients: z.array(z.string()),
  /** envelope sender (SES `mail.source`) */
  envelopeFrom: z.string(),
  receivedAt: z.iso.datetime(),
  verdicts: z.object({
    spam: Verdict,
    virus: Verdict,
    spf: Verdict,
    dkim: Verdict,
    dmarc: Verdict,
  }),
});
export type EmailReceivedV1 = z.infer<typeof EmailReceivedV1>;

/** A received email as Kontakt keeps it: headers that matter, a bounded text body, attachments in S3. */

export type Mailbox = { name: string | null; address: string };

export type Attachment = { filename: string | null; size: number; contentType: string; key: string };

export type Email = {
  id: string;
  /** the SES message id: the natural key that makes processing idempotent */
  sesMessageId: string;
  messageId: string | null;
  subject: string | null;
  from: Mailbox | null;
  to: Mailbox[];
  cc: Mailbox[];
  date: string | null;
  receivedAt: string;
  envelopeRecipients: string[];
  text: string | null;
  textTruncated: boolean;
  attachments: Attachment[];
  raw: { bucket: string; key: string };
  verdicts: Record<string, string>;
};

/** Keeps an item well under DynamoDB's 400 KB limit; the raw message stays whole in S3. */
export const maxStoredTextChars = 100_000;

export const boundText = (text: string | null): { text: string | null; textTruncated: boolean } =>
  text !== null && text.length > maxStoredTextChars
    ? { text: text.slice(0, maxStoredTextChars), textTruncated: true }
    : { text, textTruncated: false };

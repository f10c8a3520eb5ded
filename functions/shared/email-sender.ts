/** Outgoing mail (reminders) through SES v2 SendEmail: plain text, one recipient, from the configured sender. */
// In shared/ though only activity reminders send: it knows no noun, like ses-client.ts (emails/ is inbound mail).
import { type SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';

export type OutgoingEmail = { from: string; to: string; subject: string; text: string };

/**
 * Every mail Kontakt sends is machine-made (RFC 3834): auto-responders and ticket systems,
 * Kontakt's own service address included, must not answer it, so no two systems mail each other
 * in a loop. `X-Auto-Response-Suppress` asks Exchange the same.
 */
export const automatedHeaders = [
  { Name: 'Auto-Submitted', Value: 'auto-generated' },
  { Name: 'X-Auto-Response-Suppress', Value: 'All' },
] as const;

export const createEmailSender = (ses: SESv2Client) => ({
  /** Returns SES's message id. */
  async send(email: OutgoingEmail): Promise<string | null> {
    const res = await ses.send(
      new SendEmailCommand({
        FromEmailAddress: email.from,
        Destination: { ToAddresses: [email.to] },
        Content: {
          Simple: {
            Subject: { Data: email.subject, Charset: 'UTF-8' },
            Body: { Text: { Data: email.text, Charset: 'UTF-8' } },
            Headers: automatedHeaders.map((h) => ({ ...h })),
          },
        },
      }),
    );
    return res.MessageId ?? null;
  },
});

export type EmailSender = ReturnType<typeof createEmailSender>;

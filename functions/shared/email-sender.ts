/** Outgoing mail (reminders) through SES v2 SendEmail: plain text, one recipient, from the configured sender. */
// In shared/ though only activity reminders send: it knows no noun, like ses-client.ts (emails/ is inbound mail).
import { type SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';

export type OutgoingEmail = { from: string; to: string; subject: string; text: string };

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
          },
        },
      }),
    );
    return res.MessageId ?? null;
  },
});

export type EmailSender = ReturnType<typeof createEmailSender>;

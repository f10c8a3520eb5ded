/**
 * Delivery status notifications (RFC 3464): a bounce names each recipient it reports with its
 * action and status. Kontakt recognises one by its `multipart/report; report-type=delivery-status`
 * type, or by the null envelope sender (RFC 5321 §4.5.5: `MAIL FROM:<>`) together with a status
 * block, and reads the recipients from the `message/delivery-status` part, which the parser keeps
 * in the text.
 */
export type BounceRecipient = { address: string; action: string; status: string | null };
/** `originalMessageId`: the Message-ID of the mail that bounced, from the headers the report returns */
export type Bounce = { recipients: BounceRecipient[]; originalMessageId: string | null };

const field = (block: string, name: string): string | null => {
  const match = new RegExp(`^${name}\\s*:\\s*(.+)$`, 'im').exec(block);
  return match?.[1]?.trim() ?? null;
};

/** The per-recipient blocks of a delivery-status text (blank-line separated groups with a Final- or Original-Recipient). */
export const readDeliveryStatus = (text: string | null): Bounce | null => {
  if (!text) return null;
  const recipients: BounceRecipient[] = [];
  for (const block of text.slice(0, 50_000).split(/\r?\n\s*\r?\n/)) {
    const recipient = field(block, 'Final-Recipient') ?? field(block, 'Original-Recipient');
    const action = field(block, 'Action');
    if (!recipient || !action) continue;
    // "rfc822; max@kunde.de"
    const address = recipient.split(';').pop()?.trim().replace(/^<|>$/g, '').toLowerCase() ?? '';
    if (!address.includes('@')) continue;
    recipients.push({
      address: address.slice(0, 254),
      action: action.toLowerCase().slice(0, 20),
      status: field(block, 'Status')?.slice(0, 20) ?? null,
    });
    if (recipients.length >= 20) break;
  }
  return recipients.length > 0 ? { recipients, originalMessageId: null } : null;
};

/** A bounce: a delivery-status report, or a mail from the null sender that reports recipients. */
export const bounceOf = (mail: {
  reportType: string | null;
  envelopeFrom: string | null;
  text: string | null;
  /** the Message-ID of the returned original (its attached headers), if any */
  originalMessageId: string | null;
}): Bounce | null => {
  const report = mail.reportType?.toLowerCase() === 'delivery-status';
  if (!report && mail.envelopeFrom !== null) return null;
  // the returned headers (text/rfc822-headers) are read as text by the parser: their Message-ID is the original's
  const originalMessageId =
    mail.originalMessageId ??
    /^Message-ID:\s*(<[^<>\s]{1,996}>)/im.exec((mail.text ?? '').slice(0, 50_000))?.[1] ??
    null;
  const read = readDeliveryStatus(mail.text);
  if (read) return { ...read, originalMessageId };
  // a report that names nobody readable is still a bounce
  return report ? { recipients: [], originalMessageId } : null;
};

/** `ticket-mail-received` v1: a stored email that email to ticket takes (sent to the service address, or a customer's reply to a ticket's address). */
import * as z from 'zod/mini';

export const TicketMailReceivedV1 = z.object({
  type: z.literal('ticket-mail-received'),
  version: z.literal(1),
  emailId: z.string().check(z.minLength(1), z.maxLength(64)),
});
export type TicketMailReceivedV1 = z.infer<typeof TicketMailReceivedV1>;

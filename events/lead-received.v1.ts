/** `lead-received` v1: an inbox entry was stored and needs its duplicate check. */
import * as z from 'zod/mini';

export const LeadReceivedV1 = z.object({
  type: z.literal('lead-received'),
  version: z.literal(1),
  inboxEntryId: z.string().check(z.minLength(1)),
  source: z.string(),
  /** when the request for a check was made; a redelivery carries the same value */
  requestedAt: z.iso.datetime(),
});
export type LeadReceivedV1 = z.infer<typeof LeadReceivedV1>;

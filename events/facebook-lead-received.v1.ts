/** `facebook-lead-received` v1: Meta's webhook announced a lead; the worker fetches it from the Graph API. */
import * as z from 'zod/mini';

/** Meta sends ids as numbers or strings; they travel as strings (numbers that large lose digits). */
const Id = z.string().check(z.regex(/^\d{1,40}$/, 'must be a numeric id'));

export const FacebookLeadReceivedV1 = z.object({
  type: z.literal('facebook-lead-received'),
  version: z.literal(1),
  leadgenId: Id,
  pageId: Id,
  formId: z.optional(Id),
  adId: z.optional(Id),
  /** when the person submitted the lead form, as Meta reports it (epoch seconds) */
  createdTime: z.optional(z.number()),
  receivedAt: z.iso.datetime(),
});
export type FacebookLeadReceivedV1 = z.infer<typeof FacebookLeadReceivedV1>;

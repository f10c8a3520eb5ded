/** What a conversion request looks like: the stage and pipeline, and for company and person either a link or "create". */
import * as z from 'zod/mini';

const recordId = z.string().check(z.minLength(1), z.maxLength(64));
const target = z.union([
  z.strictObject({ id: recordId }),
  z.strictObject({
    /** create it from the entry's contact data */
    create: z.literal(true),
    /** create even when duplicate protection finds candidates */
    force: z.optional(z.boolean()),
  }),
]);

export const ConvertBody = z.lazy(() =>
  z.strictObject({
    stage: z.optional(z.enum(['lead', 'deal'])),
    pipelineId: z.optional(recordId),
    company: z.optional(target),
    person: z.optional(target),
  }),
);
export type ConvertBody = z.infer<typeof ConvertBody>;

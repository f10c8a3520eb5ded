/** `csv-import-requested` v1: an import was started, or a chunk finished and the next one is due. */
import * as z from 'zod/mini';

export const CsvImportRequestedV1 = z.object({
  type: z.literal('csv-import-requested'),
  version: z.literal(1),
  importId: z.string().check(z.minLength(1)),
  requestedAt: z.iso.datetime(),
});
export type CsvImportRequestedV1 = z.infer<typeof CsvImportRequestedV1>;

/** What import requests must look like: a file name and, optionally, which header feeds which contact field. */
import * as z from 'zod/mini';
import { importTargets } from '../../domain/imports/header-mapping.ts';

export const NewImportBody = z.lazy(() =>
  z.strictObject({
    filename: z
      .string()
      .check(
        z.trim(),
        z.minLength(1, 'give the file name'),
        z.maxLength(255),
        z.regex(/^[^\p{Cc}]*$/u, 'must not contain control characters'),
      ),
    /** header as the file names it → contact field, or null to leave a column out */
    mapping: z.optional(
      z
        .record(
          z.string().check(z.minLength(1), z.maxLength(200)),
          z.nullable(z.enum(importTargets, `use one of ${importTargets.join(', ')}, or null to ignore the column`)),
        )
        // the import item carries its mapping, inside one 400 KB item
        .check(z.refine((mapping) => Object.keys(mapping).length <= 500, 'map at most 500 columns')),
    ),
  }),
);

export const ImportIdPath = z.lazy(() => z.object({ id: z.string().check(z.minLength(1), z.maxLength(64)) }));

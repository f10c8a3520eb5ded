/** zod at the edges: parse, never cast; every bad field is named in the 400. */

import * as z from 'zod/mini';
import en from 'zod/v4/locales/en.js';
import { type FieldError, validationError } from '../../domain/shared/errors.ts';

// Only the English messages: `z.locales.en()` would make the bundler keep every locale (~260 KB).
z.config(en());

const fieldOf = (path: readonly PropertyKey[], root: string): string =>
  path.length === 0 ? root : path.map(String).join('.');

/** One error per bad field; an unknown (or read-only) field is named itself, not its parent. */
export const fieldErrors = (error: z.core.$ZodError, root: string): FieldError[] =>
  error.issues.flatMap((issue) =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({
          field: fieldOf([...issue.path, key], root),
          message: readOnlyFields.has(key) ? 'is read-only' : 'is not a known field',
        }))
      : [{ field: fieldOf(issue.path, root), message: issue.message }],
  );

/** Fields the system sets; naming them in a write is a 400 that says so (API.md). */
const readOnlyFields = new Set([
  'id',
  'key',
  'createdAt',
  'updatedAt',
  'qualifiedAt',
  'number',
  'duplicateCheck',
  'statusHistory',
  'source',
  'raw',
  'opportunityId',
  'companyId',
  'personId',
  'archiveReason',
]);

/** Parses input from a client; a failure is a 400 naming each field. */
export const parseInput = <S extends z.ZodMiniType>(schema: S, input: unknown, root: string): z.infer<S> => {
  const result = schema.safeParse(input);
  if (!result.success) throw validationError(fieldErrors(result.error, root));
  return result.data;
};

/** Parses what Kontakt itself stored; a failure is a bug, never the client's fault. */
export const parseStored = <S extends z.ZodMiniType>(schema: S, item: unknown, what: string): z.infer<S> => {
  const result = schema.safeParse(item);
  if (!result.success) {
    const where = result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`stored ${what} does not match its schema: ${where}`);
  }
  return result.data;
};

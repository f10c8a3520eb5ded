/** zod at the edges: parse, never cast; every bad field is named in the 400. */

import * as z from 'zod/mini';
import en from 'zod/v4/locales/en.js';
import { type FieldError, validationError } from '../../domain/shared/errors.ts';

// Only the English messages: `z.locales.en()` would make the bundler keep every locale (~260 KB).
z.config(en());

export const fieldErrors = (error: z.core.$ZodError, root: string): FieldError[] =>
  error.issues.map((issue) => ({
    field: issue.path.length === 0 ? root : issue.path.map(String).join('.'),
    message: issue.message,
  }));

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

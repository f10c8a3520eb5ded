/** The field the first error of a refused call names (undefined when it was not refused). */
import { KontaktError } from '../../domain/shared/errors.ts';

export const refusedField = (call: () => unknown): string | undefined => {
  try {
    call();
  } catch (error) {
    if (error instanceof KontaktError) return error.errors?.[0]?.field;
    throw error;
  }
  return undefined;
};

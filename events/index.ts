/** The shape every queue message shares, and the one parser that reads them. */
import type * as z from 'zod/mini';
/**
 * What every message that crosses a queue is: a named, versioned event. Each event declares its own
 * schema in its own file (`events/<name>.v<version>.ts`) and its consumer parses with it; there is no
 * list of them to keep, so a new event is its file alone.
 */
export type KontaktEvent = { type: string; version: number };

export class InvalidEventError extends Error {
  override readonly name = 'InvalidEventError';
}

/** Parses a queue message body against one schema; a message that fails is poison and must reach the DLQ. */
export const parseEvent = <S extends z.ZodMiniType>(schema: S, body: string): z.infer<S> => {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    // not the parser's own message: it quotes the body, which holds personal data, into the logs
    throw new InvalidEventError(`message body is not JSON (${body.length} characters)`);
  }
  const result = schema.safeParse(json);
  if (!result.success) {
    const where = result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new InvalidEventError(`message does not match its schema: ${where}`);
  }
  return result.data;
};

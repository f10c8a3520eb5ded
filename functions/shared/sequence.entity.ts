/**
 * The counters record numbers come from (`OPP-12`, `TIC-7`): one item per sequence, only ever
 * changed by an atomic ADD, so parallel creations never share a number and none is reused.
 * In shared/: it knows no noun; each noun names its own sequence (`defineSequence('OPP')`).
 */
import * as z from 'zod/mini';
import { defineEntity } from './entity.ts';
import type { Store } from './store.ts';

export const defineSequence = (name: string) => {
  const entity = defineEntity({
    name: 'sequence',
    version: 1,
    schema: z.object({ counter: z.number() }),
    key: () => ({ pk: `SEQUENCE#${name}`, sk: 'SEQUENCE' }),
    keyOf: () => [],
  });
  /** The update that takes the sequence's next value (it tags the item the first time). */
  const nextValue = {
    expression: 'SET #et = :et, #v = :v ADD #counter :one',
    names: { '#counter': 'counter', '#et': '_et', '#v': '_v' },
    values: { ':one': 1, ':et': entity.name, ':v': entity.version },
  };
  return { entity, nextValue };
};

/** Takes a sequence's next number. */
export const takeNextNumber = async (
  store: Pick<Store, 'update'>,
  sequence: ReturnType<typeof defineSequence>,
): Promise<number> => {
  const updated = await store.update(sequence.entity.key(), sequence.nextValue, { returnNew: true });
  return sequence.entity.parse(updated).counter;
};

/**
 * Reads a container keeps in its memory for a short while, by key: what many invocations in a row
 * would read again and may see a little late (a web form's settings, the value counts duplicate
 * protection weighs candidates with). A read still in flight is shared; a failed one is not kept;
 * the oldest goes first when more than `max` are kept (a Map iterates in insertion order).
 */
export type KeptReads<T> = { get: (key: string, read: () => Promise<T>) => Promise<T> };

export const keptReads = <T>(options: { ttlMs: number; max: number; now?: () => number }): KeptReads<T> => {
  const now = options.now ?? Date.now;
  const kept = new Map<string, { at: number; value: Promise<T> }>();
  return {
    get(key, read) {
      const at = now();
      const hit = kept.get(key);
      if (hit && at - hit.at < options.ttlMs) return hit.value;
      const value = read();
      kept.delete(key);
      kept.set(key, { at, value });
      value.catch(() => {
        if (kept.get(key)?.value === value) kept.delete(key);
      });
      if (kept.size > options.max) kept.delete(kept.keys().next().value as string);
      return value;
    },
  };
};

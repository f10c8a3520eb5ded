/** Bounded concurrency for batches of writes. */

/**
 * Runs `task` over `items`, at most `limit` at a time, keeping their order. After a failure no new
 * item starts, and the first failure is thrown only once every started task has finished, so no
 * write is still in flight when the caller answers or checkpoints.
 */
export const mapBounded = async <T, R>(
  items: readonly T[],
  limit: number,
  task: (item: T) => Promise<R>,
): Promise<R[]> => {
  const results: R[] = new Array(items.length);
  let next = 0;
  const failures: unknown[] = [];
  const lane = async (): Promise<void> => {
    while (next < items.length && failures.length === 0) {
      const index = next;
      next += 1;
      const item = items[index];
      if (item === undefined) continue;
      try {
        results[index] = await task(item);
      } catch (error) {
        failures.push(error);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  if (failures.length > 0) throw failures[0];
  return results;
};

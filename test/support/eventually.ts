/**
 * Waiting for a condition, never for a time: a probe is polled (more slowly as time goes on) until
 * it returns a value, within a deadline generous enough for a loaded two-core machine; a test that
 * still fails says what it waited for and the probe's last error.
 */

/** How long a condition may take unless a test says otherwise; a busy machine needs minutes, not seconds. */
export const defaultPatienceMs = 90_000;

export type EventuallyOptions = {
  /** the deadline in milliseconds (default `defaultPatienceMs`) */
  timeoutMs?: number;
  /** what is awaited, for the failure message */
  what?: string;
};

const describeValue = (value: unknown): string => {
  const text = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
  return text.length > 500 ? `${text.slice(0, 500)}…` : text;
};

/**
 * Polls `probe` until it returns something other than undefined, and returns that. A probe that
 * throws counts as "not yet" (the service may still be starting); its last error goes into the
 * failure message.
 */
export const eventually = async <T>(
  probe: () => Promise<T | undefined>,
  options: number | EventuallyOptions = {},
): Promise<T> => {
  const { timeoutMs = defaultPatienceMs, what = 'condition' } =
    typeof options === 'number' ? { timeoutMs: options } : options;
  const started = Date.now();
  let pause = 100;
  let last: { error: unknown } | null = null;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
      last = null;
    } catch (error) {
      last = { error };
    }
    if (Date.now() - started > timeoutMs) {
      const seen = last
        ? `; last error: ${describeValue(last.error instanceof Error ? last.error.message : last.error)}`
        : '';
      throw new Error(`${what} not met within ${timeoutMs} ms${seen}`);
    }
    await new Promise((done) => setTimeout(done, pause));
    // quick at first, then no more than once a second, so polling does not load the stack it waits for
    pause = Math.min(pause * 2, 1000);
  }
};

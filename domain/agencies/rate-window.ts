/**
 * The per-agency lead limit's time windows: fixed calendar minutes (UTC), each counted in its own
 * counter, so one atomic update decides and no clock-skewed sliding state is needed.
 */

export const rateWindowSeconds = 60;
/** counters outlive their minute a little (clock skew between containers), then DynamoDB's TTL removes them */
export const rateCounterKeepSeconds = 300;

export type RateWindow = {
  /** the minute, e.g. `2026-05-04T08:07`: the counter's name */
  window: string;
  /** whole seconds until the next window opens, at least 1 (a `Retry-After` value) */
  retryAfterSeconds: number;
  /** epoch seconds after which the counter may be deleted */
  expiresAtEpoch: number;
};

export const rateWindowAt = (now: Date): RateWindow => {
  const ms = now.getTime();
  const start = ms - (ms % (rateWindowSeconds * 1000));
  const end = start + rateWindowSeconds * 1000;
  return {
    window: new Date(start).toISOString().slice(0, 16),
    retryAfterSeconds: Math.max(1, Math.ceil((end - ms) / 1000)),
    expiresAtEpoch: end / 1000 + rateCounterKeepSeconds,
  };
};

/**
 * The most a window may have counted before `count` more still fit under `limit`; null when the
 * batch alone is over the limit and no window can take it.
 */
export const highestCountBefore = (count: number, limit: number): number | null =>
  count > limit ? null : limit - count;

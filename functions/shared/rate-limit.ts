/**
 * Token buckets in the memory of one container, by key (a client's IP, a form): `take` spends one
 * token, refilled at `perSecond` up to `burst`. No counter item in the table, so no partition grows
 * hot under a flood and a check costs nothing; the price is that each container counts apart, so
 * the limit holds per container (as many times over as Lambda runs containers). The least recently
 * used keys are forgotten beyond `maxKeys`, which only ever lets a forgotten client start afresh.
 */
export type RateLimit = { perSecond: number; burst: number };

export type Taken = { allowed: true } | { allowed: false; retryAfterSeconds: number };

export const createRateLimiter = (limit: RateLimit, options: { maxKeys?: number; now?: () => number } = {}) => {
  const maxKeys = options.maxKeys ?? 10_000;
  const now = options.now ?? Date.now;
  const buckets = new Map<string, { tokens: number; at: number }>();
  return {
    take(key: string): Taken {
      const at = now();
      const bucket = buckets.get(key) ?? { tokens: limit.burst, at };
      const tokens = Math.min(limit.burst, bucket.tokens + ((at - bucket.at) / 1000) * limit.perSecond);
      // the most recently used key goes last, so the first one is the one to forget
      buckets.delete(key);
      if (tokens < 1) {
        buckets.set(key, { tokens, at });
        return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - tokens) / limit.perSecond)) };
      }
      buckets.set(key, { tokens: tokens - 1, at });
      if (buckets.size > maxKeys) {
        const oldest = buckets.keys().next().value;
        if (oldest !== undefined) buckets.delete(oldest);
      }
      return { allowed: true };
    },
  };
};

export type RateLimiter = ReturnType<typeof createRateLimiter>;

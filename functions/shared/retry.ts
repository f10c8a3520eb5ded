/**
 * The one retry loop: runs `work` again after a jittered, doubling pause while `retryable` says
 * the failure is passing (a concurrent transaction, a throttle, unprocessed items), at most
 * `attempts` times, then lets the last failure through.
 */
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';

export type RetryOptions = {
  attempts: number;
  retryable: (error: unknown) => boolean;
  /** the first pause; each further one doubles, up to `maxPauseMs` (full jitter in the upper half) */
  basePauseMs?: number;
  maxPauseMs?: number;
  /** injected in tests */
  pause?: (ms: number) => Promise<void>;
};

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** The pause before retry `attempt` (1-based): base × 2^(attempt−1), capped, with jitter in [½, 1]. */
export const backoffMs = (attempt: number, baseMs = 25, maxMs = 1_000): number =>
  Math.min(maxMs, baseMs * 2 ** (attempt - 1)) * (0.5 + Math.random() / 2);

export const retrying = async <T>(work: (attempt: number) => Promise<T>, options: RetryOptions): Promise<T> => {
  const pause = options.pause ?? sleep;
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await work(attempt);
    } catch (error) {
      if (attempt >= options.attempts || !options.retryable(error)) throw error;
      await pause(backoffMs(attempt, options.basePauseMs, options.maxPauseMs));
    }
  }
};

/** A transaction cancelled only because another one touched the same items at that moment. */
export const isTransactionConflict = (error: unknown): boolean =>
  error instanceof TransactionCanceledException &&
  (error.CancellationReasons ?? []).some((r) => r.Code === 'TransactionConflict') &&
  !(error.CancellationReasons ?? []).some((r) => r.Code === 'ConditionalCheckFailed');

/** A transaction that only collided with another one is tried this often before its caller hears of it. */
const conflictAttempts = 4;

/** Runs a transaction, again when it merely collided with another one (nothing was written then). */
export const retryingConflicts = (transact: () => Promise<void>): Promise<void> =>
  retrying(transact, { attempts: conflictAttempts, retryable: isTransactionConflict });

/**
 * Why storing one lead failed, so a batch answers each lead on its own: the lead's values (the
 * lead is `invalid`), a concurrent delivery of the same lead, or a database too busy to answer in
 * time (both worth another attempt), or something else, such as a database that is down (the
 * whole request fails; every stored lead is guarded, so its retry stores nothing twice).
 */
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { isThrottlingError } from '@smithy/core/retry';
import { KontaktError } from '../../domain/shared/errors.ts';

export type StoreFailure = 'lead' | 'conflict' | 'overload' | 'other';

/** Errors that came through an AWS SDK client (service answers and network failures alike). */
const fromSdk = (error: unknown): error is Error & { code?: unknown } => error instanceof Error && '$metadata' in error;

/** The shape the SDK's own classifier reads (name, code, $metadata, cause); any Error has it. */
const sdkShaped = (error: unknown): error is Parameters<typeof isThrottlingError>[0] =>
  error instanceof Error && (error.cause === undefined || error.cause instanceof Error);

const cancellationCodes = (error: TransactionCanceledException): string[] =>
  (error.CancellationReasons ?? []).map((reason) => reason.Code ?? '');

/**
 * The database answered, but too slowly (the client's request timeout), not at all for now
 * (throttling), or is still busy with an earlier attempt of the same transaction (the SDK retries
 * a timed-out TransactWriteItems with its ClientRequestToken while the first still runs): it is
 * there and busy, unlike a refused connection.
 */
export const isOverload = (error: unknown): boolean => {
  if (error instanceof TransactionCanceledException) {
    return cancellationCodes(error).some(
      (code) => code === 'ThrottlingError' || code === 'ProvisionedThroughputExceeded',
    );
  }
  if (!fromSdk(error)) return false;
  return (
    error.name === 'TimeoutError' ||
    error.code === 'ETIMEDOUT' ||
    error.name === 'TransactionInProgressException' ||
    (sdkShaped(error) && isThrottlingError(error))
  );
};

export const classifyStoreFailure = (error: unknown): StoreFailure => {
  if (isOverload(error)) return 'overload';
  if (error instanceof TransactionCanceledException) {
    const codes = cancellationCodes(error);
    if (codes.includes('ValidationError')) return 'lead';
    if (codes.includes('TransactionConflict')) return 'conflict';
    return 'other';
  }
  // DynamoDB refusing what the lead holds: a number out of its range, an item or key too large
  if (fromSdk(error) && error.name === 'ValidationException') return 'lead';
  if (error instanceof KontaktError || fromSdk(error)) return 'other';
  // anything else was thrown by our own code on this lead's values before its write
  return 'lead';
};

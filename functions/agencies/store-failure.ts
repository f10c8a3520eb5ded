/**
 * Why storing one lead failed, so a batch answers each lead on its own: the lead's values (the
 * lead is `invalid`), a concurrent delivery of the same lead (try again), or something else, such
 * as a dependency that is down (the whole request fails; every stored lead is guarded, so its
 * retry stores nothing twice).
 */
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { KontaktError } from '../../domain/shared/errors.ts';

export type StoreFailure = 'lead' | 'conflict' | 'other';

/** Errors that came through an AWS SDK client (service answers and network failures alike). */
const fromSdk = (error: unknown): boolean => typeof error === 'object' && error !== null && '$metadata' in error;

const cancellationCodes = (error: TransactionCanceledException): string[] =>
  (error.CancellationReasons ?? []).map((reason) => reason.Code ?? '');

export const classifyStoreFailure = (error: unknown): StoreFailure => {
  if (error instanceof TransactionCanceledException) {
    const codes = cancellationCodes(error);
    if (codes.includes('ValidationError')) return 'lead';
    if (codes.includes('TransactionConflict')) return 'conflict';
    return 'other';
  }
  // DynamoDB refusing what the lead holds: a number out of its range, an item or key too large
  if (error instanceof Error && error.name === 'ValidationException' && fromSdk(error)) return 'lead';
  if (error instanceof KontaktError || fromSdk(error)) return 'other';
  // anything else was thrown by our own code on this lead's values before its write
  return 'lead';
};

/**
 * Telling an AWS dependency's outage from a bug, with the AWS SDK's own error classification. Apart
 * from the HTTP edge so that a function reaching no AWS service (`openapi`) bundles none of the SDK:
 * the table-backed API functions take `httpRouter` from here.
 */
import { isThrottlingError, isTransientError } from '@smithy/core/retry';
import { createHttpRouter } from './http-router.ts';

type SdkError = Parameters<typeof isTransientError>[0];

/** The shape the SDK's classifiers read (name, code, $metadata, cause); any Error has it. */
const isSdkErrorShaped = (error: unknown): error is SdkError =>
  error instanceof Error && (error.cause === undefined || error.cause instanceof Error);

/**
 * An AWS dependency that could not be reached or did not answer in time (connection refused or
 * reset, DNS, the client's own timeouts), that answered 5xx, or that kept throttling after the
 * SDK's own retries — anywhere in the error's cause chain, since repositories wrap what they cannot
 * translate. The classification is the SDK's own (the one its retry strategy uses), so "an outage"
 * here means exactly what the SDK itself would have retried.
 */
export const isDependencyOutage = (error: unknown, depth = 0): boolean => {
  if (!(error instanceof Error) || depth > 10) return false;
  if (isSdkErrorShaped(error) && (isThrottlingError(error) || isTransientError(error))) return true;
  return isDependencyOutage(error.cause, depth + 1);
};

/** The router of every API function that reaches AWS: a dependency outage answers 503 with Retry-After. */
export const httpRouter = createHttpRouter(isDependencyOutage);

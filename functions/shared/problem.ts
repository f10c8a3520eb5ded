/**
 * RFC 9457 problem responses: only client errors carry their message; a 5xx never leaks internals;
 * an AWS dependency that cannot be reached is a 503 the client may retry, not a 500.
 */
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { type ConflictCode, KontaktError, type ProblemCode, validationError } from '../../domain/shared/errors.ts';

export type HttpResponse = APIGatewayProxyStructuredResultV2 & { statusCode: number; headers: Record<string, string> };

/**
 * What a 429 or 503 asks a client to wait when its error names no time of its own: long enough for
 * a restarted dependency or an emptied throttle bucket, short enough for a person at a form.
 */
export const defaultRetryAfterSeconds = 5;

const hasHeader = (headers: Record<string, string>, name: string): boolean =>
  Object.keys(headers).some((key) => key.toLowerCase() === name);

export const jsonResponse = (
  statusCode: number,
  body: unknown,
  headers: Record<string, string> = {},
): HttpResponse => ({
  statusCode,
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(body),
});

type ProblemType = { status: number; title: string };

const conflictType: ProblemType = { status: 409, title: 'Conflict' };
const conflicts: Record<ConflictCode, ProblemType> = {
  'stale-version': conflictType,
  'concurrent-change': conflictType,
  'merge-in-progress': conflictType,
  'already-merged': conflictType,
  'already-converted': conflictType,
  'already-deal': conflictType,
  'already-exists': conflictType,
  archived: conflictType,
  spam: conflictType,
  'invalid-status-transition': conflictType,
  'activity-done': conflictType,
  'opportunity-closed': conflictType,
  'ticket-closed': conflictType,
  'not-quarantined': conflictType,
  'address-taken': conflictType,
  'number-taken': conflictType,
  'pipeline-exists': conflictType,
  'step-in-use': conflictType,
  'webform-exists': conflictType,
  'user-exists': conflictType,
  'too-many-keys': conflictType,
  'import-already-started': conflictType,
  'import-file-missing': conflictType,
};

/**
 * The one place a problem becomes HTTP: each code of the domain's registry (domain/shared/errors.ts)
 * with its status and title. A code without one does not compile; test/unit/functions/problem-types.test.ts
 * pins them all, so clients see no change.
 */
export const problemTypes: Record<ProblemCode, ProblemType> = {
  'validation-failed': { status: 400, title: 'Invalid input' },
  unprocessable: { status: 422, title: 'Unprocessable input' },
  'not-found': { status: 404, title: 'Not found' },
  forbidden: { status: 403, title: 'Forbidden' },
  unauthorized: { status: 401, title: 'Unauthorized' },
  'unknown-user': { status: 403, title: 'Forbidden' },
  'invalid-api-key': { status: 401, title: 'Unauthorized' },
  'invalid-signature': { status: 401, title: 'Unauthorized' },
  'origin-not-allowed': { status: 403, title: 'Forbidden' },
  'payload-too-large': { status: 413, title: 'Payload too large' },
  'unsupported-media-type': { status: 415, title: 'Unsupported media type' },
  'idempotency-key-reused': { status: 422, title: 'Idempotency key reused' },
  'possible-duplicates': { status: 409, title: 'Possible duplicates' },
  ...conflicts,
  busy: { status: 429, title: 'Too many requests' },
  'rate-limited': { status: 429, title: 'Too many requests' },
  'service-unavailable': { status: 503, title: 'Service unavailable' },
  internal: { status: 500, title: 'Internal error' },
};

/** The HTTP status a problem is answered with. */
export const problemStatus = (error: KontaktError): number => problemTypes[error.code].status;

/** Every 429 and 503 carries Retry-After (API.md), whichever error raised it. */
export const problemResponse = (error: KontaktError, instance?: string): HttpResponse => {
  const { status, title } = problemTypes[error.code];
  return {
    statusCode: status,
    headers: {
      ...((status === 429 || status === 503) && !hasHeader(error.headers, 'retry-after')
        ? { 'retry-after': String(defaultRetryAfterSeconds) }
        : {}),
      ...error.headers,
      'content-type': 'application/problem+json',
    },
    // the problem's own members come last: an extra member of the same name cannot change them
    body: JSON.stringify({
      ...error.extra,
      type: `/problems/${error.code}`,
      title,
      status,
      detail: error.message,
      ...(instance === undefined ? {} : { instance }),
      ...(error.errors === undefined ? {} : { errors: error.errors }),
    }),
  };
};

/**
 * A merged record's id answers 308 to its survivor: a result of the read, not an error, shaped as
 * the problem document clients have always had (`/problems/merged`, `survivorId`, `Location`).
 */
export const mergedRedirect = (detail: string, survivorId: string, location: string, instance: string) => ({
  status: 308,
  headers: { location, 'content-type': 'application/problem+json' },
  body: { survivorId, type: '/problems/merged', title: 'Permanent Redirect', status: 308, detail, instance },
});

export const internalErrorResponse = (requestId: string | undefined): HttpResponse =>
  problemResponse(
    new KontaktError('internal', `Something went wrong on our side. Request id: ${requestId ?? 'unknown'}`),
  );

/** Client errors are answered with their message. */
export const isClientError = (error: unknown): error is KontaktError =>
  error instanceof KontaktError && problemStatus(error) >= 400 && problemStatus(error) < 500;

/**
 * The answer to a dependency outage: 503 with Retry-After and nothing about which dependency or
 * why (that goes to the log, from `cause`). A use case that must add headers to it (a web form's
 * CORS) raises it itself, with `withHeaders`.
 */
export const serviceUnavailable = (cause: unknown): KontaktError =>
  new KontaktError(
    'service-unavailable',
    `The service is briefly unavailable; please retry after ${defaultRetryAfterSeconds} seconds`,
    { cause },
  );

/** Answered with its own title and detail like a client error: it says only "retry later". */
export const isServiceUnavailable = (error: unknown): error is KontaktError =>
  error instanceof KontaktError && error.code === 'service-unavailable';

/**
 * A cursor that decodes but names a start key this list cannot start from (forged, or from another
 * list) makes DynamoDB refuse the Query; that is the client's 400, not a 500.
 */
export const badCursor = (error: unknown): KontaktError | null =>
  error instanceof Error &&
  error.name === 'ValidationException' &&
  /starting key|ExclusiveStartKey/i.test(error.message)
    ? validationError([{ field: 'cursor', message: 'not a cursor this list returned' }])
    : null;

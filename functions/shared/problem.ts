/**
 * RFC 9457 problem responses: only client errors carry their message; a 5xx never leaks internals;
 * an AWS dependency that cannot be reached is a 503 the client may retry, not a 500.
 */
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { KontaktError } from '../../domain/shared/errors.ts';

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

/** Every 429 and 503 carries Retry-After (API.md), whichever error raised it. */
export const problemResponse = (error: KontaktError, instance?: string): HttpResponse => ({
  statusCode: error.status,
  headers: {
    ...((error.status === 429 || error.status === 503) && !hasHeader(error.headers, 'retry-after')
      ? { 'retry-after': String(defaultRetryAfterSeconds) }
      : {}),
    ...error.headers,
    'content-type': 'application/problem+json',
  },
  // the problem's own members come last: an extra member of the same name cannot change them
  body: JSON.stringify({
    ...error.extra,
    type: `/problems/${error.code}`,
    title: error.title,
    status: error.status,
    detail: error.message,
    ...(instance === undefined ? {} : { instance }),
    ...(error.errors === undefined ? {} : { errors: error.errors }),
  }),
});

export const internalErrorResponse = (requestId: string | undefined): HttpResponse =>
  problemResponse(
    new KontaktError(
      'internal',
      500,
      'Internal error',
      `Something went wrong on our side. Request id: ${requestId ?? 'unknown'}`,
    ),
  );

/** Client errors, and redirects raised deep in a use case (a merged record's 308), are answered with their message. */
export const isClientError = (error: unknown): error is KontaktError =>
  error instanceof KontaktError && error.status >= 300 && error.status < 500;

/**
 * The answer to a dependency outage: 503 with Retry-After and nothing about which dependency or
 * why (that goes to the log, from `cause`). A use case that must add headers to it (a web form's
 * CORS) raises it itself, with `withHeaders`.
 */
export const serviceUnavailable = (cause: unknown): KontaktError =>
  new KontaktError(
    'service-unavailable',
    503,
    'Service unavailable',
    `The service is briefly unavailable; please retry after ${defaultRetryAfterSeconds} seconds`,
    { cause },
  );

/** Answered with its own title and detail like a client error: it says only "retry later". */
export const isServiceUnavailable = (error: unknown): error is KontaktError =>
  error instanceof KontaktError && error.code === 'service-unavailable';

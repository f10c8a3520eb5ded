/** RFC 9457 problem responses: only client errors carry their message; a 5xx never leaks internals. */
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { KontaktError } from '../../domain/shared/errors.ts';

export type HttpResponse = APIGatewayProxyStructuredResultV2 & { statusCode: number; headers: Record<string, string> };

export const jsonResponse = (
  statusCode: number,
  body: unknown,
  headers: Record<string, string> = {},
): HttpResponse => ({
  statusCode,
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(body),
});

export const problemResponse = (error: KontaktError, instance?: string): HttpResponse => ({
  statusCode: error.status,
  headers: { ...error.headers, 'content-type': 'application/problem+json' },
  body: JSON.stringify({
    type: `/problems/${error.code}`,
    title: error.title,
    status: error.status,
    detail: error.message,
    ...(instance === undefined ? {} : { instance }),
    ...(error.errors === undefined ? {} : { errors: error.errors }),
    ...error.extra,
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

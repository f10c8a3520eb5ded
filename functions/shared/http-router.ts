/**
 * The router every HTTP function starts with: it dispatches on API Gateway's `routeKey`, carries the
 * correlation id, adds CORS to user routes and turns errors into problem+json. It holds no route's
 * code and no zod, so a cold start loads only this and the SDK clients; each route's code comes
 * with its first request (functions/shared/lazy-routes.ts). Decoding, validation and the caller's
 * user are the route's own (functions/shared/http.ts).
 */
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { initDeferred } from '../../domain/shared/deferred-init.ts';
import { forbidden } from '../../domain/shared/errors.ts';
import type { Role, User } from '../../domain/users/user.ts';
import { correlationHeader, correlationIdOf, lambdaKeys, withCorrelation } from './correlation.ts';
import { cameThroughEdge } from './edge.ts';
import { logger } from './logger.ts';
import {
  badCursor,
  type HttpResponse,
  internalErrorResponse,
  isClientError,
  isServiceUnavailable,
  jsonResponse,
  problemResponse,
  serviceUnavailable,
} from './problem.ts';

/** `public`: anyone; `user`: any Kontakt user; a role, or a list of roles: users holding one of them */
export type RouteAuth = 'public' | 'user' | Role | readonly Role[];

export type UserDirectory = { findUser: (id: string) => Promise<User | null> };

export type RouteHandler = ((
  event: APIGatewayProxyEventV2,
  users: UserDirectory,
  context?: Pick<Context, 'getRemainingTimeInMillis'>,
) => Promise<HttpResponse>) & {
  /** who may call it: the CORS of user routes is the stage's allowed origins' (public routes have their own) */
  auth?: RouteAuth;
};

/**
 * Routes whose code is loaded on demand: per route key, what loads its handler, once. Built by
 * `lazyRoutes` (functions/shared/lazy-routes.ts).
 */
export type LazyRoutes = { readonly load: Readonly<Record<string, () => Promise<RouteHandler>>> };

const isLazy = (routes: Record<string, RouteHandler> | LazyRoutes): routes is LazyRoutes =>
  typeof routes.load === 'object';

/**
 * The browser origins the stage lets call its user routes (`ALLOWED_ORIGINS`, comma-separated,
 * from the stage's `allowedOrigins`): exact origins such as `https://crm.example.com`.
 */
export const allowedOrigins = (): ReadonlySet<string> =>
  new Set(
    (process.env.ALLOWED_ORIGINS ?? '')
      .split(',')
      .map((o) => o.trim())
      .filter((o) => o !== ''),
  );

/** The request's Origin when the stage allows it, else null. */
export const allowedOriginOf = (headers: APIGatewayProxyEventV2['headers']): string | null => {
  const origin = Object.entries(headers ?? {}).find(([name]) => name.toLowerCase() === 'origin')?.[1];
  return origin && allowedOrigins().has(origin) ? origin : null;
};

/** What a browser of an allowed origin needs on an answer of a user route. */
export const corsHeaders = (origin: string): Record<string, string> => ({
  'access-control-allow-origin': origin,
  'access-control-expose-headers': 'location, retry-after, content-disposition, x-correlation-id',
  vary: 'Origin',
});

/**
 * Middy answers just before Lambda would kill the function: a request that ran out of time (a slow
 * dependency, several slow calls in a row) is a 503 with Retry-After, never a 500 — what it wrote
 * is complete or not written (transactions), and a retry with the same Idempotency-Key is answered once.
 */
/** An answer of a user route to an allowed browser origin carries the CORS headers the browser needs. */
const addUserRouteCors = (
  routes: ReadonlyMap<string, RouteHandler>,
  request: { event: APIGatewayProxyEventV2; response: HttpResponse | undefined | null },
): void => {
  const handle = routes.get(request.event.routeKey);
  if (!handle || handle.auth === 'public' || !request.response) return;
  const origin = allowedOriginOf(request.event.headers);
  if (!origin) return;
  request.response = { ...request.response, headers: { ...request.response.headers, ...corsHeaders(origin) } };
};

/**
 * Every request under one correlation id — the client's `X-Correlation-Id` when it sends an
 * acceptable one, else API Gateway's request id — answered in the same header, on every log line
 * (with the Lambda context and the request id) and on every message the request sends.
 */
const correlated =
  (handler: (event: APIGatewayProxyEventV2, context: Context) => Promise<HttpResponse>) =>
  (event: APIGatewayProxyEventV2, context: Context): Promise<HttpResponse> => {
    const requestId = event.requestContext?.requestId ?? context.awsRequestId;
    const correlationId = correlationIdOf(event.headers?.[correlationHeader], requestId);
    logger.addContext(context);
    return withCorrelation(
      correlationId,
      async () => {
        const response = await handler(event, context);
        // the route and status only: paths and bodies may hold personal data
        logger.debug('request answered', { route: event.routeKey, status: response.statusCode });
        return { ...response, headers: { ...response.headers, [correlationHeader]: correlationId } };
      },
      { api_request_id: requestId, ...lambdaKeys(context) },
    );
  };

const timeoutEarlyResponse = (): never => {
  throw serviceUnavailable(new Error('the function ran out of time'));
};

/**
 * A function's routes, dispatched on API Gateway's `routeKey` ("POST /v1/inbox"), wrapped in middy
 * with the error middleware that turns KontaktErrors into problem+json, a dependency outage into a
 * 503 with Retry-After, and hides everything else behind a 500. The routes are either the handlers
 * themselves or, per route key, what loads its handler with the route's first request.
 */
export const createHttpRouter =
  (isDependencyOutage: (error: unknown) => boolean) =>
  (routes: Record<string, RouteHandler> | LazyRoutes, users: UserDirectory) => {
    // the handlers loaded so far (all of them for a table of handlers): CORS reads a route's auth here
    const loaded = new Map<string, RouteHandler>(isLazy(routes) ? [] : Object.entries(routes));
    const serves = (routeKey: string): boolean =>
      loaded.has(routeKey) || (isLazy(routes) && Object.hasOwn(routes.load, routeKey));
    /** the handler of a route it serves, loaded with the route's first request */
    const handlerOf = async (routeKey: string): Promise<RouteHandler | undefined> => {
      const known = loaded.get(routeKey);
      if (known || !isLazy(routes)) return known;
      const handle = await routes.load[routeKey]?.();
      if (handle) loaded.set(routeKey, handle);
      return handle;
    };
    return correlated(
      middy<APIGatewayProxyEventV2, HttpResponse, Error, Context>({ timeoutEarlyInMillis: 500, timeoutEarlyResponse })
        // first in, so last out: it sees the answer the error handling below made of an error too
        .use({
          after: async (request) => addUserRouteCors(loaded, request),
          onError: async (request) => addUserRouteCors(loaded, request),
        })
        .use({
          onError: async (request) => {
            const error = badCursor(request.error) ?? request.error;
            if (isClientError(error)) {
              request.response = problemResponse(error, request.event.rawPath);
              return;
            }
            // A dependency that is down or throttling is not a bug: the client may retry (the embed script
            // does, with the same Idempotency-Key), and nothing was acknowledged that is not stored.
            if (isServiceUnavailable(error) || isDependencyOutage(error)) {
              logger.warn('a dependency is unavailable', { error, routeKey: request.event.routeKey });
              request.response = problemResponse(isServiceUnavailable(error) ? error : serviceUnavailable(error));
              return;
            }
            logger.error('request failed', { error, routeKey: request.event.routeKey });
            request.response = internalErrorResponse(request.event.requestContext?.requestId);
          },
        })
        .handler(async (event, context) => {
          if (!serves(event.routeKey)) return jsonResponse(404, { message: 'Not Found' });
          // served through the stage's edge: the API's own endpoint is closed to direct calls
          // (shared/edge.ts) — but for reads: websites embedded the script from the API's address
          // before the edge came, and the script it hands out posts to the edge. Refused before the
          // route's code loads: a request refused here runs none of it.
          const originSecret = process.env.ORIGIN_SECRET;
          const write = event.requestContext.http.method !== 'GET';
          if (originSecret && write && !cameThroughEdge(event.headers ?? {}, originSecret)) {
            throw forbidden('this route is served through the stage’s edge address only, not the API’s own endpoint');
          }
          const handle = await handlerOf(event.routeKey);
          if (!handle) return jsonResponse(404, { message: 'Not Found' });
          // what the function's modules deferred from their loading, loaded once (the phone numbering
          // plan): after the route's code, whose modules register it
          await initDeferred();
          return handle(event, users, context);
        }),
    );
  };

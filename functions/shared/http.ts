/**
 * The HTTP edge of every API function: middy wires body decoding, input validation, the caller's
 * user and role, and problem+json errors around a use case, so handlers stay a few lines.
 */
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import * as z from 'zod/mini';
import { initDeferred } from '../../domain/shared/deferred-init.ts';
import { forbidden, KontaktError, validationError } from '../../domain/shared/errors.ts';
import { hasAnyRole, type Role, type User } from '../../domain/users/user.ts';
import { correlationHeader, correlationIdOf, lambdaKeys, withCorrelation } from './correlation.ts';
import { badCursor } from './cursor.ts';
import { cameThroughEdge } from './edge.ts';
import { logger } from './logger.ts';
import {
  type HttpResponse,
  internalErrorResponse,
  isClientError,
  isServiceUnavailable,
  jsonResponse,
  problemResponse,
  serviceUnavailable,
} from './problem.ts';
import { inputProblems, parseInput, refuseHostileInput } from './validation.ts';

/** 1 MB unless a route says otherwise (API.md). */
export const defaultMaxBodyBytes = 1024 * 1024;

/** `json`; `form` (HTML form posts); `vcard`, a vCard file passed on as its bytes (`HttpRequest.bytes`) */
export type BodyKind = 'json' | 'form' | 'vcard';

/** The media type a client names for each kind of body (the first one is the one documented). */
export const bodyMediaTypes: Record<BodyKind, readonly string[]> = {
  json: ['application/json'],
  form: ['application/x-www-form-urlencoded'],
  // text/x-vcard and text/directory from older clients; octet-stream for a file of unknown charset,
  // which API Gateway then passes on untouched (base64) instead of as text
  vcard: ['text/vcard', 'text/x-vcard', 'text/directory', 'application/octet-stream'],
};

export type RouteSpec<B extends z.ZodMiniType, P extends z.ZodMiniType, Q extends z.ZodMiniType> = {
  /** one line for the OpenAPI description */
  summary: string;
  /** the success status and what it returns, for the OpenAPI description */
  responds?: { status: number; description: string; schema?: z.ZodMiniType; contentType?: string };
  /** `public`: anyone; `user`: any Kontakt user; a role, or a list of roles: users holding one of them */
  auth: 'public' | 'user' | Role | readonly Role[];
  /**
   * who calls it in bursts (the stage throttling of functions/shared/module.ts): `partner` routes
   * (Meta, agencies); `intake`, the public form submissions, limited per client and per form in the
   * function, so the route's own limit is only the API's last guard
   */
  audience?: 'partner' | 'intake';
  body?: B;
  /** content types the route takes; JSON only unless a route also takes HTML form posts */
  accepts?: readonly BodyKind[];
  maxBodyBytes?: number;
  path?: P;
  query?: Q;
  /**
   * How the edge judges the input's hygiene (control characters, reserved keys, numbers it cannot
   * store, nesting): for the whole request (the default; `multiLine: 'any'` where a form owner
   * names the fields, which the use case checks again once mapped), or `per-item` for a batch the
   * use case answers item by item (`inputProblems` on each), the edge then refusing only nesting.
   */
  hygiene?: { multiLine: 'any' } | 'per-item';
};

/** Any route's spec, for registries of routes (the OpenAPI description). */
export type AnyRouteSpec = RouteSpec<z.ZodMiniType, z.ZodMiniType, z.ZodMiniType>;

export type HttpRequest<B, P, Q> = {
  body: B;
  bodyKind: BodyKind | null;
  /** the body's bytes as sent, for a route that takes files (`accepts: ['vcard']`) */
  bytes?: Uint8Array | null;
  path: P;
  query: Q;
  user: User | null;
  headers: Record<string, string>;
  event: APIGatewayProxyEventV2;
  requestId: string;
  /** the invocation's time left, for a use case that works in steps (a file of cards) and stops in time */
  remainingMs?: () => number;
};

/**
 * `body` is sent as JSON; `rawBody` as it is (scripts, documents), with the route's own content
 * type; `rawBody` with `base64: true` is binary (a zip), base64-encoded as API Gateway carries it.
 */
export type HttpResult = {
  status: number;
  body?: unknown;
  rawBody?: string;
  base64?: boolean;
  headers?: Record<string, string>;
};

export type UserDirectory = { findUser: (id: string) => Promise<User | null> };

export type RouteHandler = ((
  event: APIGatewayProxyEventV2,
  users: UserDirectory,
  context?: Pick<Context, 'getRemainingTimeInMillis'>,
) => Promise<HttpResponse>) & {
  /** who may call it: the CORS of user routes is the stage's allowed origins' (public routes have their own) */
  auth?: RouteSpec<z.ZodMiniType, z.ZodMiniType, z.ZodMiniType>['auth'];
};

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

type Infer<S> = S extends z.ZodMiniType ? z.infer<S> : undefined;

const lowerCaseHeaders = (headers: APIGatewayProxyEventV2['headers']): Record<string, string> => {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) if (value !== undefined) out[name.toLowerCase()] = value;
  return out;
};

const bodyKindOf = (contentType: string | undefined): BodyKind | 'other' => {
  const type = contentType?.split(';')[0]?.trim().toLowerCase() ?? '';
  if (type === 'application/json' || type.endsWith('+json')) return 'json';
  for (const kind of ['form', 'vcard'] as const) if (bodyMediaTypes[kind].includes(type)) return kind;
  return 'other';
};

/** Form fields as posted; a repeated field keeps its last value (HTML forms send one per name). */
const decodeForm = (text: string): Record<string, string> => Object.fromEntries(new URLSearchParams(text));

const decodeBody = (
  event: APIGatewayProxyEventV2,
  headers: Record<string, string>,
  accepts: readonly BodyKind[],
  maxBytes: number,
): { kind: BodyKind | null; value: unknown } => {
  if (event.body === undefined || event.body === '') {
    return { kind: null, value: undefined };
  }
  const bytes = event.isBase64Encoded ? Buffer.from(event.body, 'base64') : Buffer.from(event.body, 'utf8');
  if (bytes.byteLength > maxBytes) {
    throw new KontaktError('payload-too-large', `The body exceeds ${maxBytes} bytes`);
  }
  const kind = bodyKindOf(headers['content-type']);
  if (kind === 'other' || !accepts.includes(kind)) {
    throw new KontaktError(
      'unsupported-media-type',
      `Content-Type must be ${accepts.flatMap((k) => bodyMediaTypes[k]).join(' or ')}`,
    );
  }
  if (kind === 'vcard') return { kind, value: new Uint8Array(bytes) };
  const text = bytes.toString('utf8');
  if (kind === 'form') return { kind, value: decodeForm(text) };
  try {
    return { kind, value: JSON.parse(text) };
  } catch {
    throw new KontaktError('validation-failed', 'The body is not valid JSON', {
      errors: [{ field: 'body', message: 'not valid JSON' }],
    });
  }
};

/** The claims API Gateway's JWT authorizer (or the local HTTP server) passed on. */
const JwtSubject = z.object({
  requestContext: z.object({
    authorizer: z.object({ jwt: z.object({ claims: z.object({ sub: z.string().check(z.minLength(1)) }) }) }),
  }),
});

const unauthorized = (): KontaktError => new KontaktError('unauthorized', 'A valid user token is required');

const resolveUser = async (
  auth: RouteSpec<z.ZodMiniType, z.ZodMiniType, z.ZodMiniType>['auth'],
  event: APIGatewayProxyEventV2,
  users: UserDirectory,
): Promise<User | null> => {
  if (auth === 'public') return null;
  const sub = JwtSubject.safeParse(event).data?.requestContext.authorizer.jwt.claims.sub;
  if (sub === undefined) throw unauthorized();
  const user = await users.findUser(sub);
  if (!user) {
    throw new KontaktError('unknown-user', 'The token is valid but belongs to no Kontakt user');
  }
  if (auth === 'user') return user;
  const wanted: readonly Role[] = typeof auth === 'string' ? [auth] : auth;
  if (!hasAnyRole(user, wanted)) {
    throw new KontaktError('forbidden', `This action needs the role ${wanted.join(' or the role ')}`);
  }
  return user;
};

const parsePart = (schema: z.ZodMiniType | undefined, value: unknown, root: string): unknown =>
  schema === undefined ? undefined : parseInput(schema, value, root);

/** The body's hygiene as the route asks for it, before its schema (or any hash) walks it. */
const checkBody = (spec: AnyRouteSpec, value: unknown): void => {
  if (spec.body === undefined) return;
  if (spec.hygiene === 'per-item') {
    const tooDeep = inputProblems(value, 'body', { structureOnly: true });
    if (tooDeep.length > 0) throw validationError(tooDeep);
    return;
  }
  refuseHostileInput(value, 'body', spec.hygiene === undefined ? {} : { multiLine: spec.hygiene.multiLine });
};

/** One route: decode, authorise, validate, run the use case, shape the answer. */
export const route = <
  B extends z.ZodMiniType = never,
  P extends z.ZodMiniType = never,
  Q extends z.ZodMiniType = never,
>(
  spec: RouteSpec<B, P, Q>,
  useCase: (request: HttpRequest<Infer<B>, Infer<P>, Infer<Q>>) => Promise<HttpResult>,
): RouteHandler => Object.assign(routeHandler(spec, useCase), { auth: spec.auth });

const routeHandler =
  <B extends z.ZodMiniType = never, P extends z.ZodMiniType = never, Q extends z.ZodMiniType = never>(
    spec: RouteSpec<B, P, Q>,
    useCase: (request: HttpRequest<Infer<B>, Infer<P>, Infer<Q>>) => Promise<HttpResult>,
  ): RouteHandler =>
  async (event, users, context) => {
    const headers = lowerCaseHeaders(event.headers);
    const user = await resolveUser(spec.auth, event, users);
    const decoded = decodeBody(event, headers, spec.accepts ?? ['json'], spec.maxBodyBytes ?? defaultMaxBodyBytes);
    checkBody(spec, decoded.value);
    if (spec.path) refuseHostileInput(event.pathParameters ?? {}, 'path');
    if (spec.query) refuseHostileInput(event.queryStringParameters ?? {}, 'query');
    const request = {
      body: parsePart(spec.body, decoded.value, 'body'),
      bodyKind: decoded.kind,
      bytes: decoded.value instanceof Uint8Array ? decoded.value : null,
      path: parsePart(spec.path, event.pathParameters ?? {}, 'path'),
      query: parsePart(spec.query, event.queryStringParameters ?? {}, 'query'),
      user,
      headers,
      event,
      requestId: event.requestContext.requestId,
      remainingMs: () => context?.getRemainingTimeInMillis() ?? Number.POSITIVE_INFINITY,
    };
    // Each part was parsed by its schema just above (or is undefined where the route has none),
    // which is exactly what Infer<> states; TypeScript cannot follow that through the generics.
    const result = await useCase(request as HttpRequest<Infer<B>, Infer<P>, Infer<Q>>);
    const contentHeaders: Record<string, string> =
      result.body === undefined ? {} : { 'content-type': 'application/json' };
    const body = result.rawBody ?? (result.body === undefined ? undefined : JSON.stringify(result.body));
    return {
      statusCode: result.status,
      headers: { ...contentHeaders, ...result.headers },
      ...(body === undefined ? {} : { body }),
      ...(result.base64 && result.rawBody !== undefined ? { isBase64Encoded: true } : {}),
    };
  };

/** The use case a route's spec calls for: the request its body, path and query schemas parse to. */
type Part<S, K extends 'body' | 'path' | 'query'> = S extends { readonly [P in K]: infer T } ? Infer<T> : undefined;
export type UseCaseOf<S> = (
  request: HttpRequest<Part<S, 'body'>, Part<S, 'path'>, Part<S, 'query'>>,
) => Promise<HttpResult>;

/**
 * A function's route table from its routes file: one use case for every route the file declares
 * (a route without one, or one the file does not declare, does not compile), so the keys and specs
 * are written once, in the routes file.
 */
export const routeTable = <R extends Record<string, AnyRouteSpec>>(
  routes: R,
  useCases: { [K in keyof R]: UseCaseOf<R[K]> },
): Record<string, RouteHandler> =>
  Object.fromEntries(
    Object.entries(routes).map(([key, spec]) => [
      key,
      // the mapped type above gives each use case exactly its spec's request; `route` cannot see that per key
      route(spec, useCases[key] as (request: HttpRequest<unknown, unknown, unknown>) => Promise<HttpResult>),
    ]),
  );

/**
 * A function's routes, dispatched on API Gateway's `routeKey` ("POST /v1/inbox"), wrapped in middy
 * with the error middleware that turns KontaktErrors into problem+json, a dependency outage into a
 * 503 with Retry-After, and hides everything else behind a 500.
 */
/**
 * Middy answers just before Lambda would kill the function: a request that ran out of time (a slow
 * dependency, several slow calls in a row) is a 503 with Retry-After, never a 500 — what it wrote
 * is complete or not written (transactions), and a retry with the same Idempotency-Key is answered once.
 */
/** An answer of a user route to an allowed browser origin carries the CORS headers the browser needs. */
const addUserRouteCors = (
  routes: Record<string, RouteHandler>,
  request: { event: APIGatewayProxyEventV2; response: HttpResponse | undefined | null },
): void => {
  const handle = routes[request.event.routeKey];
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

export const createHttpRouter =
  (isDependencyOutage: (error: unknown) => boolean) => (routes: Record<string, RouteHandler>, users: UserDirectory) =>
    correlated(
      middy<APIGatewayProxyEventV2, HttpResponse, Error, Context>({ timeoutEarlyInMillis: 500, timeoutEarlyResponse })
        // first in, so last out: it sees the answer the error handling below made of an error too
        .use({
          after: async (request) => addUserRouteCors(routes, request),
          onError: async (request) => addUserRouteCors(routes, request),
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
          const handle = routes[event.routeKey];
          if (!handle) return jsonResponse(404, { message: 'Not Found' });
          // served through the stage's edge: the API's own endpoint is closed to direct calls
          // (shared/edge.ts) — but for reads: websites embedded the script from the API's address
          // before the edge came, and the script it hands out posts to the edge
          const originSecret = process.env.ORIGIN_SECRET;
          const write = event.requestContext.http.method !== 'GET';
          if (originSecret && write && !cameThroughEdge(event.headers ?? {}, originSecret)) {
            throw forbidden('this route is served through the stage’s edge address only, not the API’s own endpoint');
          }
          // what the function's modules deferred from its cold start, loaded once (the phone numbering plan)
          await initDeferred();
          return handle(event, users, context);
        }),
    );

/**
 * The HTTP edge of every API route: body decoding, input validation and the caller's user and role
 * around a use case, so route tables stay a few lines. The router that dispatches to the routes and
 * answers errors as problem+json is functions/shared/http-router.ts.
 */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import * as z from 'zod/mini';
import { KontaktError, validationError } from '../../domain/shared/errors.ts';
import { hasAnyRole, type Role, type User } from '../../domain/users/user.ts';
import type { RouteAuth, RouteHandler, UserDirectory } from './http-router.ts';
import { inputProblems, parseInput, refuseHostileInput } from './validation.ts';

export {
  allowedOriginOf,
  allowedOrigins,
  corsHeaders,
  createHttpRouter,
  type RouteHandler,
  type UserDirectory,
} from './http-router.ts';

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
  auth: RouteAuth;
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
): Record<keyof R & string, RouteHandler> =>
  Object.fromEntries(
    Object.entries(routes).map(([key, spec]) => [
      key,
      // the mapped type above gives each use case exactly its spec's request; `route` cannot see that per key
      route(spec, useCases[key] as (request: HttpRequest<unknown, unknown, unknown>) => Promise<HttpResult>),
    ]),
  ) as Record<keyof R & string, RouteHandler>;

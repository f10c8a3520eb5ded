/**
 * The local API Gateway HTTP API: matches the manifest's routes, checks user tokens as the JWT
 * authorizer does, throttles per route, turns requests into payload-2.0 events for the same
 * handlers, and answers its own rejections with API Gateway's fixed `{"message": ...}` bodies.
 */

import { isUtf8 } from 'node:buffer';
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import * as z from 'zod/mini';
import { createRateLimiter } from '../../functions/shared/rate-limit.ts';
import { type FunctionName, functionEntries, type Route, routeKey } from '../manifest.ts';
import { bearerToken, claimsAsApiGatewayPassesThem, type DevKeys } from './dev-auth.ts';
import { type FunctionHost, FunctionTimeoutError } from './function-host.ts';

/** API Gateway's own payload limit for HTTP APIs. */
const maxPayloadBytes = 10 * 1024 * 1024;

type CompiledRoute = { route: Route; functionName: FunctionName; pattern: RegExp; params: string[]; key: string };

const compile = (route: Route, functionName: FunctionName): CompiledRoute => {
  const params: string[] = [];
  const source = route.path
    .split('/')
    .map((segment) => {
      const param = /^\{(\w+)(\+?)\}$/.exec(segment);
      if (!param?.[1]) return segment.replace(/[.*+?^$()|[\]\\]/g, '\\$&');
      params.push(param[1]);
      return param[2] === '+' ? '(.+)' : '([^/]+)';
    })
    .join('/');
  return { route, functionName, pattern: new RegExp(`^${source}$`), params, key: routeKey(route) };
};

/** Bodies API Gateway passes as text; everything else (form posts included) arrives base64-encoded. */
const isTextual = (contentType: string | undefined): boolean => {
  const type = contentType?.split(';')[0]?.trim().toLowerCase() ?? '';
  return (
    type === 'application/json' || type.endsWith('+json') || type.startsWith('text/') || type === 'application/xml'
  );
};

const Response = z.object({
  statusCode: z.number(),
  headers: z.optional(z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]))),
  body: z.optional(z.string()),
  isBase64Encoded: z.optional(z.boolean()),
  cookies: z.optional(z.array(z.string())),
});

const send = (
  res: ServerResponse,
  status: number,
  headers: Record<string, string | string[]>,
  body?: Buffer | string,
) => {
  res.writeHead(status, { 'apigw-requestid': randomUUID(), ...headers });
  res.end(body);
};

const gatewayMessage = (res: ServerResponse, status: number, message: string, extra: Record<string, string> = {}) =>
  send(res, status, { 'content-type': 'application/json', ...extra }, JSON.stringify({ message }));

const readBody = async (req: IncomingMessage): Promise<Buffer | null> => {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buffer.length;
    if (size > maxPayloadBytes) return null;
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
};

/** Each `{param}` of a matched path, percent-decoded; null when a segment is not valid percent-encoding. */
const decodePathParameters = (params: readonly string[], match: RegExpExecArray): Record<string, string> | null => {
  try {
    return Object.fromEntries(params.map((name, i) => [name, decodeURIComponent(match[i + 1] ?? '')]));
  } catch (error) {
    if (error instanceof URIError) return null;
    throw error;
  }
};

/** Lambda's limit on a synchronous invocation's answer (6 MB), which the local edge keeps as AWS does. */
export const lambdaResponseLimitBytes = 6 * 1024 * 1024;

export type HttpApiOptions = {
  host: FunctionHost;
  keys: DevKeys;
  port: number;
  hostname: string;
  /** false only for capacity benchmarks, which must measure the stack and not the stage's limits */
  throttle: boolean;
};

export const startHttpApi = async (options: HttpApiOptions): Promise<{ server: Server; url: string }> => {
  // as API Gateway chooses: a route with a greedy path variable ({proxy+}) only when none more specific matches
  const routes = functionEntries()
    .flatMap(([name, spec]) => (spec.routes ?? []).map((r) => compile(r, name)))
    .sort((a, b) => Number(a.route.path.includes('+}')) - Number(b.route.path.includes('+}')));
  // a token bucket per route, like the stage's route throttling settings
  const throttles = new Map(
    routes.map((r) => [
      r.key,
      r.route.throttle && options.throttle
        ? createRateLimiter({ perSecond: r.route.throttle.rateLimit, burst: r.route.throttle.burstLimit })
        : null,
    ]),
  );

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const method = (req.method ?? 'GET').toUpperCase();
    const path = url.pathname;
    let matched: { compiled: CompiledRoute; match: RegExpExecArray } | null = null;
    for (const compiled of routes) {
      const match = compiled.route.method === method ? compiled.pattern.exec(path) : null;
      if (match) {
        matched = { compiled, match };
        break;
      }
    }
    if (!matched) return gatewayMessage(res, 404, 'Not Found');
    const { compiled, match } = matched;
    // A path that is not valid percent-encoding (`%E0%A4%A`, `%zz`) is malformed: refused by the
    // gateway with its fixed 400 body before anything else, never a function's 500.
    const pathParameters = decodePathParameters(compiled.params, match);
    if (pathParameters === null) return gatewayMessage(res, 400, 'Bad Request');

    if (throttles.get(compiled.key)?.take(compiled.key).allowed === false) {
      return gatewayMessage(res, 429, 'Too Many Requests');
    }

    let claims: Record<string, string> | null = null;
    if (compiled.route.auth === 'user') {
      const token = bearerToken(req.headers.authorization);
      if (!token) return gatewayMessage(res, 401, 'Unauthorized', { 'www-authenticate': 'Bearer' });
      try {
        claims = claimsAsApiGatewayPassesThem(await options.keys.verify(token));
      } catch {
        return gatewayMessage(res, 401, 'Unauthorized', {
          'www-authenticate': 'Bearer error="invalid_token" error_description="the token is invalid or expired"',
        });
      }
    }

    const body = await readBody(req);
    if (body === null) return gatewayMessage(res, 413, 'Request Entity Too Large');

    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (name === 'cookie' || value === undefined) continue;
      headers[name] = Array.isArray(value) ? value.join(',') : value;
    }
    // as API Gateway adds them (there: https and the client's address)
    headers['x-forwarded-proto'] = 'http';
    headers['x-forwarded-for'] = req.socket.remoteAddress ?? '127.0.0.1';
    headers['x-forwarded-port'] = String(options.port);
    const query: Record<string, string> = {};
    for (const [name, value] of url.searchParams)
      query[name] = query[name] === undefined ? value : `${query[name]},${value}`;
    // a text body that is not UTF-8 (a Windows-1252 vCard) travels base64-encoded, so no byte is lost
    const textual = isTextual(req.headers['content-type']) && isUtf8(body);
    const now = new Date();
    const event: APIGatewayProxyEventV2 = {
      version: '2.0',
      routeKey: compiled.key,
      rawPath: path,
      rawQueryString: url.search.slice(1),
      ...(req.headers.cookie ? { cookies: req.headers.cookie.split(/;\s*/) } : {}),
      headers,
      ...(url.searchParams.size > 0 ? { queryStringParameters: query } : {}),
      ...(compiled.params.length > 0 ? { pathParameters } : {}),
      requestContext: {
        accountId: '000000000000',
        apiId: 'local',
        domainName: headers.host ?? `127.0.0.1:${options.port}`,
        domainPrefix: 'local',
        http: {
          method,
          path,
          protocol: `HTTP/${req.httpVersion}`,
          sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
          userAgent: headers['user-agent'] ?? '',
        },
        requestId: randomUUID(),
        routeKey: compiled.key,
        stage: '$default',
        time: now.toUTCString(),
        timeEpoch: now.getTime(),
        ...(claims ? { authorizer: { jwt: { claims, scopes: null } } } : {}),
      },
      ...(body.length > 0 ? { body: textual ? body.toString('utf8') : body.toString('base64') } : {}),
      isBase64Encoded: body.length > 0 && !textual,
    };

    let result: unknown;
    try {
      result = await options.host.invoke(compiled.functionName, event);
    } catch (error) {
      if (error instanceof FunctionTimeoutError) return gatewayMessage(res, 503, 'Service Unavailable');
      console.error(`[http] ${compiled.functionName} failed:`, error);
      return gatewayMessage(res, 500, 'Internal Server Error');
    }
    // Lambda refuses a synchronous answer over 6 MB, and API Gateway then answers 500 itself
    if (Buffer.byteLength(JSON.stringify(result ?? null)) > lambdaResponseLimitBytes) {
      console.error(`[http] ${compiled.functionName} answered more than Lambda's 6 MB; API Gateway answers 500`);
      return gatewayMessage(res, 500, 'Internal Server Error');
    }
    // Payload 2.0: a structured answer is used as is; anything else is sent as a JSON 200.
    const parsed = Response.safeParse(result);
    if (!parsed.success) {
      return send(res, 200, { 'content-type': 'application/json' }, JSON.stringify(result ?? null));
    }
    const out = parsed.data;
    const outHeaders: Record<string, string | string[]> = Object.fromEntries(
      Object.entries(out.headers ?? {}).map(([k, v]) => [k, String(v)]),
    );
    if (out.cookies?.length) outHeaders['set-cookie'] = out.cookies;
    const payload = out.body === undefined ? undefined : Buffer.from(out.body, out.isBase64Encoded ? 'base64' : 'utf8');
    send(res, out.statusCode, outHeaders, payload);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      console.error('[http] request failed:', error);
      if (!res.headersSent) gatewayMessage(res, 500, 'Internal Server Error');
      else res.end();
    });
  });
  await new Promise<void>((done, fail) => {
    server.once('error', fail);
    server.listen(options.port, options.hostname, () => done());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  return { server, url: `http://${options.hostname}:${port}` };
};

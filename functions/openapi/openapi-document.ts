/** Builds the OpenAPI 3.1 document from every route's contract and the zod schemas that validate each request. */
import * as z from 'zod/mini';
import { type AnyRouteSpec, bodyMediaTypes } from '../shared/http.ts';

type JsonSchema = Record<string, unknown>;

const jsonSchema = (schema: z.ZodMiniType): JsonSchema => {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });
  return rest;
};

const problem: JsonSchema = {
  type: 'object',
  required: ['type', 'title', 'status', 'detail'],
  properties: {
    type: { type: 'string', examples: ['/problems/validation-failed'] },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    instance: { type: 'string' },
    errors: {
      type: 'array',
      items: { type: 'object', properties: { field: { type: 'string' }, message: { type: 'string' } } },
    },
  },
};

const problemResponse = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
});

const gatewayResponse = (description: string) => ({
  description: `${description} (API Gateway's own answer)`,
  content: { 'application/json': { schema: { type: 'object', properties: { message: { type: 'string' } } } } },
});

const parameters = (schema: z.ZodMiniType | undefined, where: 'path' | 'query') => {
  if (!schema) return [];
  const object = jsonSchema(schema);
  const properties = (object.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((object.required ?? []) as string[]);
  return Object.entries(properties).map(([name, s]) => ({
    name,
    in: where,
    required: where === 'path' || required.has(name),
    schema: s,
  }));
};

const operation = (key: string, spec: AnyRouteSpec) => {
  const [method = 'get', ...pathParts] = key.split(' ');
  const accepts = spec.accepts ?? ['json'];
  const body =
    spec.body || accepts.includes('vcard')
      ? {
          requestBody: {
            required: true,
            content: Object.fromEntries(
              accepts.map((kind) => [
                bodyMediaTypes[kind][0],
                {
                  schema:
                    kind === 'vcard' ? { type: 'string', format: 'binary' } : jsonSchema(spec.body as z.ZodMiniType),
                },
              ]),
            ),
          },
        }
      : {};
  const ok = spec.responds ?? { status: 200, description: 'OK' };
  const okContent =
    ok.status === 204 || ok.status === 303
      ? {}
      : {
          content: {
            [ok.contentType ?? 'application/json']: { schema: ok.schema ? jsonSchema(ok.schema) : {} },
          },
        };
  const responses: Record<string, unknown> = {
    [String(ok.status)]: { description: ok.description, ...okContent },
    '400': problemResponse('malformed or invalid input; `errors` names every bad field'),
    '404': problemResponse('unknown record'),
    '429': gatewayResponse('throttled'),
    '500': problemResponse('internal error (no internals in the body)'),
    '503': problemResponse(
      'a dependency is briefly unavailable: retry after `Retry-After` seconds (same Idempotency-Key)',
    ),
  };
  if (spec.auth !== 'public') {
    responses['401'] = gatewayResponse('no or bad token');
    responses['403'] = problemResponse('the caller is no Kontakt user, or lacks the role');
  }
  if (spec.body) {
    responses['409'] = problemResponse('conflict: state, stale version or duplicate');
    responses['413'] = problemResponse('body over 1 MB');
    responses['415'] = problemResponse('unsupported content type');
    responses['422'] = problemResponse('well-formed input that breaks a rule (unknown user, value not on its list)');
  }
  return {
    path: pathParts.join(' '),
    method: method.toLowerCase(),
    value: {
      operationId: key.replace(/[^A-Za-z0-9]+/g, '_').replace(/^_|_$/g, ''),
      summary: spec.summary,
      ...(spec.auth === 'public' ? { security: [] } : { security: [{ userToken: [] }] }),
      ...(spec.auth === 'public' || spec.auth === 'user'
        ? {}
        : { 'x-kontakt-role': typeof spec.auth === 'string' ? spec.auth : spec.auth.join(' | ') }),
      parameters: [...parameters(spec.path, 'path'), ...parameters(spec.query, 'query')],
      ...body,
      responses,
    },
  };
};

export const buildOpenApiDocument = (routes: Record<string, AnyRouteSpec>) => {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const [key, spec] of Object.entries(routes)) {
    const op = operation(key, spec);
    paths[op.path] = { ...paths[op.path], [op.method]: op.value };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Kontakt CRM API',
      version: '1',
      description: 'Inbound leads, duplicate protection, opportunities and Smart BCC. Errors are RFC 9457 problems.',
    },
    servers: [{ url: '/' }],
    security: [{ userToken: [] }],
    components: {
      securitySchemes: { userToken: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      schemas: { Problem: problem },
    },
    paths,
  };
};

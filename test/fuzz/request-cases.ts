/**
 * Whole requests for one route of the OpenAPI description: path parameters, query and body drawn
 * from the route's own schemas (known record ids where the stack has them), then made hostile.
 */
import fc from 'fast-check';
import * as z from 'zod/mini';
import { formEncode, isObject, type Json, pathsOf, RawJson, serialize, updateAt } from './json-tree.ts';
import {
  hostileText,
  type IdPool,
  type Mutation,
  mutationArbitrary,
  type Schema,
  validArbitrary,
} from './schema-arbitraries.ts';

const SchemaObject = z.record(z.string(), z.unknown());
const Parameter = z.object({
  name: z.string(),
  in: z.enum(['path', 'query']),
  required: z.boolean(),
  schema: SchemaObject,
});
const Operation = z.object({
  parameters: z.array(Parameter),
  requestBody: z.optional(z.object({ content: z.record(z.string(), z.object({ schema: SchemaObject })) })),
  security: z.optional(z.array(z.unknown())),
  'x-kontakt-role': z.optional(z.string()),
});
export const OpenApiDocument = z.object({ paths: z.record(z.string(), z.record(z.string(), Operation)) });

export type Route = {
  key: string;
  method: string;
  path: string;
  operation: z.infer<typeof Operation>;
};

export const routesOf = (document: z.infer<typeof OpenApiDocument>): Route[] =>
  Object.entries(document.paths).flatMap(([path, operations]) =>
    Object.entries(operations).map(([method, operation]) => ({
      key: `${method.toUpperCase()} ${path}`,
      method: method.toUpperCase(),
      path,
      operation,
    })),
  );

export type Auth = 'admin' | 'sales' | 'agency' | 'none' | 'forged';

export type FuzzCase = {
  /** the part of the request that is hostile */
  hostility: string;
  auth: Auth;
  /** each path parameter as it goes into the URL: encoded, or raw (malformed percent-encoding) */
  path: Record<string, { text: string; raw: boolean }>;
  query: { name: string; value: string; raw: boolean }[];
  body: { contentType: string | null; text: string } | null;
  headers: Record<string, string>;
  /** signs a Facebook delivery with the app secret (the only way past its signature check) */
  signFacebook: boolean;
};

/**
 * Text for a URL: a lone surrogate cannot be percent-encoded (it goes as its replacement
 * character), and a few hundred characters are enough, since a request head beyond 16 KB is
 * refused by the HTTP server itself (431) before any route is found.
 */
const urlText = (value: Json): string => {
  const text = typeof value === 'string' ? value : value instanceof RawJson ? value.text : serialize(value);
  return text.toWellFormed().slice(0, 400).toWellFormed();
};

const malformedEscapes = ['%E0%A4%A', '%zz', '%', 'a%2', '%C0%AF', '%ED%A0%80', '%FF'];

const forgedCursor = (value: unknown): string => Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
const forgedCursors = fc.constantFrom(
  forgedCursor({ pk: 'INBOX#x', sk: 'INBOX', ttl: '1' }),
  forgedCursor({ pk: 'x', sk: 'y', gsi1pk: 'INBOX#STATUS#new', gsi1sk: 'z', extra: 'x' }),
  forgedCursor({}),
  forgedCursor({ pk: 1, sk: 2 }),
  forgedCursor(['pk', 'sk']),
  forgedCursor('pk'),
  forgedCursor({ pk: { S: 'x' }, sk: { S: 'y' } }),
  Buffer.from('{"__proto__":{"pk":"x"},"pk":"a","sk":"b"}', 'utf8').toString('base64url'),
  forgedCursor({ pk: 'USERS', sk: 'x', gsi4pk: 'INBOX', gsi4sk: '9999' }),
  // a sharded list's cursor: another list's, with more in it, or not text
  forgedCursor({ list: 'USERS', after: '9999' }),
  forgedCursor({ list: 'INBOX', after: 'x', extra: 'x' }),
  forgedCursor({ list: 'EMAILS', after: 1 }),
  forgedCursor({ list: 'INBOX', after: '' }),
  'not a cursor!',
  'A'.repeat(3000),
  '',
);

const hostileQueryValue = (name: string): fc.Arbitrary<{ value: string; raw: boolean }> => {
  const text = (arb: fc.Arbitrary<string>) => arb.map((value) => ({ value, raw: false }));
  const specific: fc.Arbitrary<string>[] = [];
  if (name === 'limit')
    specific.push(fc.constantFrom('0', '101', '-1', '1e2', '1.5', 'abc', '', '9'.repeat(40), '0x10'));
  if (name === 'cursor') specific.push(forgedCursors.map((cursor) => cursor.slice(0, 2500)));
  if (name === 'q')
    specific.push(fc.constantFrom('--', '€€', '😀', 'a', '   ', '-- ..', '\u0301\u0301', 'x'.repeat(101)));
  if (/From$|To$|Date$|^from$|^to$/.test(name)) {
    specific.push(fc.constantFrom('2023-02-30', '0001-01-01', '9999-12-31', '2023-02-28T25:00Z', '2026-13-01', 'x'));
  }
  return fc.oneof(
    ...specific.map((arbitrary) => ({ weight: 4, arbitrary: text(arbitrary) })),
    { weight: 2, arbitrary: hostileText.map((value) => ({ value: urlText(value), raw: false })) },
    { weight: 1, arbitrary: fc.constantFrom(...malformedEscapes).map((value) => ({ value, raw: true })) },
  );
};

const applyMutation = (value: Json, mutation: Mutation): Json => {
  const paths = pathsOf(value);
  const at = paths[mutation.at % paths.length] ?? [];
  switch (mutation.kind) {
    case 'replace':
      return updateAt(value, at, () => mutation.value) ?? value;
    case 'add-key': {
      const target = updateAt(value, at, (node) =>
        isObject(node) ? new Map([...node, [mutation.key, mutation.value]]) : node,
      );
      // the path was no object: put the key on the body itself when it is one
      if (target !== undefined && serialize(target) !== serialize(value)) return target;
      return isObject(value) ? new Map([...value, [mutation.key, mutation.value]]) : value;
    }
    case 'remove':
      return at.length === 0 ? value : (updateAt(value, at, () => undefined) ?? value);
  }
};

/** Bodies that break the request as a whole rather than one field. */
const wholeBodyHostility = (accepts: string[]): fc.Arbitrary<{ contentType: string | null; text: string }> => {
  const json = accepts.includes('application/json') ? 'application/json' : (accepts[0] ?? 'application/json');
  return fc.oneof(
    fc.constantFrom(
      { contentType: json, text: '{"a":' },
      { contentType: json, text: '' },
      { contentType: json, text: 'null' },
      { contentType: json, text: '[]' },
      { contentType: json, text: '"x"' },
      { contentType: json, text: '1e400' },
      { contentType: json, text: '{"a":1,"a":2}' },
      { contentType: json, text: '\ufeff{}' },
      { contentType: 'text/plain', text: 'hello' },
      { contentType: 'application/xml', text: '<a/>' },
      { contentType: null, text: '{}' },
      { contentType: 'application/json; charset=latin1', text: '{"x":"\u00e4"}' },
    ),
    fc.constantFrom(
      { contentType: json, text: serialize(new RawJson(`${'['.repeat(10_000)}${']'.repeat(10_000)}`)) },
      { contentType: json, text: `{"a":"${'x'.repeat(1_100_000)}"}` },
    ),
    fc.constant({ contentType: 'application/x-www-form-urlencoded', text: 'a=1&a=2&constructor=x&=y&%zz=1' }),
  );
};

export type CaseOptions = {
  /** ids the stack holds, by the name of the field or parameter that refers to them */
  pool: IdPool;
  /** path parameter values per route prefix (`/v1/inbox/{id}` → inbox entry ids) */
  pathPool: (route: Route, name: string) => readonly string[];
};

/** Where a case is hostile; the rest of it is drawn valid, so the hostile part reaches the rule that must refuse it. */
export type Hostility = 'none' | 'auth' | 'path' | 'query' | 'body' | 'whole-body';

export const caseArbitrary = (route: Route, options: CaseOptions): fc.Arbitrary<FuzzCase> => {
  const { operation } = route;
  const isPublic = operation.security?.length === 0;
  const isAgency = route.key === 'POST /v1/agency/leads';
  const validAuth: fc.Arbitrary<Auth> = isAgency
    ? fc.constant('agency')
    : isPublic
      ? fc.constantFrom<Auth>('none', 'none', 'admin')
      : fc.constantFrom<Auth>('admin', 'admin', 'sales');
  const hostileAuth = fc.constantFrom<Auth>('none', 'forged', ...(isPublic && !isAgency ? (['sales'] as const) : []));

  const pathParameters = operation.parameters.filter((p) => p.in === 'path');
  const validPathValue = (name: string) =>
    fc.constantFrom(...[...options.pathPool(route, name), 'nosuchrecord01']).map((text) => ({ text, raw: false }));
  const hostilePathValue = fc.oneof(
    { weight: 3, arbitrary: hostileText.map((value) => ({ text: urlText(value) || 'x', raw: false })) },
    { weight: 1, arbitrary: fc.constantFrom(...malformedEscapes).map((text) => ({ text, raw: true })) },
  );
  const path = (hostile: boolean) =>
    fc
      .tuple(fc.nat(), ...pathParameters.map((p) => fc.tuple(validPathValue(p.name), hostilePathValue)))
      .map(([pick, ...values]) =>
        values.map(([valid, bad], i) => (hostile && i === pick % values.length ? bad : valid)),
      );

  const queryParameters = operation.parameters.filter((p) => p.in === 'query');
  const validQueryValue = (p: (typeof queryParameters)[number]) =>
    validArbitrary(p.schema, options.pool, p.name).map((value) => ({ value: urlText(value), raw: false }));
  const query = (hostile: boolean) =>
    fc
      .tuple(
        fc.nat(),
        fc.option(fc.constantFrom('unknownParam', 'limit', '__proto__', ''), { nil: null, freq: 3 }),
        ...queryParameters.map((p) =>
          fc.tuple(fc.option(validQueryValue(p), { nil: null, freq: 2 }), hostileQueryValue(p.name)),
        ),
      )
      .map(([pick, extra, ...values]) => {
        const target = values.length === 0 ? -1 : pick % values.length;
        const chosen = values.flatMap(([valid, bad], i) => {
          const name = queryParameters[i]?.name ?? 'x';
          if (hostile && i === target) return [{ name, ...bad }];
          return valid === null ? [] : [{ name, ...valid }];
        });
        // an unknown or repeated parameter is the hostile part when the route takes none of its own
        return hostile && extra !== null && (target === -1 || pick % 3 === 0)
          ? [...chosen, { name: extra, value: '1', raw: false }]
          : chosen;
      });

  const content = operation.requestBody?.content ?? {};
  const accepts = Object.keys(content);
  const bodySchema = Object.values(content)[0]?.schema ?? null;
  const encode = (value: Json, contentType: string) => ({
    contentType,
    text: contentType === 'application/x-www-form-urlencoded' ? formEncode(value) : serialize(value),
  });
  const body = (hostility: Hostility): fc.Arbitrary<FuzzCase['body']> => {
    if (bodySchema === null) {
      return hostility === 'whole-body'
        ? fc.constant({ contentType: 'application/json', text: '{"unexpected":true}' })
        : fc.constant(null);
    }
    if (hostility === 'whole-body') return wholeBodyHostility(accepts);
    const mutations =
      hostility === 'body' ? fc.array(mutationArbitrary, { minLength: 1, maxLength: 2 }) : fc.constant([]);
    return fc
      .tuple(validArbitrary(bodySchema, options.pool), mutations, fc.constantFrom(...accepts))
      .map(([valid, changes, contentType]) => encode(changes.reduce(applyMutation, valid), contentType));
  };

  const headers = fc.record(
    {
      'idempotency-key': fc.oneof(
        { weight: 4, arbitrary: fc.uuid() },
        { weight: 1, arbitrary: fc.constantFrom('', 'x'.repeat(300), 'key with spaces', 'ä-key') },
      ),
      origin: fc.constantFrom('https://www.shop.example', 'http://127.0.0.1:3000', 'null', 'https://evil.example'),
    },
    { requiredKeys: [] },
  );

  const hostility = fc.constantFrom<Hostility>(
    'none',
    'auth',
    ...(pathParameters.length > 0 ? (['path', 'path'] as const) : []),
    ...(queryParameters.length > 0 ? (['query', 'query', 'query'] as const) : ['query' as const]),
    ...(bodySchema !== null ? (['body', 'body', 'body', 'body'] as const) : []),
    'whole-body',
  );

  return hostility.chain((kind) =>
    fc
      .record({
        auth: kind === 'auth' ? hostileAuth : validAuth,
        path: path(kind === 'path'),
        query: query(kind === 'query'),
        body: body(kind),
        headers,
        signFacebook: fc.boolean(),
      })
      .map(({ auth, path: values, query: params, body: requestBody, headers: extra, signFacebook }) => ({
        hostility: kind,
        auth,
        path: Object.fromEntries(pathParameters.map((p, i) => [p.name, values[i] ?? { text: 'x', raw: false }])),
        query: params,
        body: requestBody,
        headers: extra,
        signFacebook: signFacebook || kind !== 'auth',
      })),
  );
};

/** The URL of a case: path parameters encoded (or raw when they are the malformed kind), the query appended. */
export const urlOf = (baseUrl: string, route: Route, fuzzCase: FuzzCase): string => {
  const path = route.path.replace(/\{(\w+)\}/g, (_, name: string) => {
    const param = fuzzCase.path[name];
    if (!param) return 'x';
    return param.raw ? param.text : encodeURIComponent(param.text);
  });
  const query = fuzzCase.query
    .map(({ name, value, raw }) => `${encodeURIComponent(name)}=${raw ? value : encodeURIComponent(value)}`)
    .join('&');
  return `${baseUrl}${path}${query ? `?${query}` : ''}`;
};

/** Whether the case carries a percent-encoding no decoder accepts (the gateway answers those itself). */
export const hasMalformedPath = (fuzzCase: FuzzCase): boolean => Object.values(fuzzCase.path).some((p) => p.raw);

export type { Schema };

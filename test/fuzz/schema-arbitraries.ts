/**
 * fast-check arbitraries derived from a route's own JSON schemas (as `GET /v1/openapi.json`
 * publishes them): values that pass the schema, so requests get past the first check, and hostile
 * values of every kind the issue lists, planted at random places in them.
 */
import fc from 'fast-check';
import { deeplyNested, type Json, type JsonObject, RawJson } from './json-tree.ts';

/** A JSON schema node, read defensively: it comes from the running stack. */
export type Schema = { readonly [key: string]: unknown };

const isSchema = (value: unknown): value is Schema =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export const schemaAt = (schema: Schema, key: string): Schema | undefined => {
  const value = schema[key];
  return isSchema(value) ? value : undefined;
};
const numberAt = (schema: Schema, key: string): number | undefined => {
  const value = schema[key];
  return typeof value === 'number' ? value : undefined;
};
const stringAt = (schema: Schema, key: string): string | undefined => {
  const value = schema[key];
  return typeof value === 'string' ? value : undefined;
};
const schemasAt = (schema: Schema, key: string): Schema[] => {
  const value = schema[key];
  return Array.isArray(value) ? value.filter(isSchema) : [];
};
const propertiesOf = (schema: Schema): [string, Schema][] =>
  Object.entries(schemaAt(schema, 'properties') ?? {}).filter((entry): entry is [string, Schema] => isSchema(entry[1]));
const requiredOf = (schema: Schema): Set<string> => {
  const value = schema.required;
  return new Set(Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []);
};
const primitivesAt = (schema: Schema, key: string): (string | number | boolean | null)[] => {
  const value = schema[key];
  return Array.isArray(value)
    ? value.filter(
        (v): v is string | number | boolean | null =>
          v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean',
      )
    : [];
};

/** Values a schema cannot tell apart from noise (a cursor, a page size): drawn from the pool only when valid. */
const poolOnly = new Set(['cursor', 'limit', 'q']);

/** Record ids the stack holds, by the name of the field or parameter that refers to them. */
export type IdPool = Record<string, readonly string[]>;

// Hostile values ------------------------------------------------------------------------------

const controlTexts = [
  'Mu\u0000ller',
  'Ma\u0007x',
  '\u001b[31mrot\u001b[0m',
  'K\u007föln',
  'K\u0085öln',
  'gpj.\u202eexe',
  'a\u2066b\u2069',
  'line\nbreak',
  'tab\there',
  '\r\n',
];
const unicodeTexts = [
  'Jürgen Müller-Lüdenscheidt',
  '😀'.repeat(50),
  'e\u0301\u0301\u0301\u0301',
  'مرحبا بالعالم',
  '\u200b\u200c\u200d',
  '\ufeffBOM',
  '𝔘𝔫𝔦𝔠𝔬𝔡𝔢',
  'ß'.repeat(120),
  '\u2028\u2029',
];
const oddTexts = [
  '',
  ' ',
  '   \t ',
  'null',
  'undefined',
  '../../etc/passwd',
  '<script>alert(1)</script>',
  'javascript:alert(1)',
  'data:text/html,<b>x</b>',
  '%00',
  "' OR 1=1 --",
  ['$', '{jndi:ldap://x}'].join(''),
  '__proto__',
  'constructor',
  '--',
  '€€',
  '😀',
  'a',
  'OPP-1',
  'INBOX#x',
  '#',
  '\\',
];
const badDates = [
  '2023-02-30',
  '2023-02-29',
  '2023-13-01',
  '2023-00-10',
  '0001-01-01',
  '9999-12-31',
  '1899-12-31',
  '2023-02-28T25:00:00Z',
  '2023-02-30T10:00:00Z',
  '2024-02-29T23:59:60Z',
  '2023-02-28T10:00:00+25:00',
  '0001-01-01T00:00:00Z',
  '20230101',
  '2023-1-1',
  'tomorrow',
];
const extremeNumbers: Json[] = [
  0,
  -1,
  -0.01,
  0.001,
  0.1 + 0.2,
  1e-7,
  101,
  Number.MAX_SAFE_INTEGER,
  Number.MAX_SAFE_INTEGER + 2,
  -Number.MAX_SAFE_INTEGER - 2,
  2 ** 31,
  new RawJson('1e200'),
  new RawJson('-1e200'),
  new RawJson('1e-200'),
  new RawJson('1e400'),
  new RawJson('-0'),
  new RawJson('123456789012345678901234567890123456789012'),
  new RawJson('0.123456789012345678901234567890123456789012'),
];
/** Keys no field may have; JSON can carry them all. */
export const reservedKeys = ['__proto__', 'constructor', 'prototype', '', 'toString', 'hasOwnProperty', 'a\u0000b'];

const hugeText = fc.constantFrom('x'.repeat(10_001), 'Ä'.repeat(2_000), '😀'.repeat(3_000));

export const hostileText: fc.Arbitrary<Json> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...controlTexts) },
  { weight: 2, arbitrary: fc.constantFrom(...unicodeTexts) },
  { weight: 3, arbitrary: fc.constantFrom(...oddTexts) },
  { weight: 3, arbitrary: fc.constantFrom(...badDates) },
  { weight: 1, arbitrary: hugeText },
  // a lone surrogate, which only an escape can put into JSON
  { weight: 1, arbitrary: fc.constantFrom(new RawJson('"\\ud800"'), new RawJson('"a\\udfffb"')) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 30 }) },
);

const forgedKeyObject = (entries: [string, Json][]): JsonObject => new Map(entries);

export const hostileValue: fc.Arbitrary<Json> = fc.oneof(
  { weight: 5, arbitrary: hostileText },
  { weight: 4, arbitrary: fc.constantFrom(...extremeNumbers) },
  { weight: 2, arbitrary: fc.constantFrom<Json>(true, false, null, [], new Map(), [null], ['a', 1]) },
  {
    weight: 1,
    arbitrary: fc.constantFrom<Json>(
      deeplyNested(40, 'array'),
      deeplyNested(10_000, 'array'),
      deeplyNested(10_000, 'object'),
      deeplyNested(33, 'object'),
    ),
  },
  // wide rather than deep: thousands of fields, close to the body limit (and past what one item holds)
  {
    weight: 1,
    arbitrary: fc
      .constantFrom(300, 3000, 9000)
      .map((n): Json => new Map(Array.from({ length: n }, (_, i): [string, Json] => [`f${i}`, 'x'.repeat(90)]))),
  },
  {
    weight: 2,
    arbitrary: fc
      .constantFrom(...reservedKeys)
      .map((key) => forgedKeyObject([[key, new Map<string, Json>([['isAdmin', true]])]])),
  },
);

// Values that pass the schema -----------------------------------------------------------------

const isoDay = fc
  .date({ min: new Date('1950-01-01T00:00:00Z'), max: new Date('2100-12-31T00:00:00Z'), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10));
const isoTime = fc
  .date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2100-12-31T00:00:00Z'), noInvalidDate: true })
  .map((d) => d.toISOString());

const plainText = (min: number, max: number) =>
  fc.oneof(
    { weight: 4, arbitrary: fc.string({ minLength: min, maxLength: Math.max(min, Math.min(max, 30)) }) },
    {
      weight: 1,
      arbitrary: fc.constantFrom('Müller', 'Jürgen', 'Straße 1', 'Köln', 'ACME GmbH', 'x'.repeat(min)),
    },
  );

const patternArbitrary = (pattern: string): fc.Arbitrary<string> | null => {
  for (const flags of ['u', '']) {
    try {
      const regex = new RegExp(pattern, flags);
      return fc.stringMatching(regex).filter((value) => regex.test(value));
    } catch {
      // a pattern fast-check cannot walk (look-arounds, unicode classes): try without the flag, then give up
    }
  }
  return null;
};

const emails = fc.oneof(
  fc.constantFrom('max@example.com', 'jürgen@example.de', 'a.b+tag@sub.example.org'),
  fc.emailAddress(),
);

const stringArbitrary = (schema: Schema, name: string | null, pool: IdPool): fc.Arbitrary<Json> => {
  const min = numberAt(schema, 'minLength') ?? 0;
  const max = numberAt(schema, 'maxLength') ?? 200;
  const format = stringAt(schema, 'format');
  const pattern = stringAt(schema, 'pattern');
  const known = name === null ? undefined : pool[name];
  const base = (() => {
    if (format === 'email') return emails;
    if (format === 'date-time') return isoTime;
    if (format === 'date' || pattern === '^\\d{4}-\\d{2}-\\d{2}$') return isoDay;
    if (name !== null && /(From|To)$/.test(name)) return fc.oneof(isoDay, isoTime);
    if (format === 'uri') return fc.constantFrom('https://www.example.com/danke', 'http://example.org/x?a=1');
    if (pattern) return patternArbitrary(pattern) ?? plainText(min, max);
    return plainText(min, max);
  })().filter((value) => value.length >= min && value.length <= max);
  if (known && known.length > 0 && name !== null && poolOnly.has(name)) return fc.constantFrom(...known);
  return known && known.length > 0 ? fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...known) }, base) : base;
};

const numberArbitrary = (schema: Schema, integer: boolean): fc.Arbitrary<Json> => {
  const min = numberAt(schema, 'minimum') ?? numberAt(schema, 'exclusiveMinimum') ?? -1_000_000;
  const max = numberAt(schema, 'maximum') ?? numberAt(schema, 'exclusiveMaximum') ?? 1_000_000;
  const low = Math.max(min, -1e12);
  const high = Math.min(max, 1e12);
  if (integer) return fc.integer({ min: Math.ceil(low), max: Math.floor(high) });
  return fc.oneof(
    fc.integer({ min: Math.ceil(low), max: Math.floor(high) }),
    fc.integer({ min: Math.ceil(low * 100), max: Math.floor(high * 100) }).map((cents) => cents / 100),
  );
};

/** Keys for a record (`additionalProperties`), following `propertyNames` when the schema gives them. */
const recordKeys = (schema: Schema): fc.Arbitrary<string> => {
  const pattern = stringAt(schemaAt(schema, 'propertyNames') ?? {}, 'pattern');
  const fromPattern = pattern ? patternArbitrary(pattern) : null;
  return (
    fromPattern ??
    fc.oneof(
      fc.constantFrom('firstName', 'lastName', 'email', 'message', 'company', 'Name', 'E-Mail'),
      fc.string({ minLength: 1, maxLength: 12 }),
    )
  );
};

/** A value the schema accepts (as far as a JSON schema can say; cross-field rules are not known here). */
export const validArbitrary = (
  schema: Schema,
  pool: IdPool,
  name: string | null = null,
  depth = 0,
): fc.Arbitrary<Json> => {
  const options = [...schemasAt(schema, 'anyOf'), ...schemasAt(schema, 'oneOf')];
  if (options.length > 0) return fc.oneof(...options.map((option) => validArbitrary(option, pool, name, depth)));
  if ('const' in schema) {
    const [value] = primitivesAt({ values: [schema.const] }, 'values');
    return fc.constant(value ?? null);
  }
  const choices = primitivesAt(schema, 'enum');
  if (choices.length > 0) return fc.constantFrom(...choices);
  switch (schema.type) {
    case 'string':
      return stringArbitrary(schema, name, pool);
    case 'integer':
      // a merge patch's version: the records the fuzz works on are young
      return name === 'version' ? fc.integer({ min: 1, max: 4 }) : numberArbitrary(schema, true);
    case 'number':
      return numberArbitrary(schema, false);
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array': {
      const items = schemaAt(schema, 'items') ?? {};
      const min = numberAt(schema, 'minItems') ?? 0;
      const max = Math.min(numberAt(schema, 'maxItems') ?? 3, Math.max(min, 3));
      return fc.array(validArbitrary(items, pool, name, depth + 1), { minLength: min, maxLength: max });
    }
    case 'object': {
      const required = requiredOf(schema);
      const fields = propertiesOf(schema).map(([key, property]) => {
        const value = validArbitrary(property, pool, key, depth + 1);
        return required.has(key)
          ? value.map((v): [string, Json] | null => [key, v])
          : fc.option(
              value.map((v): [string, Json] => [key, v]),
              { nil: null, freq: 2 },
            );
      });
      const extra = schemaAt(schema, 'additionalProperties');
      const extras =
        extra && depth < 4
          ? fc.array(fc.tuple(recordKeys(schema), validArbitrary(extra, pool, null, depth + 1)), { maxLength: 3 })
          : fc.constant([]);
      return fc
        .tuple(fc.tuple(...fields), extras)
        .map(([entries, more]) => new Map([...entries.filter((e) => e !== null), ...more]));
    }
    default:
      return depth > 2
        ? fc.constantFrom<Json>('x', 1, true, null)
        : fc.oneof(fc.constantFrom<Json>('x', 1, true, null), fc.constant(new Map<string, Json>([['a', 'b']])));
  }
};

/** One change to a valid value: a hostile value somewhere, a reserved key added, a field removed. */
export type Mutation =
  | { kind: 'replace'; at: number; value: Json }
  | { kind: 'add-key'; at: number; key: string; value: Json }
  | { kind: 'remove'; at: number };

export const mutationArbitrary: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('replace' as const), at: fc.nat(), value: hostileValue }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('add-key' as const),
      at: fc.nat(),
      key: fc.oneof(fc.constantFrom(...reservedKeys), fc.constantFrom('unknownField', 'isAdmin', 'version')),
      value: fc.oneof(hostileValue, fc.constant<Json>('x')),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('remove' as const), at: fc.nat() }) },
);

/** zod at the edges: parse, never cast; every bad field is named in the 400. */

import * as z from 'zod/mini';
import en from 'zod/v4/locales/en.js';
import { minPrefixLength, queryWords } from '../../domain/inbox/search-tokens.ts';
import { type FieldError, validationError } from '../../domain/shared/errors.ts';
import { hasWholeMinorUnits, maxMinorUnits, minorUnits } from '../../domain/shared/money.ts';

// Only the English messages: `z.locales.en()` would make the bundler keep every locale (~260 KB).
z.config(en());

/** Longest key an error names; a longer one is cut (a hostile body can name a key of a megabyte). */
const maxShownKey = 100;

/** A key as an error names it: the empty name shown as `(empty)`, control characters escaped, long ones cut. */
const shownKey = (key: PropertyKey): string => {
  const text = String(key);
  if (text === '') return '(empty)';
  const shown = JSON.stringify(text).slice(1, -1);
  return shown.length > maxShownKey ? `${shown.slice(0, maxShownKey)}…` : shown;
};

/** Unknown keys of one object named one by one, at most; the rest are counted in one more error. */
const maxUnknownKeysNamed = 10;

const fieldOf = (path: readonly PropertyKey[], root: string): string =>
  path.length === 0 ? root : path.map(shownKey).join('.');

/** One error per bad field; an unknown (or read-only) field is named itself, not its parent. */
export const fieldErrors = (error: z.core.$ZodError, root: string): FieldError[] =>
  error.issues.flatMap((issue) =>
    issue.code === 'unrecognized_keys'
      ? [
          ...issue.keys.slice(0, maxUnknownKeysNamed).map((key) => ({
            field: fieldOf([...issue.path, key], root),
            message: readOnlyFields.has(key) ? 'is read-only' : 'is not a known field',
          })),
          ...(issue.keys.length > maxUnknownKeysNamed
            ? [
                {
                  field: fieldOf(issue.path, root),
                  message: `has ${issue.keys.length - maxUnknownKeysNamed} more fields that are not known`,
                },
              ]
            : []),
        ]
      : [{ field: fieldOf(issue.path, root), message: issue.message }],
  );

/** Fields the system sets; naming them in a write is a 400 that says so (API.md). */
const readOnlyFields = new Set([
  'id',
  'key',
  'createdAt',
  'updatedAt',
  'qualifiedAt',
  'number',
  'duplicateCheck',
  'statusHistory',
  'source',
  'raw',
  'opportunityId',
  'companyId',
  'personId',
  'archiveReason',
]);

/** Parses input from a client; a failure is a 400 naming each field. */
export const parseInput = <S extends z.ZodMiniType>(schema: S, input: unknown, root: string): z.infer<S> => {
  const result = schema.safeParse(input);
  if (!result.success) throw validationError(fieldErrors(result.error, root));
  return result.data;
};

/** Parses what Kontakt itself stored; a failure is a bug, never the client's fault. */
export const parseStored = <S extends z.ZodMiniType>(schema: S, item: unknown, what: string): z.infer<S> => {
  const result = schema.safeParse(item);
  if (!result.success) {
    const where = result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`stored ${what} does not match its schema: ${where}`);
  }
  return result.data;
};

// Input hygiene ---------------------------------------------------------------------------------
// One walk over whatever a client sent, before any schema sees it: what no field of Kontakt may
// hold is refused here once, naming the field, instead of field by field in every schema.

/** Deeper than any request of this API needs; a deeper body is refused before anything walks it recursively. */
export const maxInputDepth = 32;

/**
 * Keys that would reach `Object.prototype` in a plain object (`__proto__`), or make the DynamoDB
 * marshaller take a stored map for a class instance (`constructor`), plus the empty name.
 */
const reservedKeys = new Set(['__proto__', 'constructor', 'prototype', '']);

/**
 * Fields that hold text people write in several lines (a textarea): newline, carriage return and
 * tab are allowed there and nowhere else. A field counts by its own name, wherever it sits.
 */
export const multiLineFields: ReadonlySet<string> = new Set([
  'message',
  'comment',
  'lossComment',
  'description',
  'text',
  'consentText',
]);

/** C0 controls, DEL and C1 controls; newline, carriage return and tab are told apart below. */
const controlCharacter = /\p{Cc}/u;
const lineBreakOrTab = /[\n\r\t]/gu;
/** Bidirectional embeddings, overrides and isolates: they make text read differently from what it holds. */
const bidiControl = /[\u202a-\u202e\u2066-\u2069]/u;

/** Why a text is refused, or null. */
export const textProblem = (text: string, multiLine: boolean): string | null => {
  if (!text.isWellFormed()) return 'is not well-formed Unicode (a lone surrogate)';
  if (bidiControl.test(text)) return 'must not contain bidirectional control characters (U+202A–202E, U+2066–2069)';
  const checked = multiLine ? text.replace(lineBreakOrTab, '') : text;
  if (controlCharacter.test(checked)) {
    return multiLine
      ? 'must not contain control characters other than line breaks and tabs'
      : 'must not contain control characters (line breaks and tabs included)';
  }
  return null;
};

/**
 * Numbers Kontakt can hold without loss: finite, no larger than 2^53 − 1, and not so small that
 * storing them would underflow (DynamoDB's numbers stop at 1e-130; no field needs below 1e-6).
 */
export const numberProblem = (value: number): string | null => {
  if (!Number.isFinite(value)) return 'must be a finite number';
  if (Math.abs(value) > Number.MAX_SAFE_INTEGER)
    return `must be between -${Number.MAX_SAFE_INTEGER} and ${Number.MAX_SAFE_INTEGER}`;
  if (value !== 0 && Math.abs(value) < 1e-6) return 'is too small a number (use 0 or at least 0.000001)';
  return null;
};

export type HygieneOptions = {
  /** `any`: every text may span lines (fields a form owner names, checked again once mapped) */
  multiLine?: ReadonlySet<string> | 'any';
  /** at most this many problems are reported */
  maxProblems?: number;
  /** only the nesting: for a batch whose items the use case judges one by one */
  structureOnly?: boolean;
};

/**
 * Every problem of a value as received: too deep, a reserved or unreadable key, a text with
 * control characters, a number that cannot be stored. Fields are named as the schemas name them
 * (`contact.firstName`, `steps.0.name`), or `root` for the value itself.
 */
export const inputProblems = (value: unknown, root: string, options: HygieneOptions = {}): FieldError[] => {
  const multiLine = options.multiLine ?? multiLineFields;
  const maxProblems = options.maxProblems ?? 20;
  const problems: FieldError[] = [];
  const field = (path: readonly string[]) => (path.length === 0 ? root : path.join('.'));
  const visit = (node: unknown, path: string[], name: string | null, depth: number): void => {
    if (problems.length >= maxProblems) return;
    if (options.structureOnly && (typeof node !== 'object' || node === null)) return;
    if (typeof node === 'string') {
      const problem = textProblem(node, multiLine === 'any' || (name !== null && multiLine.has(name)));
      if (problem) problems.push({ field: field(path), message: problem });
      return;
    }
    if (typeof node === 'number') {
      const problem = numberProblem(node);
      if (problem) problems.push({ field: field(path), message: problem });
      return;
    }
    if (typeof node !== 'object' || node === null) return;
    if (depth >= maxInputDepth) {
      problems.push({ field: field(path), message: `is nested deeper than ${maxInputDepth} levels` });
      return;
    }
    if (Array.isArray(node)) {
      node.forEach((item, index) => {
        visit(item, [...path, String(index)], name, depth + 1);
      });
      return;
    }
    for (const [key, item] of Object.entries(node)) {
      if (options.structureOnly) {
        visit(item, [...path, key], key, depth + 1);
        continue;
      }
      if (reservedKeys.has(key) || textProblem(key, false) !== null) {
        problems.push({ field: field([...path, shownKey(key)]), message: 'is not a field name Kontakt accepts' });
        continue;
      }
      visit(item, [...path, key], key, depth + 1);
    }
  };
  visit(value, [], null, 0);
  return problems;
};

/** Refuses a value with any of `inputProblems`: a 400 naming each field. */
export const refuseHostileInput = (value: unknown, root: string, options: HygieneOptions = {}): void => {
  const problems = inputProblems(value, root, options);
  if (problems.length > 0) throw validationError(problems);
};

// Dates and times -------------------------------------------------------------------------------
// One strict reading of dates and times for every field and filter: the day must exist, and the
// year must be one a CRM can mean (a plan from 0001-01-01 or a birthday in 9999 is a typing error
// that would otherwise fail later, in a worker).

export const dateLimits = { min: '1900-01-01', max: '2200-12-31' } as const;

const isoDate = /^\d{4}-\d{2}-\d{2}$/;

/** Whether `YYYY-MM-DD` names a day that exists (no 30 February). */
export const isCalendarDay = (value: string): boolean => {
  if (!isoDate.test(value)) return false;
  const time = new Date(`${value}T00:00:00.000Z`);
  return !Number.isNaN(time.getTime()) && time.toISOString().slice(0, 10) === value;
};

const dayProblem = (day: string): string | null => {
  if (!isCalendarDay(day)) return 'not a calendar date';
  if (day < dateLimits.min || day > dateLimits.max) {
    return `must lie between ${dateLimits.min} and ${dateLimits.max}`;
  }
  return null;
};

/** A calendar date `YYYY-MM-DD` that exists, between 1900 and 2200. */
export const CalendarDate = z.string().check(
  z.meta({ format: 'date', description: `a calendar date, ${dateLimits.min} to ${dateLimits.max}` }),
  z.superRefine((value, ctx) => {
    const problem = isoDate.test(value) ? dayProblem(value) : 'use YYYY-MM-DD';
    if (problem) ctx.issues.push({ code: 'custom', message: problem, input: value });
  }),
);

/** An ISO 8601 time with a zone (`Z` or an offset), on a day that exists, between 1900 and 2200. */
export const DateTime = z.string().check(
  z.meta({ format: 'date-time', description: `an ISO 8601 time with a zone, ${dateLimits.min} to ${dateLimits.max}` }),
  z.superRefine((value, ctx) => {
    const parsed = z.iso.datetime({ offset: true }).safeParse(value);
    const time = new Date(value);
    const problem =
      !parsed.success || Number.isNaN(time.getTime())
        ? 'use an ISO 8601 time with a zone, e.g. 2027-03-01T09:00:00Z'
        : dayProblem(time.toISOString().slice(0, 10));
    if (problem) ctx.issues.push({ code: 'custom', message: problem, input: value });
  }),
);

const utcTime = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,3})?)?Z$/;

/** A list filter's bound: a day (`YYYY-MM-DD`) or a UTC time, both real and between 1900 and 2200. */
export const TimeBound = z.string().check(
  z.meta({
    pattern: '^\\d{4}-\\d{2}-\\d{2}(T\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,3})?)?Z)?$',
    description: `a day (YYYY-MM-DD) or a UTC time, ${dateLimits.min} to ${dateLimits.max}`,
  }),
  z.superRefine((value, ctx) => {
    const time = utcTime.exec(value);
    let problem: string | null;
    if (isoDate.test(value)) problem = dayProblem(value);
    else if (time) {
      const [, day = '', hours = '', minutes = '', seconds = '0'] = time;
      problem =
        Number(hours) > 23 || Number(minutes) > 59 || Number(seconds) > 59 ? 'not a time of day' : dayProblem(day);
    } else problem = 'use YYYY-MM-DD or an ISO 8601 UTC time such as 2027-03-01T09:00:00Z';
    if (problem) ctx.issues.push({ code: 'custom', message: problem, input: value });
  }),
);

/**
 * A bound as the instant it stands for: a day means its whole (UTC) day, from its first
 * millisecond (`from`) or to its last (`to`). Only for bounds that `TimeBound` accepted.
 */
export const boundInstant = (value: string, end: 'from' | 'to'): string =>
  isoDate.test(value) ? `${value}T${end === 'from' ? '00:00:00.000' : '23:59:59.999'}Z` : new Date(value).toISOString();

/**
 * A check for a query with a `from` and a `to` bound: `to` before `from` is a 400 naming `to`
 * (an empty range is always a mistake, and some indexes refuse a reversed BETWEEN).
 */
export const orderedBounds = <T extends Record<string, unknown>>(from: keyof T & string, to: keyof T & string) =>
  z.superRefine<T>((query, ctx) => {
    const start = query[from];
    const end = query[to];
    // a bound that is no bound at all has its own error already
    if (!TimeBound.safeParse(start).success || !TimeBound.safeParse(end).success) return;
    if (typeof start !== 'string' || typeof end !== 'string') return;
    if (boundInstant(end, 'to') < boundInstant(start, 'from')) {
      ctx.issues.push({ code: 'custom', message: `is before ${from}`, path: [to], input: end });
    }
  });

// Search and money ------------------------------------------------------------------------------

/**
 * `q`: a prefix search needs at least one word of two letters or digits once folded; `--`, `€€`
 * or an emoji alone have none and would make an empty index key.
 */
export const SearchText = z.string().check(
  z.trim(),
  z.minLength(minPrefixLength, `give at least ${minPrefixLength} characters`),
  z.maxLength(100),
  z.refine((q) => queryWords(q).length > 0, `give at least one word of ${minPrefixLength} or more letters or digits`),
);

/** Money is stored as an integer of the currency's smallest unit (API.md): below 10^13 cents fits every deal and stays exact. */
export const maxMoneyAmount = 99_999_999_999.99;

/**
 * An amount in a currency's main unit, 0 to `maxMoneyAmount`, with at most four decimals (the most
 * any currency has); `MoneyInput` then holds it to its own currency's decimals.
 */
export const MoneyAmount = z.number().check(
  z.meta({ multipleOf: 10 ** -maxMinorUnits }),
  z.minimum(0, 'must not be negative'),
  z.maximum(maxMoneyAmount, `must be at most ${maxMoneyAmount}`),
  z.refine((amount) => Number(amount.toFixed(maxMinorUnits)) === amount, `must have at most ${maxMinorUnits} decimals`),
);

/**
 * An amount with more decimals than its currency has (JPY 0, EUR 2, KWD 3: ISO 4217) is a 400 naming
 * `amount`: it could not be stored exactly, and no invoice could show it.
 */
export const currencyDecimals = z.superRefine<{ amount: number; currency: string }>((money, ctx) => {
  // an amount or code that is wrong in itself has its own error already
  if (!Number.isFinite(money.amount) || !/^[A-Z]{3}$/.test(money.currency)) return;
  if (!hasWholeMinorUnits(money)) {
    const digits = minorUnits(money.currency);
    ctx.issues.push({
      code: 'custom',
      message:
        digits === 0
          ? `must be a whole number in ${money.currency}`
          : `must have at most ${digits} decimal${digits === 1 ? '' : 's'} in ${money.currency}`,
      path: ['amount'],
      input: money.amount,
    });
  }
});

// The shared readers of dates, ranges, money and search text that every route's schema uses.
import { describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import { MoneyInput } from '../../../functions/inbox/contact-input.ts';
import {
  CalendarDate,
  DateTime,
  MoneyAmount,
  orderedBounds,
  SearchText,
  TimeBound,
} from '../../../functions/shared/validation.ts';

const ok = (schema: z.ZodMiniType, value: unknown): boolean => schema.safeParse(value).success;

describe('dates', () => {
  it.each(['2024-02-29', '1900-01-01', '2200-12-31', '1975-06-15'])('takes the real date %s', (value) => {
    expect(ok(CalendarDate, value)).toBe(true);
  });

  it.each([
    '2023-02-30',
    '2023-02-29',
    '2023-13-01',
    '2023-00-10',
    '0001-01-01',
    '9999-12-31',
    '1899-12-31',
    '23-1-1',
    '',
  ])('refuses %s as a date', (value) => {
    expect(ok(CalendarDate, value)).toBe(false);
  });

  it.each(['2027-03-01T09:00:00Z', '2027-03-01T09:00:00.123+01:00'])('takes the time %s', (value) => {
    expect(ok(DateTime, value)).toBe(true);
  });

  it.each(['2023-02-30T09:00:00Z', '2027-03-01T25:00:00Z', '0001-01-01T00:00:00Z', '2027-03-01T09:00:00', 'tomorrow'])(
    'refuses %s as a time',
    (value) => {
      expect(ok(DateTime, value)).toBe(false);
    },
  );

  it.each(['2026-01-31', '2026-01-31T23:00Z', '2026-01-31T23:00:00.5Z'])('takes %s as a list bound', (value) => {
    expect(ok(TimeBound, value)).toBe(true);
  });

  it.each(['2023-02-30', '2023-02-30T10:00:00Z', '2026-01-31T24:00Z', '0001-01-01', '2026-01-31T10:00:00+01:00'])(
    'refuses %s as a list bound',
    (value) => {
      expect(ok(TimeBound, value)).toBe(false);
    },
  );

  it('refuses a range whose end comes before its start, naming the end', () => {
    const Query = z
      .object({ from: z.optional(TimeBound), to: z.optional(TimeBound) })
      .check(orderedBounds('from', 'to'));

    const reversed = Query.safeParse({ from: '2026-02-01', to: '2026-01-31' });

    expect(reversed.success).toBe(false);
    expect(reversed.error?.issues.map((i) => i.path)).toEqual([['to']]);
    expect(ok(Query, { from: '2026-01-31', to: '2026-01-31' })).toBe(true);
    expect(ok(Query, { from: '2026-01-31T12:00Z', to: '2026-01-31' })).toBe(true);
    expect(ok(Query, { from: '2026-02-30', to: '2026-01-31' })).toBe(false);
  });
});

describe('money', () => {
  it.each([0, 0.01, 1250, 1250.5, 0.1 + 0.2 - 0.00000000000000004, 99_999_999_999.99])('takes %s', (amount) => {
    expect(ok(MoneyAmount, amount)).toBe(true);
  });

  it.each([-0.01, 1e-200, 0.00001, 1e200, 100_000_000_000, 12.34567])('refuses %s', (amount) => {
    expect(ok(MoneyAmount, amount)).toBe(false);
  });

  it.each([
    [1500, 'JPY'],
    [12.34, 'EUR'],
    [12.345, 'KWD'],
    [1.2345, 'CLF'],
  ])('takes %s %s', (amount, currency) => {
    expect(ok(MoneyInput, { amount, currency })).toBe(true);
  });

  it.each([
    [1500.5, 'JPY', 'must be a whole number in JPY'],
    [12.345, 'EUR', 'must have at most 2 decimals in EUR'],
    [12.3456, 'KWD', 'must have at most 3 decimals in KWD'],
  ])('refuses %s %s, naming the amount', (amount, currency, message) => {
    const result = MoneyInput.safeParse({ amount, currency });

    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => [i.path, i.message])).toEqual([[['amount'], message]]);
  });
});

describe('search text', () => {
  it.each(['mü', 'Müller GmbH', 'max@example.com', '42'])('takes %s', (q) => {
    expect(ok(SearchText, q)).toBe(true);
  });

  it.each(['--', '€€', '😀😀', '  ', 'a', '-- ..', '\u0301\u0301'])('refuses %s, which folds to no word', (q) => {
    expect(ok(SearchText, q)).toBe(false);
  });
});

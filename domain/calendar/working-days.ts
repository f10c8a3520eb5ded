/** Working days (no weekends, no listed holidays) and wall-clock times in Europe/Berlin, for activity plans. */

import { once } from '../shared/once.ts';

export type Holidays = ReadonlySet<string> | readonly string[];

const dayMs = 86_400_000;

const toSet = (holidays: Holidays): ReadonlySet<string> => (holidays instanceof Set ? holidays : new Set(holidays));

const parseDate = (date: string): number => {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  const ms = match ? Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])) : Number.NaN;
  if (Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== date) {
    throw new RangeError(`not a calendar date (YYYY-MM-DD): ${date}`);
  }
  return ms;
};

const formatDate = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

const isWorkingDayAt = (ms: number, holidays: ReadonlySet<string>): boolean => {
  const weekday = new Date(ms).getUTCDay();
  return weekday !== 0 && weekday !== 6 && !holidays.has(formatDate(ms));
};

/** Monday to Friday and not a listed holiday. */
export const isWorkingDay = (date: string, holidays: Holidays): boolean =>
  isWorkingDayAt(parseDate(date), toSet(holidays));

/**
 * The working day `offset` working days after the start: offset 0 is the start itself when it is a
 * working day, else the next one (a plan started on a Saturday begins on Monday).
 */
export const addWorkingDays = (startDate: string, offset: number, holidays: Holidays): string => {
  if (!Number.isInteger(offset) || offset < 0) throw new RangeError(`offset must be a whole number ≥ 0, not ${offset}`);
  const listed = toSet(holidays);
  let ms = parseDate(startDate);
  while (!isWorkingDayAt(ms, listed)) ms += dayMs;
  for (let left = offset; left > 0; ) {
    ms += dayMs;
    if (isWorkingDayAt(ms, listed)) left -= 1;
  }
  return formatDate(ms);
};

const berlinFields = once(
  () =>
    new Intl.DateTimeFormat('en-US', {
      timeZone: 'Europe/Berlin',
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    }),
);

/** Berlin's offset from UTC at an instant, in ms (+1 h in winter, +2 h in summer). */
const berlinOffsetAt = (instant: number): number => {
  const parts: Record<string, number> = {};
  for (const part of berlinFields().formatToParts(new Date(instant))) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  const wall = Date.UTC(
    parts.year ?? 0,
    (parts.month ?? 1) - 1,
    parts.day ?? 1,
    parts.hour ?? 0,
    parts.minute ?? 0,
    parts.second ?? 0,
  );
  return wall - Math.floor(instant / 1000) * 1000;
};

/**
 * The UTC instant (ISO 8601) of a Berlin wall-clock time on a date. Like Temporal's "compatible"
 * disambiguation: a time that occurs twice (the October switch) is the earlier one, a time that does
 * not exist (the March switch, 02:00–03:00) moves forward by the gap.
 */
export const berlinTime = (date: string, time: string): string => {
  const match = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(time);
  if (!match) throw new RangeError(`not a time (HH:MM): ${time}`);
  const wall = parseDate(date) + Number(match[1]) * 3_600_000 + Number(match[2]) * 60_000;
  // Offsets a day either side bracket any switch, since Berlin switches at most twice a year.
  const before = berlinOffsetAt(wall - dayMs);
  const after = berlinOffsetAt(wall + dayMs);
  const valid = [...new Set([before, after])]
    .map((offset) => wall - offset)
    .filter((instant) => wall - instant === berlinOffsetAt(instant))
    .sort((a, b) => a - b);
  return new Date(valid[0] ?? wall - before).toISOString();
};

/**
 * Service hours and the due times of service tickets (seed 004 "Servicetickets"; PRODUCT.md rule 10).
 *
 * A ticket's first-response and resolution targets count working time only: working days (Monday
 * to Friday, not a listed holiday) between the opening and the closing time, on the wall clock of
 * the service's time zone (default 08:00–17:00 Europe/Berlin). A clock is paused while the ticket
 * waits for the customer and stops when it is met; resumed, it keeps the working time it had left
 * (as Zendesk's and Freshdesk's SLA clocks do); a clock that ran out and is then paused is due again
 * (overdue) as soon as it runs again. Wall-clock arithmetic across the switches to and
 * from summer time is luxon's; a time that does not exist on a switch day moves forward by the gap.
 */
import { DateTime } from 'luxon';
import type { Holidays } from '../calendar/working-days.ts';

export type ServiceHours = {
  /** IANA time zone of the service desk */
  timeZone: string;
  /** `HH:MM`, wall clock */
  opens: string;
  /** `HH:MM`, wall clock, after `opens` */
  closes: string;
  holidays: Holidays;
};

export const defaultServiceHours = { timeZone: 'Europe/Berlin', opens: '08:00', closes: '17:00' } as const;

export type ServiceTarget = { firstResponseMinutes: number; resolutionMinutes: number };

/** four working hours to respond, three working days to resolve: `normal`, and any priority without its own */
const fallbackTarget: ServiceTarget = { firstResponseMinutes: 240, resolutionMinutes: 1620 };

/** Targets in working minutes, per priority (the priorities settings list). */
export type ServiceTargets = Record<string, ServiceTarget>;

/**
 * Defaults for the default priorities; a priority without targets (an admin's own) gets `normal`'s.
 * A working day is nine hours (540 minutes) at the default hours.
 */
export const defaultServiceTargets: ServiceTargets = {
  urgent: { firstResponseMinutes: 60, resolutionMinutes: 240 },
  high: { firstResponseMinutes: 120, resolutionMinutes: 540 },
  normal: fallbackTarget,
  low: { firstResponseMinutes: 540, resolutionMinutes: 2700 },
};

export const targetsFor = (targets: ServiceTargets, priority: string): ServiceTarget =>
  targets[priority] ?? targets.normal ?? fallbackTarget;

const minuteMs = 60_000;
/** no service desk is closed for ten years: a calendar of only holidays is refused, not looped on */
const maxDaysAhead = 3660;

const clock = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** What is wrong with service hours, as field errors' messages, or nothing. */
export const serviceHoursProblems = (hours: Omit<ServiceHours, 'holidays'>): { field: string; message: string }[] => {
  const problems: { field: string; message: string }[] = [];
  if (!DateTime.local().setZone(hours.timeZone).isValid) {
    problems.push({ field: 'timeZone', message: `not a time zone: ${hours.timeZone}` });
  }
  const opens = clock.exec(hours.opens);
  const closes = clock.exec(hours.closes);
  if (!opens) problems.push({ field: 'opens', message: 'use HH:MM, such as 08:00' });
  if (!closes) problems.push({ field: 'closes', message: 'use HH:MM, such as 17:00' });
  if (opens && closes && hours.closes <= hours.opens) {
    problems.push({ field: 'closes', message: 'must be after opens' });
  }
  return problems;
};

const assertValid = (hours: ServiceHours): void => {
  const problems = serviceHoursProblems(hours);
  if (problems.length > 0) {
    throw new RangeError(`invalid service hours: ${problems.map((p) => `${p.field} ${p.message}`).join('; ')}`);
  }
};

const hourAndMinute = (time: string): { hour: number; minute: number } => ({
  hour: Number(time.slice(0, 2)),
  minute: Number(time.slice(3, 5)),
});

type Window = { start: number; end: number };

/** The service windows from an instant on, in order, the first cut to start at the instant. */
function* windowsFrom(instant: number, hours: ServiceHours): Generator<Window> {
  assertValid(hours);
  const holidays = hours.holidays instanceof Set ? hours.holidays : new Set(hours.holidays);
  const opens = hourAndMinute(hours.opens);
  const closes = hourAndMinute(hours.closes);
  let day = DateTime.fromMillis(instant, { zone: hours.timeZone }).startOf('day');
  for (let n = 0; n < maxDaysAhead; n += 1, day = day.plus({ days: 1 })) {
    if (day.weekday > 5 || holidays.has(day.toISODate() ?? '')) continue;
    const start = day.set(opens).toMillis();
    const end = day.set(closes).toMillis();
    if (end <= instant) continue;
    yield { start: Math.max(start, instant), end };
  }
  throw new RangeError(`no working day within ${maxDaysAhead} days: is every day a holiday?`);
}

/**
 * The instant `ms` of working time after `from`: a ticket opened on Friday at 16:30 with four hours
 * to go is due on Monday at 11:30 (08:00 + 3.5 h), or Tuesday when Monday is a holiday. Zero working
 * time outside the hours is the next opening.
 */
export const addServiceTime = (from: Date, ms: number, hours: ServiceHours): Date => {
  if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`working time must be ≥ 0 ms, not ${ms}`);
  let left = ms;
  for (const window of windowsFrom(from.getTime(), hours)) {
    const length = window.end - window.start;
    if (left <= length) return new Date(window.start + left);
    left -= length;
  }
  // windowsFrom throws before it runs out
  throw new RangeError('unreachable');
};

/** Working time between two instants in ms (0 when `to` is not after `from`). */
export const serviceTimeBetween = (from: Date, to: Date, hours: ServiceHours): number => {
  const end = to.getTime();
  let total = 0;
  if (end <= from.getTime()) return 0;
  for (const window of windowsFrom(from.getTime(), hours)) {
    if (window.start >= end) break;
    total += Math.min(window.end, end) - window.start;
  }
  return total;
};

/**
 * One target's clock on a ticket: the working time since it started, less the working time it spent
 * paused, reaches the target at `dueAt`. Paused (the ticket waits for the customer) or met (first
 * response given, ticket resolved): no `dueAt`, never overdue. Resumed or reopened, the pause is
 * added to `pausedMs` and the due time moves by the working time it took. Changing the target (the
 * ticket's priority changed) keeps everything else: the clock is due where the new target ends.
 */
export type ServiceClock = {
  targetMinutes: number;
  startedAt: string;
  /** working time spent paused or met before a reopening */
  pausedMs: number;
  pausedAt: string | null;
  metAt: string | null;
  /** while running: when the target is reached; null while paused or met */
  dueAt: string | null;
};

const dueOf = (c: Pick<ServiceClock, 'startedAt' | 'targetMinutes' | 'pausedMs'>, hours: ServiceHours): string =>
  addServiceTime(new Date(c.startedAt), c.targetMinutes * minuteMs + c.pausedMs, hours).toISOString();

export const startClock = (now: Date, targetMinutes: number, hours: ServiceHours): ServiceClock => {
  const started = { targetMinutes, startedAt: now.toISOString(), pausedMs: 0 };
  return { ...started, pausedAt: null, metAt: null, dueAt: dueOf(started, hours) };
};

const isRunning = (c: ServiceClock): boolean => c.pausedAt === null && c.metAt === null;

/** Paused from now; a paused or met clock is left as it is. */
export const pauseClock = (c: ServiceClock, now: Date): ServiceClock =>
  isRunning(c) ? { ...c, pausedAt: now.toISOString(), dueAt: null } : c;

/** Running again from now, the pause's working time added; a met clock stays met. */
export const resumeClock = (c: ServiceClock, now: Date, hours: ServiceHours): ServiceClock => {
  if (c.pausedAt === null || c.metAt !== null) return c;
  const pausedMs = c.pausedMs + serviceTimeBetween(new Date(c.pausedAt), now, hours);
  return { ...c, pausedMs, pausedAt: null, dueAt: dueOf({ ...c, pausedMs }, hours) };
};

/** Met now; a clock met already keeps its time. */
export const meetClock = (c: ServiceClock, now: Date): ServiceClock =>
  c.metAt !== null ? c : { ...c, metAt: now.toISOString(), dueAt: null };

/** Running again after it was met (a resolved ticket reopened): the time since it stopped is not counted. */
export const reopenClock = (c: ServiceClock, now: Date, hours: ServiceHours): ServiceClock => {
  if (c.metAt === null) return c;
  const stoppedAt = new Date(c.pausedAt ?? c.metAt);
  const pausedMs = c.pausedMs + serviceTimeBetween(stoppedAt, now, hours);
  return { ...c, pausedMs, pausedAt: null, metAt: null, dueAt: dueOf({ ...c, pausedMs }, hours) };
};

/** Another target (the ticket's priority changed), counted from the clock's own start. */
export const retargetClock = (c: ServiceClock, targetMinutes: number, hours: ServiceHours): ServiceClock => {
  const retargeted = { ...c, targetMinutes };
  return isRunning(c) ? { ...retargeted, dueAt: dueOf(retargeted, hours) } : retargeted;
};

/** Running and past its due time. */
export const isOverdue = (c: ServiceClock, now: Date): boolean =>
  isRunning(c) && c.dueAt !== null && new Date(c.dueAt).getTime() <= now.getTime();

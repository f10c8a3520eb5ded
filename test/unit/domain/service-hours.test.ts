import { describe, expect, it } from 'vitest';
import { defaultHolidays } from '../../../domain/calendar/german-holidays.ts';
import {
  addServiceTime,
  defaultServiceHours,
  defaultServiceTargets,
  isOverdue,
  meetClock,
  pauseClock,
  reopenClock,
  resumeClock,
  retargetClock,
  type ServiceHours,
  serviceHoursProblems,
  serviceTimeBetween,
  startClock,
  targetsFor,
} from '../../../domain/tickets/service-hours.ts';

const hours: ServiceHours = { ...defaultServiceHours, holidays: defaultHolidays() };
const minutes = (n: number) => n * 60_000;
const at = (iso: string) => new Date(iso);

describe('working time on service hours (08:00–17:00 Europe/Berlin, German holidays)', () => {
  it('carries what is left at closing time over the weekend to Monday morning', () => {
    // Friday 2026-11-27 16:30 CET (15:30Z), four hours: 30 min on Friday, 3.5 h on Monday
    expect(addServiceTime(at('2026-11-27T15:30:00Z'), minutes(240), hours).toISOString()).toBe(
      '2026-11-30T10:30:00.000Z',
    );
  });

  it('skips holidays: Christmas Day and Boxing Day', () => {
    // Thursday 2026-12-24 16:00 CET, two hours: one on Thursday, one on Monday the 28th
    expect(addServiceTime(at('2026-12-24T15:00:00Z'), minutes(120), hours).toISOString()).toBe(
      '2026-12-28T08:00:00.000Z',
    );
    // Thursday 2027-03-25 16:00 CET: Good Friday, the weekend of the switch to summer time and
    // Easter Monday pass; the second hour is on Tuesday from 08:00 CEST
    expect(addServiceTime(at('2027-03-25T15:00:00Z'), minutes(120), hours).toISOString()).toBe(
      '2027-03-30T07:00:00.000Z',
    );
  });

  it('starts counting at opening time when the ticket comes in at night', () => {
    // Monday 2026-11-30 06:00 CET
    expect(addServiceTime(at('2026-11-30T05:00:00Z'), minutes(60), hours).toISOString()).toBe(
      '2026-11-30T08:00:00.000Z',
    );
    // zero working time outside the hours is the next opening
    expect(addServiceTime(at('2026-11-28T12:00:00Z'), 0, hours).toISOString()).toBe('2026-11-30T07:00:00.000Z');
  });

  it('keeps the wall clock across the switch to summer time', () => {
    // Friday 2026-03-27 16:00 CET (UTC+1); Berlin switches on Sunday the 29th; Monday 09:00 is CEST (UTC+2)
    expect(addServiceTime(at('2026-03-27T15:00:00Z'), minutes(120), hours).toISOString()).toBe(
      '2026-03-30T07:00:00.000Z',
    );
    // and back: Friday 2027-10-29 16:00 CEST; Monday 09:00 is CET again
    expect(addServiceTime(at('2027-10-29T14:00:00Z'), minutes(120), hours).toISOString()).toBe(
      '2027-11-01T08:00:00.000Z',
    );
  });

  it("follows the desk's own time zone and hours", () => {
    const newYork: ServiceHours = { timeZone: 'America/New_York', opens: '09:00', closes: '18:00', holidays: [] };
    // Friday 2026-11-27 17:00 EST (22:00Z), two hours: one on Friday, one on Monday from 09:00 EST
    expect(addServiceTime(at('2026-11-27T22:00:00Z'), minutes(120), newYork).toISOString()).toBe(
      '2026-11-30T15:00:00.000Z',
    );
  });

  it('measures working time between two instants as the inverse of adding it', () => {
    let seed = 7;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return seed / 2_147_483_648;
    };
    for (let i = 0; i < 200; i += 1) {
      const from = new Date(Date.UTC(2026, 0, 1) + Math.floor(random() * 730 * 86_400_000));
      const ms = minutes(Math.floor(random() * 5000));
      const due = addServiceTime(from, ms, hours);
      expect(serviceTimeBetween(from, due, hours)).toBe(ms);
    }
    expect(serviceTimeBetween(at('2026-11-30T12:00:00Z'), at('2026-11-30T10:00:00Z'), hours)).toBe(0);
    // a whole week: five days of nine hours
    expect(serviceTimeBetween(at('2026-11-30T00:00:00Z'), at('2026-12-07T00:00:00Z'), hours)).toBe(minutes(5 * 540));
  });

  it('refuses hours that cannot be worked, naming the field', () => {
    expect(serviceHoursProblems({ timeZone: 'Europe/Berlin', opens: '17:00', closes: '08:00' })).toEqual([
      { field: 'closes', message: 'must be after opens' },
    ]);
    expect(
      serviceHoursProblems({ timeZone: 'Mars/Olympus', opens: '8:00', closes: '17:00' }).map((p) => p.field),
    ).toEqual(['timeZone', 'opens']);
    const allHolidays: ServiceHours = { ...defaultServiceHours, holidays: new Set<string>() };
    const everyDay = new Set<string>();
    for (let d = Date.UTC(2026, 10, 1); d < Date.UTC(2037, 0, 1); d += 86_400_000) {
      everyDay.add(new Date(d).toISOString().slice(0, 10));
    }
    expect(() => addServiceTime(at('2026-11-30T10:00:00Z'), 60_000, { ...allHolidays, holidays: everyDay })).toThrow(
      /no working day/,
    );
  });
});

describe('service clocks', () => {
  it('pauses while the ticket waits and resumes with the working time that was left', () => {
    // opened Monday 2026-11-30 08:00 CET with four hours: due 12:00
    const started = startClock(at('2026-11-30T07:00:00Z'), 240, hours);
    expect(started.dueAt).toBe('2026-11-30T11:00:00.000Z');
    // waiting from 09:30 (2.5 h left): no due time, never overdue
    const paused = pauseClock(started, at('2026-11-30T08:30:00Z'));
    expect(paused.dueAt).toBeNull();
    expect(isOverdue(paused, at('2026-12-30T00:00:00Z'))).toBe(false);
    expect(pauseClock(paused, at('2026-11-30T09:00:00Z'))).toEqual(paused);
    // the customer answers on Wednesday at 16:00: one hour that day, 1.5 h on Thursday
    const resumed = resumeClock(paused, at('2026-12-02T15:00:00Z'), hours);
    expect(resumed.dueAt).toBe('2026-12-03T08:30:00.000Z');
    expect(isOverdue(resumed, at('2026-12-03T08:29:59Z'))).toBe(false);
    expect(isOverdue(resumed, at('2026-12-03T08:30:00Z'))).toBe(true);
  });

  it('is overdue again as soon as a clock that ran out before its pause runs again', () => {
    const started = startClock(at('2026-11-30T07:00:00Z'), 60, hours);
    const late = at('2026-11-30T09:00:00Z');
    expect(isOverdue(started, late)).toBe(true);
    const resumed = resumeClock(pauseClock(started, late), at('2026-11-30T10:00:00Z'), hours);
    expect(isOverdue(resumed, at('2026-11-30T10:00:00Z'))).toBe(true);
  });

  it('stops when met and, reopened, runs on with the working time it had left', () => {
    const started = startClock(at('2026-11-30T07:00:00Z'), 240, hours);
    const met = meetClock(started, at('2026-11-30T09:00:00Z'));
    expect(met).toMatchObject({ metAt: '2026-11-30T09:00:00.000Z', dueAt: null });
    expect(isOverdue(met, at('2026-12-30T00:00:00Z'))).toBe(false);
    expect(meetClock(met, at('2026-11-30T10:00:00Z')).metAt).toBe('2026-11-30T09:00:00.000Z');
    expect(resumeClock(met, at('2026-11-30T10:00:00Z'), hours)).toEqual(met);
    // met at 10:00 with 2 h left; reopened Tuesday 16:00: one hour that day, one on Wednesday
    const reopened = reopenClock(met, at('2026-12-01T15:00:00Z'), hours);
    expect(reopened).toMatchObject({ metAt: null, dueAt: '2026-12-02T08:00:00.000Z' });
  });

  it('moves the due time when the target changes, pauses included', () => {
    const started = startClock(at('2026-11-30T07:00:00Z'), 240, hours);
    // paused an hour (09:00–10:00 CET), then the priority drops: nine hours instead of four
    const resumed = resumeClock(pauseClock(started, at('2026-11-30T08:00:00Z')), at('2026-11-30T09:00:00Z'), hours);
    expect(resumed.dueAt).toBe('2026-11-30T12:00:00.000Z');
    expect(retargetClock(resumed, 540, hours).dueAt).toBe('2026-12-01T08:00:00.000Z');
    // a paused clock keeps no due time until it runs again
    expect(retargetClock(pauseClock(resumed, at('2026-11-30T10:00:00Z')), 540, hours).dueAt).toBeNull();
  });

  it("takes the targets of the ticket's priority, and normal's for a priority without its own", () => {
    expect(targetsFor(defaultServiceTargets, 'urgent').firstResponseMinutes).toBeLessThan(
      targetsFor(defaultServiceTargets, 'low').firstResponseMinutes,
    );
    expect(targetsFor(defaultServiceTargets, 'vip')).toEqual(defaultServiceTargets.normal);
  });
});

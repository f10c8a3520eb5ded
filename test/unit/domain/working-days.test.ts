import { describe, expect, it } from 'vitest';
import { germanNationalHolidays } from '../../../domain/calendar/german-holidays.ts';
import { addWorkingDays, berlinTime, isWorkingDay } from '../../../domain/calendar/working-days.ts';

const holidays = [2026, 2027].flatMap((year) => germanNationalHolidays(year).map((h) => h.date));

describe('working days', () => {
  it('counts Monday to Friday and skips weekends and listed holidays', () => {
    expect(isWorkingDay('2027-03-24', holidays)).toBe(true); // Wednesday
    expect(isWorkingDay('2027-03-27', holidays)).toBe(false); // Saturday
    expect(isWorkingDay('2027-03-28', holidays)).toBe(false); // Sunday
    expect(isWorkingDay('2027-03-26', holidays)).toBe(false); // Good Friday
    expect(isWorkingDay('2027-03-26', [])).toBe(true); // the same Friday where it is no holiday
  });

  it('starts on the start date itself when it is a working day', () => {
    expect(addWorkingDays('2027-03-24', 0, holidays)).toBe('2027-03-24');
  });

  it('starts on the next working day when the start date is not one', () => {
    expect(addWorkingDays('2027-03-27', 0, holidays)).toBe('2027-03-30'); // Saturday → Tuesday after Easter Monday
  });

  it('jumps over the Easter weekend 2027 (Good Friday 26 March to Easter Monday 29 March)', () => {
    expect(addWorkingDays('2027-03-25', 1, holidays)).toBe('2027-03-30');
    expect(addWorkingDays('2027-03-24', 3, holidays)).toBe('2027-03-31');
  });

  it('skips the Day of German Unity and Christmas', () => {
    expect(addWorkingDays('2026-10-02', 1, holidays)).toBe('2026-10-05'); // 3 Oct 2026 is a Saturday anyway
    expect(addWorkingDays('2029-10-02', 1, ['2029-10-03'])).toBe('2029-10-04'); // a Wednesday holiday
    expect(addWorkingDays('2027-12-24', 1, holidays)).toBe('2027-12-27'); // Christmas falls on the weekend
    expect(addWorkingDays('2026-12-23', 1, holidays)).toBe('2026-12-24'); // Christmas Eve is a working day
    expect(addWorkingDays('2026-12-24', 1, holidays)).toBe('2026-12-28'); // 25th and 26th are holidays, then Sunday
  });

  it('walks across a year end', () => {
    expect(addWorkingDays('2026-12-30', 2, holidays)).toBe('2027-01-04'); // 31 Dec, then New Year, the weekend
  });

  it('refuses a date that does not exist and a negative offset', () => {
    expect(() => addWorkingDays('2027-02-30', 0, holidays)).toThrow('not a calendar date');
    expect(() => addWorkingDays('2027-02-01', -1, holidays)).toThrow('offset');
  });
});

describe('Berlin wall-clock times', () => {
  it('is UTC+1 in winter and UTC+2 in summer', () => {
    expect(berlinTime('2027-01-15', '09:00')).toBe('2027-01-15T08:00:00.000Z');
    expect(berlinTime('2027-07-15', '09:00')).toBe('2027-07-15T07:00:00.000Z');
  });

  it('is already summer time at 09:00 on the March switch day', () => {
    expect(berlinTime('2027-03-27', '09:00')).toBe('2027-03-27T08:00:00.000Z');
    expect(berlinTime('2027-03-28', '09:00')).toBe('2027-03-28T07:00:00.000Z');
    expect(berlinTime('2027-03-28', '01:59')).toBe('2027-03-28T00:59:00.000Z');
  });

  it('moves a time the March switch skips forward by the hour', () => {
    expect(berlinTime('2027-03-28', '02:30')).toBe('2027-03-28T01:30:00.000Z'); // = 03:30 summer time
  });

  it('is winter time again at 09:00 on the October switch day', () => {
    expect(berlinTime('2027-10-30', '09:00')).toBe('2027-10-30T07:00:00.000Z');
    expect(berlinTime('2027-10-31', '09:00')).toBe('2027-10-31T08:00:00.000Z');
  });

  it('takes the first of a time the October switch repeats', () => {
    expect(berlinTime('2027-10-31', '02:30')).toBe('2027-10-31T00:30:00.000Z'); // summer time 02:30
    expect(berlinTime('2027-10-31', '03:00')).toBe('2027-10-31T02:00:00.000Z');
  });

  it('refuses a time that is not HH:MM', () => {
    expect(() => berlinTime('2027-01-15', '9:00')).toThrow('HH:MM');
    expect(() => berlinTime('2027-01-15', '24:00')).toThrow('HH:MM');
  });
});

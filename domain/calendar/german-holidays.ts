/** Germany's nationwide public holidays (gesetzliche Feiertage, bundesweit), computed for any year. */

/** Easter Sunday in the Gregorian calendar (the anonymous algorithm of Meeus/Jones/Butcher). */
export const easterSunday = (year: number): Date => {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return new Date(Date.UTC(year, month - 1, day));
};

const isoDate = (date: Date): string => date.toISOString().slice(0, 10);
const plusDays = (date: Date, days: number): Date => new Date(date.getTime() + days * 86_400_000);

export type Holiday = { date: string; name: string };

/** The nine holidays every German state keeps; states add their own (an admin adds them to the list). */
export const germanNationalHolidays = (year: number): Holiday[] => {
  const easter = easterSunday(year);
  const y = String(year);
  return [
    { date: `${y}-01-01`, name: 'Neujahr' },
    { date: isoDate(plusDays(easter, -2)), name: 'Karfreitag' },
    { date: isoDate(plusDays(easter, 1)), name: 'Ostermontag' },
    { date: `${y}-05-01`, name: 'Tag der Arbeit' },
    { date: isoDate(plusDays(easter, 39)), name: 'Christi Himmelfahrt' },
    { date: isoDate(plusDays(easter, 50)), name: 'Pfingstmontag' },
    { date: `${y}-10-03`, name: 'Tag der Deutschen Einheit' },
    { date: `${y}-12-25`, name: '1. Weihnachtstag' },
    { date: `${y}-12-26`, name: '2. Weihnachtstag' },
  ];
};

/** The default holiday list: the national holidays of the years a CRM plans in. */
export const defaultHolidayYears = { from: 2024, to: 2036 } as const;
export const defaultHolidays = (): string[] => {
  const dates: string[] = [];
  for (let year = defaultHolidayYears.from; year <= defaultHolidayYears.to; year += 1) {
    dates.push(...germanNationalHolidays(year).map((h) => h.date));
  }
  return dates;
};

/** Dates a test means relative to today ("a Monday two weeks ago"), so no test depends on the calendar. */

/** The day `YYYY-MM-DD` (UTC) of the Monday `weeks` whole weeks before the week of `now`. */
export const mondayWeeksBefore = (now: Date, weeks: number): string => {
  const day = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  const sinceMonday = (day.getUTCDay() + 6) % 7;
  day.setUTCDate(day.getUTCDate() - sinceMonday - 7 * weeks);
  return day.toISOString().slice(0, 10);
};

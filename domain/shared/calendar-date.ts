/** Dates as people write them in German files (24.12.1980, 1.2.1975) turned into `YYYY-MM-DD`. */

const germanDate = /^(\d{1,2})\.(\d{1,2})\.(\d{4})$/;

/** A German `D.M.YYYY` becomes `YYYY-MM-DD`; anything else is returned as it is, for validation to judge. */
export const isoDateFrom = (text: string): string => {
  const trimmed = text.trim();
  const match = germanDate.exec(trimmed);
  if (!match) return trimmed;
  const [, day = '', month = '', year = ''] = match;
  return `${year}-${month.padStart(2, '0')}-${day.padStart(2, '0')}`;
};

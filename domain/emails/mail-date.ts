/** The date a mail gives itself (its Date header), read strictly: RFC 5322 or nothing. */
import { DateTime } from 'luxon';

/**
 * ISO 8601 (UTC) of an RFC 5322 date-time (comments and folding allowed, as luxon's RFC 2822
 * parser reads them), or null when the header is missing or is anything else. mailparser turns an
 * unreadable Date into the time of parsing and JavaScript's Date reads `1` as the year 2001;
 * neither is the mail's date.
 */
export const mailDate = (header: string | null): string | null => {
  if (header === null) return null;
  const parsed = DateTime.fromRFC2822(header.trim(), { zone: 'utc' });
  return parsed.isValid ? parsed.toUTC().toISO({ suppressMilliseconds: false }) : null;
};

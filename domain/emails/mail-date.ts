/**
 * The date a mail gives itself (its Date header), read strictly: RFC 5322 §3.3 with its obsolete
 * forms (§4.3: two- and three-digit years, the US and military zone names), or nothing.
 *
 * Its own small reader instead of luxon's `fromRFC2822`, which read the same grammar: luxon was the
 * email worker's largest dependency after the SDK (72 KB of a 1 MB bundle budget) and this is its
 * only use there. mailparser turns an unreadable Date into the time of parsing and JavaScript's
 * Date reads `1` as the year 2001; neither is the mail's date.
 */
const days = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
const months = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
/** RFC 5322 §4.3: the obsolete zone names; a military letter means nothing certain, so -0000 (UTC) */
const namedZones: Record<string, number> = {
  ut: 0,
  gmt: 0,
  z: 0,
  est: -300,
  edt: -240,
  cst: -360,
  cdt: -300,
  mst: -420,
  mdt: -360,
  pst: -480,
  pdt: -420,
};

const pattern =
  /^(?:([a-z]{3})\s*,\s*)?(\d{1,2})\s+([a-z]{3})\s+(\d{2,4})\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([+-]\d{4}|[a-z]{1,3})$/i;

/** Comments (nested, with quoted characters) are whitespace in a header (CFWS). */
const withoutComments = (text: string): string => {
  let out = '';
  let depth = 0;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i];
    if (c === '\\' && depth > 0) {
      i += 1;
      continue;
    }
    if (c === '(') depth += 1;
    else if (c === ')' && depth > 0) {
      depth -= 1;
      if (depth === 0) out += ' ';
    } else if (depth === 0) out += c;
  }
  return depth === 0 ? out : '';
};

const zoneOffset = (zone: string): number | null => {
  if (/^[+-]\d{4}$/.test(zone)) {
    const minutes = Number(zone.slice(3, 5));
    if (minutes > 59) return null;
    return (zone.startsWith('-') ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + minutes);
  }
  const lower = zone.toLowerCase();
  if (lower in namedZones) return namedZones[lower] ?? 0;
  return /^[a-ik-z]$/.test(lower) ? 0 : null;
};

/**
 * ISO 8601 (UTC) of an RFC 5322 date-time (comments and folding allowed), or null when the header
 * is missing or is anything else: an impossible day (31 Feb), a weekday that is not the date's, a
 * time past 23:59:60.
 */
export const mailDate = (header: string | null): string | null => {
  if (header === null) return null;
  const match = pattern.exec(withoutComments(header).replace(/\s+/g, ' ').trim());
  if (!match) return null;
  const [, weekday, day, monthName = '', yearText = '', hour, minute, second, zone = ''] = match;
  const month = months.indexOf(monthName.toLowerCase());
  if (month < 0) return null;
  // §4.3: a two-digit year is 19xx from 50 on and 20xx below; a three-digit one adds 1900
  const short = Number(yearText);
  const year =
    yearText.length === 2 ? (short >= 50 ? 1900 + short : 2000 + short) : yearText.length === 3 ? 1900 + short : short;
  const offset = zoneOffset(zone);
  const [d, h, m, s] = [Number(day), Number(hour), Number(minute), Number(second ?? 0)];
  if (offset === null || h > 23 || m > 59 || s > 60) return null;
  const local = new Date(Date.UTC(year, month, d, h, m, Math.min(s, 59)));
  if (local.getUTCFullYear() !== year || local.getUTCMonth() !== month || local.getUTCDate() !== d) return null;
  if (weekday !== undefined && days.indexOf(weekday.toLowerCase()) !== local.getUTCDay()) return null;
  return new Date(local.getTime() - offset * 60_000).toISOString();
};

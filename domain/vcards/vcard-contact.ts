/**
 * What one card says about a contact, read from its properties (vcard-lines.ts): names, the
 * organisation, emails and phones with their types and labels (Apple's `item1.X-ABLabel`),
 * addresses, the birthday in its several formats, URLs, the note, categories and the photo.
 * Neutral towards Kontakt's records: the use case maps it onto a person and a company.
 *
 * A card without N and FN names no one: it is invalid, naming both (seed 000: "N, FN").
 */
import {
  listValue,
  type RawVCard,
  structuredValue,
  unescapeText,
  type VCardProblem,
  type VCardProperty,
} from './vcard-lines.ts';

export type VCardName = { last: string; first: string; middle: string; prefix: string; suffix: string };
/** A value with its types, its label (a grouped `X-ABLabel`), whether it is preferred, and its line. */
export type Typed<T> = T & { types: string[]; label: string | null; preferred: boolean; line: number };
export type VCardAddress = Typed<{
  poBox: string;
  extended: string;
  street: string;
  city: string;
  region: string;
  postalCode: string;
  country: string;
}>;

export type VCardContact = {
  name: VCardName;
  formattedName: string | null;
  organization: { name: string; units: string[] } | null;
  title: string | null;
  role: string | null;
  emails: Typed<{ address: string }>[];
  phones: Typed<{ number: string }>[];
  addresses: VCardAddress[];
  /** `YYYY-MM-DD`; a birthday without a year is left out (noted in `skipped`) */
  birthday: string | null;
  urls: string[];
  /** the line of each of `urls` */
  urlLines: number[];
  note: string | null;
  categories: string[];
  /** the line of each of `categories` */
  categoryLines: number[];
  /**
   * What the card describes, when it says: `org` (4.0 KIND:org, Apple's X-ABShowAs:COMPANY, or a
   * card whose only name is its organisation's), `group` (a contact list: KIND:group, Apple's and
   * Nextcloud's X-ADDRESSBOOKSERVER-KIND:group), `location`; null for an individual. `kindBy` names
   * the property that said it, and its line.
   */
  kind: 'org' | 'group' | 'location' | null;
  kindBy: { property: string; line: number } | null;
  /** the line of each property by name (its first occurrence), for what a use case reports */
  lines: Record<string, number>;
  /** an inline photo's bytes and media type, or a link (never fetched) */
  photo: { bytes: Uint8Array; mediaType: string } | { uri: string } | null;
  uid: string | null;
  /** Kontakt's own `X-KONTAKT-ORIGIN` (Herkunft), `X-KONTAKT-SALUTATION` and `X-KONTAKT-TITLE`, which its export writes */
  origin: string | null;
  salutation: string | null;
  academicTitle: string | null;
  /** properties read but not kept, with why (a birthday without a year, an unreadable date) */
  skipped: VCardProblem[];
};

export type CardReading = { ok: true; contact: VCardContact } | { ok: false; errors: VCardProblem[] };

/** Apple's labels `_$!<Mobile>!$_` as the word they stand for; any other label as written. */
const labelText = (label: string): string => {
  const apple = /^_\$!<(.+)>!\$_$/.exec(label);
  return (apple?.[1] ?? label).trim().toLowerCase();
};

const typesOf = (property: VCardProperty): string[] =>
  [...(property.params.TYPE ?? [])].filter((t) => t !== 'pref' && t !== 'internet' && t !== 'x400');

const preferred = (property: VCardProperty): boolean =>
  (property.params.TYPE ?? []).includes('pref') || (property.params.PREF ?? []).includes('1');

/** `19850412`, `1985-04-12`, `1985-04-12T00:00:00Z`, `1985-04-12 00:00:00` → `1985-04-12`; no year → null. */
export const birthdayOf = (value: string): { date: string | null; reason: string | null } => {
  const text = value.trim();
  const full = /^(\d{4})-?(\d{2})-?(\d{2})(?:[T ].*)?$/.exec(text);
  if (full) {
    const [, y, m, d] = full;
    const date = `${y}-${m}-${d}`;
    const parsed = new Date(`${date}T00:00:00Z`);
    if (!Number.isNaN(parsed.getTime()) && parsed.toISOString().startsWith(date)) return { date, reason: null };
    return { date: null, reason: `${text} is not a date` };
  }
  if (/^--\d{2}-?\d{2}$/.test(text)) return { date: null, reason: 'a birthday without a year is not kept' };
  return { date: null, reason: `${text} is not a date (YYYY-MM-DD)` };
};

const mediaTypeOf = (property: VCardProperty): string => {
  const type = (property.params.TYPE ?? [])[0] ?? property.params.MEDIATYPE?.[0] ?? 'jpeg';
  const lower = type.toLowerCase();
  return lower.includes('/') ? lower : `image/${lower === 'jpg' ? 'jpeg' : lower}`;
};

/** A 4.0 `data:` URI photo: its bytes and media type. */
const dataUri = (value: string): { bytes: Uint8Array; mediaType: string } | null => {
  const match = /^data:([^;,]+)?(;base64)?,(.*)$/s.exec(value.trim());
  if (!match?.[2] || !match[3]) return null;
  try {
    const binary = atob(match[3].replace(/\s+/g, ''));
    return { bytes: Uint8Array.from(binary, (c) => c.charCodeAt(0)), mediaType: match[1] ?? 'image/jpeg' };
  } catch {
    return null;
  }
};

/** Splits "Dr. Anna Maria Schmidt" into a name when the card has FN but no N: the last word is the last name. */
const nameFromFormatted = (formatted: string): VCardName => {
  const words = formatted.trim().split(/\s+/);
  const last = words.pop() ?? '';
  return { last, first: words.join(' '), middle: '', prefix: '', suffix: '' };
};

export const readContact = (card: RawVCard): CardReading => {
  const version = card.version;
  const all = card.properties;
  const first = (name: string) => all.find((p) => p.name === name);
  const text = (property: VCardProperty | undefined) => {
    const value = property ? unescapeText(property.value, version).trim() : '';
    return value === '' ? null : value;
  };
  const labelFor = (property: VCardProperty): string | null => {
    if (!property.group) return null;
    const label = all.find((p) => p.group === property.group && (p.name === 'X-ABLABEL' || p.name === 'X-LABEL'));
    return label ? labelText(unescapeText(label.value, version)) : null;
  };
  const typed = (property: VCardProperty) => ({
    types: typesOf(property),
    label: labelFor(property),
    preferred: preferred(property),
    line: property.line,
  });

  const nProperty = first('N');
  const n = nProperty ? structuredValue(nProperty.value, version).map((part) => part.trim()) : [];
  const formattedName = text(first('FN'));
  // a name is a last or a first name: an N of a prefix alone ("Herr") names no one
  const nameGiven = (n[0] ?? '') !== '' || (n[1] ?? '') !== '';
  const orgProperty = first('ORG');
  const org = orgProperty ? structuredValue(orgProperty.value, version).map((part) => part.trim()) : [];
  const orgName = org[0] ?? '';
  const kindProperty = first('KIND') ?? first('X-ADDRESSBOOKSERVER-KIND');
  const kindValue = kindProperty ? unescapeText(kindProperty.value, version).trim().toLowerCase() : '';
  const showAs = first('X-ABSHOWAS');
  let kind: VCardContact['kind'] = null;
  let kindBy: VCardContact['kindBy'] = null;
  if (kindProperty && ['group', 'org', 'organization', 'location'].includes(kindValue)) {
    kind = kindValue === 'organization' ? 'org' : (kindValue as 'group' | 'org' | 'location');
    kindBy = { property: kindProperty.name, line: kindProperty.line };
  } else if (showAs && showAs.value.trim().toUpperCase() === 'COMPANY') {
    kind = 'org';
    kindBy = { property: showAs.name, line: showAs.line };
  } else if (
    !nameGiven &&
    orgName !== '' &&
    (!formattedName || formattedName.toLowerCase() === orgName.toLowerCase())
  ) {
    // Outlook's and Google's company entries: no N, and FN (if any) is the organisation's name
    kind = 'org';
    kindBy = { property: 'N', line: nProperty?.line ?? card.line };
  }

  // a company's card names its company, not a person
  if (!nameGiven && !formattedName && kind !== 'org') {
    const line = nProperty?.line ?? card.line;
    return {
      ok: false,
      errors: [
        { property: 'N', line, message: 'the card names no one: N is missing or empty' },
        {
          property: 'FN',
          line: first('FN')?.line ?? card.line,
          message: 'the card names no one: FN is missing or empty',
        },
        ...card.problems,
      ],
    };
  }
  const name: VCardName = nameGiven
    ? { last: n[0] ?? '', first: n[1] ?? '', middle: n[2] ?? '', prefix: n[3] ?? '', suffix: n[4] ?? '' }
    : { ...nameFromFormatted(formattedName ?? ''), prefix: n[3] ?? '', suffix: n[4] ?? '' };

  const skipped: VCardProblem[] = [...card.problems];
  const bdayProperty = first('BDAY');
  let birthday: string | null = null;
  if (bdayProperty) {
    const { date, reason } = birthdayOf(unescapeText(bdayProperty.value, version));
    // Apple writes a birthday without a year with a stand-in year it names in X-APPLE-OMIT-YEAR
    const omitted = bdayProperty.params['X-APPLE-OMIT-YEAR']?.[0];
    if (date && omitted && date.startsWith(`${omitted}-`)) {
      skipped.push({ property: 'BDAY', line: bdayProperty.line, message: 'a birthday without a year is not kept' });
    } else {
      birthday = date;
      if (reason) skipped.push({ property: 'BDAY', line: bdayProperty.line, message: reason });
    }
  }

  const photoProperty = first('PHOTO');
  let photo: VCardContact['photo'] = null;
  if (photoProperty?.bytes && photoProperty.bytes.length > 0) {
    photo = { bytes: photoProperty.bytes, mediaType: mediaTypeOf(photoProperty) };
  } else if (photoProperty && !photoProperty.bytes) {
    const value = photoProperty.value.trim();
    photo = dataUri(value) ?? (/^https?:\/\//i.test(value) ? { uri: value } : null);
    if (!photo)
      skipped.push({
        property: 'PHOTO',
        line: photoProperty.line,
        message: 'neither an inline image nor a web address',
      });
  }

  return {
    ok: true,
    contact: {
      kind,
      kindBy,
      name,
      formattedName,
      organization: org.some((part) => part !== '')
        ? { name: org[0] ?? '', units: org.slice(1).filter((u) => u !== '') }
        : null,
      title: text(first('TITLE')),
      role: text(first('ROLE')),
      emails: all
        .filter((p) => p.name === 'EMAIL')
        .flatMap((p) => {
          const address = unescapeText(p.value, version)
            .trim()
            .replace(/^mailto:/i, '');
          return address ? [{ address, ...typed(p) }] : [];
        }),
      phones: all
        .filter((p) => p.name === 'TEL')
        .flatMap((p) => {
          const number = unescapeText(p.value, version).trim().replace(/^tel:/i, '');
          return number ? [{ number, ...typed(p) }] : [];
        }),
      addresses: all
        .filter((p) => p.name === 'ADR')
        .map((p) => {
          const [poBox = '', extended = '', street = '', city = '', region = '', postalCode = '', country = ''] =
            structuredValue(p.value, version).map((part) => part.trim());
          return { poBox, extended, street, city, region, postalCode, country, ...typed(p) };
        })
        .filter((a) => [a.street, a.extended, a.city, a.postalCode, a.country, a.poBox].some((part) => part !== '')),
      birthday,
      ...(() => {
        const urls = all
          .filter((p) => p.name === 'URL')
          .map((p) => ({ url: unescapeText(p.value, version).trim(), line: p.line }))
          .filter((u) => u.url !== '');
        return { urls: urls.map((u) => u.url), urlLines: urls.map((u) => u.line) };
      })(),
      note: text(first('NOTE')),
      ...(() => {
        const categories = all
          .filter((p) => p.name === 'CATEGORIES')
          .flatMap((p) => listValue(p.value, version).map((category) => ({ category, line: p.line })));
        return {
          categories: categories.map((c) => c.category),
          categoryLines: categories.map((c) => c.line),
        };
      })(),
      photo,
      lines: Object.fromEntries(all.toReversed().map((p) => [p.name, p.line])),
      uid: text(first('UID')),
      origin: text(first('X-KONTAKT-ORIGIN')),
      salutation: text(first('X-KONTAKT-SALUTATION')),
      academicTitle: text(first('X-KONTAKT-TITLE')),
      skipped,
    },
  };
};

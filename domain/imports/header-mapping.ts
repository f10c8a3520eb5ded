/** CSV column headers → contact fields: German and English names, Outlook's export names included; an explicit mapping overrides. */
import { foldText } from '../inbox/search-tokens.ts';
import { oneLine, reservedKeys } from '../shared/plain-text.ts';
import { type ContactField, contactTargets, reachableContactFields } from '../webforms/webform.ts';

export type ImportTarget = ContactField | 'message';

/** The web forms' targets without consent: a CSV row carries no consent. */
export const importTargets = contactTargets;

/** A column the import reads into a target, or `null`: kept in the entry's raw row only. */
export type ColumnTarget = ImportTarget | null;

/** Header → target given with the import; `null` ignores a column detection would have mapped. */
export type ExplicitMapping = Record<string, ImportTarget | null>;

/**
 * Case, umlauts (ä → ae, ß → ss), accents, whitespace, hyphens and other punctuation do not tell
 * headers apart: "E-Mail-Adresse", "e-mail adresse" and "EMailAdresse" are one name.
 */
export const normaliseHeader = (header: string): string => foldText(header.trim()).replace(/[^a-z0-9]/g, '');

/**
 * The names people and programs give these columns. Outlook writes "Title" for what Germans call
 * "Anrede" (Mr, Ms), so it is a salutation; the academic "Titel" is the title. Only business
 * address columns are read from Outlook's export: mixing its business and home columns would
 * make addresses no one has.
 */
const knownHeaders: Record<ImportTarget, readonly string[]> = {
  salutation: ['Anrede', 'Salutation', 'Title'],
  title: ['Titel', 'Akademischer Titel'],
  firstName: ['Vorname', 'First Name', 'Given Name', 'Firstname'],
  lastName: ['Nachname', 'Last Name', 'Surname', 'Family Name', 'Lastname', 'Familienname'],
  companyName: ['Firma', 'Company', 'Unternehmen', 'Organisation', 'Organization', 'Firmenname', 'Company Name'],
  email: ['E-Mail', 'Email', 'E-Mail-Adresse', 'E-mail Address', 'Email Address', 'Mail'],
  phone: [
    'Telefon',
    'Phone',
    'Telefon geschäftlich',
    'Business Phone',
    'Mobiltelefon',
    'Mobile Phone',
    'Telefonnummer',
    'Phone Number',
    'Mobil',
    'Handy',
  ],
  street: ['Straße', 'Strasse', 'Street', 'Straße geschäftlich', 'Business Street', 'Anschrift'],
  addressLine2: ['Adresszusatz', 'Address Line 2', 'Straße 2', 'Business Street 2', 'Zusatz'],
  birthday: ['Geburtstag', 'Geburtsdatum', 'Birthday', 'Date of Birth', 'Birth Date'],
  postalCode: [
    'PLZ',
    'Postleitzahl',
    'Postal Code',
    'ZIP',
    'ZIP Code',
    'Postcode',
    'Postleitzahl geschäftlich',
    'Business Postal Code',
  ],
  city: ['Ort', 'City', 'Stadt', 'Ort geschäftlich', 'Business City', 'Wohnort'],
  country: ['Land', 'Country', 'Land/Region', 'Country/Region', 'Land/Region geschäftlich', 'Business Country/Region'],
  message: ['Notizen', 'Notes', 'Notiz', 'Note', 'Bemerkung', 'Bemerkungen', 'Kommentar', 'Nachricht', 'Message'],
};

const detected = new Map<string, ImportTarget>(
  importTargets.flatMap((target) =>
    knownHeaders[target].map((name): [string, ImportTarget] => [normaliseHeader(name), target]),
  ),
);

/** The target a header is known by, or null. */
export const detectTarget = (header: string): ImportTarget | null => detected.get(normaliseHeader(header)) ?? null;

export type ColumnMapping = {
  /** one per column of the file, in order */
  columns: ColumnTarget[];
  /** headers the explicit mapping names that the file does not have */
  missing: string[];
};

/** Maps a file's header row; explicit entries win over detection and match headers the same normalised way. */
export const mapColumns = (headers: readonly string[], explicit: ExplicitMapping | null = null): ColumnMapping => {
  const overrides = new Map<string, ImportTarget | null>(
    Object.entries(explicit ?? {}).map(([header, target]) => [normaliseHeader(header), target]),
  );
  const present = new Set(headers.map(normaliseHeader));
  return {
    columns: headers.map((header) => {
      const key = normaliseHeader(header);
      return overrides.has(key) ? (overrides.get(key) ?? null) : detectTarget(header);
    }),
    missing: Object.keys(explicit ?? {}).filter((header) => !present.has(normaliseHeader(header))),
  };
};

export type MappedRow = Partial<Record<ImportTarget, string>>;

/**
 * A row's values by target. Empty values count as not given; when several columns feed one
 * target (Outlook's business phone and mobile phone), the first one with a value wins.
 */
export const mapRow = (columns: readonly ColumnTarget[], values: readonly string[]): MappedRow => {
  const row: MappedRow = {};
  columns.forEach((target, index) => {
    const value = values[index]?.trim();
    if (target && value && row[target] === undefined) row[target] = value;
  });
  return row;
};

/** The column a target's value came from, to name it in an error as the file names it. */
export const sourceColumn = (
  columns: readonly ColumnTarget[],
  values: readonly string[],
  target: ImportTarget,
): number => {
  const index = columns.findIndex((t, i) => t === target && Boolean(values[i]?.trim()));
  return index === -1 ? columns.indexOf(target) : index;
};

/**
 * The row as the file had it, header → value, for the entry's raw payload: repeated or blank
 * headers get a suffix so no value overwrites another, values beyond the header row are kept too.
 * A header no stored map may carry as a key (`constructor`) is kept inside its column's name.
 */
export const rawRow = (headers: readonly string[], values: readonly string[]): Record<string, string> => {
  const raw: Record<string, string> = {};
  const length = Math.max(headers.length, values.length);
  for (let i = 0; i < length; i += 1) {
    const header = oneLine(headers[i] ?? '').trim();
    const base = !header ? `column ${i + 1}` : reservedKeys.has(header) ? `column ${i + 1} (${header})` : header;
    let name = base;
    for (let n = 2; Object.hasOwn(raw, name); n += 1) name = `${base} (${n})`;
    raw[name] = values[i] ?? '';
  }
  return raw;
};

const quoteList = (names: readonly string[]): string =>
  names
    .slice(0, 12)
    .map((name) => JSON.stringify(name.length > 40 ? `${name.slice(0, 40)}…` : name))
    .join(', ') + (names.length > 12 ? ', …' : '');

/**
 * Why a header row cannot drive an import, or null: the explicit mapping names columns the file
 * lacks, no column is recognised (the first row is data, or the file is no contact list), or no
 * column could reach anyone, so every row would fail.
 */
export const headerProblem = (headers: readonly string[], mapping: ColumnMapping): string | null => {
  const reachable: readonly ImportTarget[] = reachableContactFields;
  if (mapping.missing.length > 0) {
    return `the mapping names columns the file does not have: ${quoteList(mapping.missing)} (the file has ${quoteList(headers)})`;
  }
  if (mapping.columns.every((target) => target === null)) {
    return `no column header is recognised; the first row must name the columns, e.g. Vorname, Nachname, E-Mail, Firma (found ${quoteList(headers)})`;
  }
  if (!mapping.columns.some((target) => target !== null && reachable.includes(target))) {
    return `no column gives a way to reach anyone; one must hold ${reachable.join(', ')} (found ${quoteList(headers)})`;
  }
  return null;
};

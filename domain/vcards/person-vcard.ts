/**
 * A person as a vCard and back, so that a person exported and imported again is the same person
 * with no field lost:
 * - N carries last name, first name and, as its prefix, salutation and academic title ("Herr Dr.",
 *   as Outlook's title field holds them); FN the name as it is spoken;
 * - ORG the company and the person's department; TITLE the position;
 * - every email and phone, the first one preferred; ADR the person's own address, or for the
 *   company's main contact without one the company's (seed 003: the main contact carries it);
 * - BDAY, and the origin (Herkunft) as `X-KONTAKT-ORIGIN`, which other clients keep and ignore.
 */
import type { Address } from '../shared/postal-address.ts';
import type { VCardContact } from './vcard-contact.ts';
import { escapeText, list, type OutProperty, structured, type VCardVersion } from './vcard-writer.ts';

/** Salutations written before the title in N's prefix, and read back from it. */
const salutations = ['herr', 'frau', 'hr.', 'fr.', 'mr.', 'mrs.', 'ms.', 'mr', 'mrs', 'ms', 'divers'];

export type PersonCard = {
  salutation?: string | undefined;
  title?: string | undefined;
  firstName?: string | undefined;
  lastName: string;
  emails: readonly string[];
  phones: readonly string[];
  address?: Address | undefined;
  birthday?: string | undefined;
  position?: string | undefined;
  role?: string | undefined;
  urls?: readonly string[] | undefined;
  note?: string | undefined;
  tags?: readonly string[] | undefined;
  /** the image itself, or a link */
  photo?: { bytes: Uint8Array; mediaType: string } | { url: string } | undefined;
  department?: string | undefined;
  origin?: string | undefined;
  companyName?: string | undefined;
  updatedAt?: string | undefined;
  uid?: string | undefined;
};

const words = (...parts: (string | undefined)[]): string =>
  parts
    .filter((p): p is string => p !== undefined && p.trim() !== '')
    .join(' ')
    .trim();

/** base64 of bytes, in chunks (a spread of a large array would overflow the call stack). */
const base64Of = (bytes: Uint8Array): string => {
  let binary = '';
  for (let at = 0; at < bytes.length; at += 0x8000) binary += String.fromCharCode(...bytes.subarray(at, at + 0x8000));
  return btoa(binary);
};

/**
 * The photo: 3.0 inline as `ENCODING=b` with the image type (what Outlook and Apple read), 4.0 as a
 * `data:` URI; a link as a URI value in both.
 */
const photoProperty = (photo: NonNullable<PersonCard['photo']>, version: VCardVersion): OutProperty => {
  if ('url' in photo) {
    return { name: 'PHOTO', params: version === '3.0' ? [['VALUE', ['uri']]] : [], value: photo.url };
  }
  if (version === '4.0') return { name: 'PHOTO', value: `data:${photo.mediaType};base64,${base64Of(photo.bytes)}` };
  const type = photo.mediaType.replace(/^image\//, '').toUpperCase();
  return {
    name: 'PHOTO',
    params: [
      ['ENCODING', ['b']],
      ['TYPE', [type]],
    ],
    value: base64Of(photo.bytes),
  };
};

export const personVCard = (person: PersonCard, version: VCardVersion): OutProperty[] => {
  // 3.0 marks the preferred entry with TYPE=pref, 4.0 with PREF=1
  const preferred = (i: number, types: string[]): (readonly [string, readonly string[]])[] =>
    version === '3.0'
      ? [['TYPE', [...types, ...(i === 0 ? ['pref'] : [])]]]
      : [
          ['TYPE', types],
          ['PREF', i === 0 ? ['1'] : []],
        ];
  const address = person.address;
  return [
    {
      name: 'N',
      value: structured([person.lastName, person.firstName, '', words(person.salutation, person.title), '']),
    },
    { name: 'FN', value: escapeText(words(person.title, person.firstName, person.lastName)) },
    // a department without a company keeps its place: ORG:;Einkauf
    ...(person.companyName || person.department
      ? [
          {
            name: 'ORG',
            value: structured(
              person.department ? [person.companyName ?? '', person.department] : [person.companyName ?? ''],
            ),
          },
        ]
      : []),
    ...(person.position ? [{ name: 'TITLE', value: escapeText(person.position) }] : []),
    ...(person.role ? [{ name: 'ROLE', value: escapeText(person.role) }] : []),
    ...person.emails.map((email, i) => ({
      name: 'EMAIL',
      params: preferred(i, version === '3.0' ? ['internet'] : []),
      value: escapeText(email),
    })),
    ...person.phones.map((phone, i) =>
      version === '4.0'
        ? { name: 'TEL', params: [['VALUE', ['uri']] as const, ...preferred(i, ['voice'])], value: `tel:${phone}` }
        : { name: 'TEL', params: preferred(i, ['voice']), value: escapeText(phone) },
    ),
    ...(address
      ? [
          {
            name: 'ADR',
            params: [['TYPE', ['work']]] as const,
            value: structured([
              '',
              address.addressLine2,
              address.street,
              address.city,
              '',
              address.postalCode,
              address.country,
            ]),
          },
        ]
      : []),
    ...(person.birthday
      ? [{ name: 'BDAY', value: version === '4.0' ? person.birthday.replace(/-/g, '') : person.birthday }]
      : []),
    ...(person.urls ?? []).map((url) => ({ name: 'URL', value: escapeText(url) })),
    ...(person.note ? [{ name: 'NOTE', value: escapeText(person.note) }] : []),
    ...(person.tags && person.tags.length > 0 ? [{ name: 'CATEGORIES', value: list(person.tags) }] : []),
    ...(person.photo ? [photoProperty(person.photo, version)] : []),
    ...(person.origin ? [{ name: 'X-KONTAKT-ORIGIN', value: escapeText(person.origin) }] : []),
    // N's prefix holds both for Outlook, but only a known salutation can be told from a title there
    ...(person.salutation ? [{ name: 'X-KONTAKT-SALUTATION', value: escapeText(person.salutation) }] : []),
    ...(person.title ? [{ name: 'X-KONTAKT-TITLE', value: escapeText(person.title) }] : []),
    ...(person.uid ? [{ name: 'UID', value: escapeText(person.uid) }] : []),
    ...(person.updatedAt
      ? [{ name: 'REV', value: version === '4.0' ? person.updatedAt.replace(/[-:]|\.\d+/g, '') : person.updatedAt }]
      : []),
  ];
};

/** N's prefix split back into salutation and title: a leading salutation word, the rest the title. */
const splitPrefix = (prefix: string): { salutation?: string; title?: string } => {
  const [head = '', ...rest] = prefix.trim().split(/\s+/);
  if (head !== '' && salutations.includes(head.toLowerCase())) {
    const title = rest.join(' ');
    return { salutation: head, ...(title ? { title } : {}) };
  }
  return prefix.trim() ? { title: prefix.trim() } : {};
};

/** The address a card gives first: its preferred one, else its work one, else its first. */
const chosenAddress = (contact: VCardContact): Address | undefined => {
  const adr =
    contact.addresses.find((a) => a.preferred) ??
    contact.addresses.find((a) => a.types.includes('work')) ??
    contact.addresses[0];
  if (!adr) return undefined;
  const street = adr.street || adr.poBox;
  const address: Address = {
    ...(street ? { street } : {}),
    ...(adr.extended ? { addressLine2: adr.extended } : {}),
    ...(adr.postalCode ? { postalCode: adr.postalCode } : {}),
    ...(adr.city ? { city: adr.city } : {}),
    ...(adr.country ? { country: adr.country } : {}),
  };
  return Object.keys(address).length > 0 ? address : undefined;
};

/** Preferred entries first, each value once, in the card's order otherwise. */
const preferredFirst = <T extends { preferred: boolean }>(
  items: readonly T[],
  value: (item: T) => string,
): string[] => [...new Set([...items.filter((i) => i.preferred), ...items.filter((i) => !i.preferred)].map(value))];

/** What a card gives a person (and the name of the company it names). */
export const personFromContact = (contact: VCardContact): PersonCard => {
  const fromPrefix = splitPrefix(contact.name.prefix);
  // Kontakt's own export names them apart; another client's card only in N's prefix
  const own = contact.salutation !== null || contact.academicTitle !== null;
  const salutation = own ? (contact.salutation ?? undefined) : fromPrefix.salutation;
  const title = own ? (contact.academicTitle ?? undefined) : fromPrefix.title;
  const firstName = words(contact.name.first, contact.name.middle);
  const lastName = contact.name.last || firstName;
  const address = chosenAddress(contact);
  return {
    ...(salutation ? { salutation } : {}),
    ...(title ? { title } : {}),
    ...(firstName && contact.name.last ? { firstName } : {}),
    lastName,
    emails: preferredFirst(contact.emails, (e) => e.address),
    phones: preferredFirst(contact.phones, (p) => p.number),
    ...(address ? { address } : {}),
    ...(contact.birthday ? { birthday: contact.birthday } : {}),
    ...(contact.title ? { position: contact.title } : {}),
    ...(contact.role ? { role: contact.role } : {}),
    ...(contact.urls.length > 0 ? { urls: contact.urls } : {}),
    ...(contact.note ? { note: contact.note } : {}),
    ...(contact.categories.length > 0 ? { tags: contact.categories } : {}),
    ...(contact.photo ? { photo: 'uri' in contact.photo ? { url: contact.photo.uri } : contact.photo } : {}),
    ...(contact.organization?.units[0] ? { department: contact.organization.units[0] } : {}),
    ...(contact.organization?.name ? { companyName: contact.organization.name } : {}),
    ...(contact.origin ? { origin: contact.origin } : {}),
  };
};

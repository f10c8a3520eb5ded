/**
 * `GET /v1/persons/{id}/vcard`: the person as a vCard file, 3.0 by default (what Outlook reads) or
 * `?version=4.0`, with their company and department in ORG, and for the company's main contact
 * without an address of their own the company's address (seed 003: the main contact carries it).
 */
import type * as z from 'zod/mini';
import { type Company, departmentOf } from '../../domain/companies/company.ts';
import type { Person } from '../../domain/persons/person.ts';
import { type PersonCard, personVCard } from '../../domain/vcards/person-vcard.ts';
import { formatVCard } from '../../domain/vcards/vcard-writer.ts';
import type { HttpRequest, HttpResult } from '../shared/http.ts';
import type { CompanyRepository } from './company.repository.ts';
import type { ContactFiles } from './contact-files.ts';
import type { CompanyVCardsQuery, PersonVCardQuery, RecordIdPath } from './contacts-input.ts';
import type { PersonRepository } from './person.repository.ts';
import { type Collection, loadActive, MergedInto, redirectAnswer } from './record-access.ts';

export type VCardExportDeps = {
  persons: Pick<PersonRepository, 'load' | 'inCompany'>;
  companies: Pick<CompanyRepository, 'load'>;
  /** where stored photos are read (loaded on first use) */
  files: () => Promise<Pick<ContactFiles, 'photo'>>;
};

type Photo = NonNullable<PersonCard['photo']>;

/** Photo bytes a company's file inlines at most: as base64 (and a zip's base64) well inside Lambda's 6 MB answer. */
export const maxInlinePhotoBytes = 2 * 1024 * 1024;

/** The person's photo for their card: a link as it is, a stored image read (left out when it is gone). */
const photoOf = async (deps: VCardExportDeps, person: Person): Promise<Photo | undefined> => {
  const photo = person.photo;
  if (!photo) return undefined;
  if ('url' in photo) return { url: photo.url };
  const bytes = await (await deps.files()).photo(photo.sha256);
  return bytes ? { bytes, mediaType: photo.mediaType } : undefined;
};

const persons: Collection = { what: 'person', basePath: '/v1/persons' };
const companies: Collection = { what: 'company', basePath: '/v1/companies' };

/** The person's card, with what their company adds: its name, their department, and its address for its main contact. */
const cardOf = (person: Person, company: Company | null, version: '3.0' | '4.0', photo: Photo | undefined): string => {
  const isMainContact = company?.mainContactId === person.id;
  return formatVCard(
    version,
    personVCard(
      {
        salutation: person.salutation,
        title: person.title,
        firstName: person.firstName,
        lastName: person.lastName,
        emails: person.emails,
        phones: person.phones,
        address: person.address ?? (isMainContact ? company?.address : undefined),
        birthday: person.birthday,
        position: person.position,
        role: person.role,
        urls: person.urls,
        note: person.note,
        tags: person.tags,
        photo,
        department: (company && departmentOf(company, person.departmentId)?.name) ?? person.department,
        origin: person.origin,
        companyName: company?.name,
        updatedAt: person.updatedAt,
        uid: `urn:kontakt:person:${person.id}`,
      },
      version,
    ),
  );
};

const fullName = (person: Person): string => [person.firstName, person.lastName].filter(Boolean).join(' ');

/** Characters no file name may hold on Windows or macOS. */
const unsafeFileChars = /["\\/:*?<>|]/g;

/** RFC 5987: percent-encode what `encodeURIComponent` leaves but an ext-value may not hold. */
const extValue = (text: string): string =>
  encodeURIComponent(text).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** A file name any client takes: the name's letters folded to ASCII, the UTF-8 name beside it. */
const disposition = (name: string, extension: 'vcf' | 'zip'): string => {
  const ascii = name
    .normalize('NFKD')
    .replace(/[^\x20-\x7e]/g, '')
    .replace(unsafeFileChars, '')
    .trim();
  return `attachment; filename="${ascii || 'kontakt'}.${extension}"; filename*=UTF-8''${extValue(`${name}.${extension}`)}`;
};

export const getPersonVCard =
  (deps: VCardExportDeps) =>
  async (
    request: HttpRequest<undefined, z.infer<typeof RecordIdPath>, z.infer<typeof PersonVCardQuery>>,
  ): Promise<HttpResult> => {
    const person = await loadActive(deps.persons, persons, request.path.id, request.event.rawPath);
    if (person instanceof MergedInto) return redirectAnswer(person, request.event.rawPath);
    const loaded = person.companyId ? await deps.companies.load(person.companyId) : null;
    const company = loaded?.state === 'active' ? loaded.record : null;
    const card = cardOf(person, company, request.query.version ?? '3.0', await photoOf(deps, person));
    return {
      status: 200,
      rawBody: card,
      headers: {
        'content-type': `text/vcard; charset=utf-8`,
        'content-disposition': disposition(fullName(person), 'vcf'),
      },
    };
  };

/**
 * `GET /v1/companies/{id}/vcards`: the company's people as one file of cards (by name), or with
 * `?split=true` a zip of one file per person, since Outlook imports only a file's first card.
 */
export const getCompanyVCards =
  (deps: VCardExportDeps) =>
  async (
    request: HttpRequest<undefined, z.infer<typeof RecordIdPath>, z.infer<typeof CompanyVCardsQuery>>,
  ): Promise<HttpResult> => {
    const loaded = await loadActive(deps.companies, companies, request.path.id, request.event.rawPath);
    if (loaded instanceof MergedInto) return redirectAnswer(loaded, request.event.rawPath);
    const company = loaded;
    const version = request.query.version ?? '3.0';
    // by name already: the company's person list is ordered by folded last and first name
    const people = await deps.persons.inCompany(company.id);
    // photos read a few at a time (a company of hundreds must not open hundreds of connections),
    // and inlined up to a budget: a Lambda answer holds 6 MB, base64 included; past it a card goes
    // without its photo (the person's own vCard still carries it), and the answer says how many
    const photos = new Map<string, Photo | undefined>();
    let photoBytes = 0;
    let omitted = 0;
    for (let at = 0; at < people.length; at += 8) {
      const batch = people.slice(at, at + 8).filter((p) => {
        const size = p.photo && 'size' in p.photo ? p.photo.size : 0;
        if (photoBytes + size > maxInlinePhotoBytes) {
          omitted += 1;
          return false;
        }
        photoBytes += size;
        return true;
      });
      const read = await Promise.all(batch.map((p) => photoOf(deps, p)));
      for (const [i, p] of batch.entries()) photos.set(p.id, read[i]);
    }
    const omittedHeader: Record<string, string> = omitted > 0 ? { 'x-kontakt-photos-omitted': String(omitted) } : {};
    if (request.query.split !== 'true') {
      return {
        status: 200,
        rawBody: people.map((p) => cardOf(p, company, version, photos.get(p.id))).join(''),
        headers: {
          'content-type': 'text/vcard; charset=utf-8',
          'content-disposition': disposition(company.name, 'vcf'),
          ...omittedHeader,
        },
      };
    }
    // one file per person, named after them; a name taken (as an unpacking file system compares
    // names: case and Unicode form folded) gets the next free number
    const taken = new Set<string>();
    const files: Record<string, string> = {};
    for (const person of people) {
      const base = fullName(person).replace(unsafeFileChars, '').trim() || person.id;
      let name = `${base}.vcf`;
      for (let n = 2; taken.has(name.normalize('NFC').toLowerCase()); n += 1) name = `${base} (${n}).vcf`;
      taken.add(name.normalize('NFC').toLowerCase());
      files[name] = cardOf(person, company, version, photos.get(person.id));
    }
    // loaded on first use: fflate's tables cost every cold start of this function, and only a split export needs them
    const { zipCards } = await import('./vcard-zip.ts');
    const zip = zipCards(files);
    return {
      status: 200,
      rawBody: Buffer.from(zip).toString('base64'),
      base64: true,
      headers: {
        'content-type': 'application/zip',
        'content-disposition': disposition(company.name, 'zip'),
        ...omittedHeader,
      },
    };
  };

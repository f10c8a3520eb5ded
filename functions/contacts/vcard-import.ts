/**
 * Importing vCard files (seed 000 "Neu von Visitenkarte"; PRODUCT.md rule 11): every card of the
 * file, in file order, becomes a person through the same rules as `POST /v1/persons`, with one
 * result each:
 * - `created` with the person's id;
 * - `duplicate` with the candidates duplicate protection found (nothing created unless `force`),
 *   or the person this very card created before (a guard per card content: importing a file again
 *   creates nothing twice, forced or not);
 * - `invalid`, naming the property and its line (a card without N and FN names both).
 *
 * What a card holds that Kontakt cannot keep is dropped with a warning naming property and line (an
 * address that is no email, a sixth phone number, a photo over 1 MB, a birthday without a year), so
 * one bad value does not lose the card. ORG links the company duplicate protection finds as a
 * `match`, creates it when there is no candidate at all (in the person's transaction), and only
 * reports `possible` candidates, leaving the link to a user. A photo is stored in the bucket; a
 * photo link is kept as a link and never fetched.
 */
import { createHash } from 'node:crypto';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { ulid } from 'ulid';
import * as z from 'zod/mini';
import { type Company, createCompany, ensureDepartment, foldedName } from '../../domain/companies/company.ts';
import { normaliseCountry } from '../../domain/duplicates/address.ts';
import { normalisePhone, phoneCountry } from '../../domain/duplicates/normalise-phone.ts';
import { companyLookups } from '../../domain/duplicates/record-profiles.ts';
import type { Candidate } from '../../domain/inbox/inbox-entry.ts';
import type { PersonFields, PersonPhoto } from '../../domain/persons/person.ts';
import { KontaktError } from '../../domain/shared/errors.ts';
import { type PersonCard, personFromContact } from '../../domain/vcards/person-vcard.ts';
import { readContact, type VCardContact } from '../../domain/vcards/vcard-contact.ts';
import { readVCards, type VCardProblem } from '../../domain/vcards/vcard-lines.ts';
import type { Store } from '../shared/store.ts';
import type { CompanyRepository } from './company.repository.ts';
import type { ContactFiles } from './contact-files.ts';
import { NewCompanyBody, NewPersonBody } from './contacts-input.ts';
import { type CompanyAsks, type NewPersonDeps, storeNewPerson } from './persons.ts';
import { vcardCardPut, vcardCards, vcardCompanies, vcardCompanyPut } from './vcard-card.entity.ts';

/** A photo is kept up to this size; Outlook and phones write far smaller ones. */
export const maxPhotoBytes = 1024 * 1024;

/**
 * Cards one request takes: each is a duplicate check and a transaction (about 20 ms), and an API
 * request has 30 seconds; a longer file is imported in parts (`from`, `nextFrom`).
 */
export const maxCardsPerRequest = 250;

export type VCardImportDeps = Omit<NewPersonDeps, 'companies'> & {
  /** a company's own card creates the company */
  companies: NewPersonDeps['companies'] & Pick<CompanyRepository, 'create' | 'update'>;
  store: Pick<Store, 'getItem'>;
  tableName: string;
  /** the bucket's contact files, loaded on first use */
  files: () => Promise<Pick<ContactFiles, 'putPhoto'>>;
};

export type CompanyOutcome = {
  /** `linked`: an existing company matched; `created`: a new one; `possible`: candidates only, not linked */
  status: 'linked' | 'created' | 'possible';
  name: string;
  id?: string;
  candidates?: Candidate[];
};

export type CardResult = {
  index: number;
  status: 'created' | 'duplicate' | 'invalid';
  /** what the card is of: a person, or a company (a company's own card: KIND:org, X-ABShowAs:COMPANY) */
  kind?: 'person' | 'company';
  /** the card's name as it gives it, to tell the results apart */
  name?: string;
  id?: string;
  candidates?: Candidate[];
  errors?: VCardProblem[];
  /** what the card held that was not kept, and why */
  warnings?: VCardProblem[];
  company?: CompanyOutcome;
};

export type ImportAnswer = { results: CardResult[]; cardsTotal: number; nextFrom: number | null; dryRun: boolean };

export type ImportOptions = {
  dryRun: boolean;
  force: boolean;
  userId: string | undefined;
  from: number;
  /** the request's time left: the import stops before it runs out, and `nextFrom` says where to go on */
  remainingMs?: () => number;
};

/** Time kept back for the answer, beside twice the slowest card so far. */
const reserveMs = 2_000;

/** Which card property a person field comes from, to name it in a problem. */
const propertyOf: Record<string, string> = {
  salutation: 'N',
  title: 'N',
  firstName: 'N',
  lastName: 'N',
  emails: 'EMAIL',
  phones: 'TEL',
  address: 'ADR',
  birthday: 'BDAY',
  position: 'TITLE',
  role: 'ROLE',
  urls: 'URL',
  note: 'NOTE',
  tags: 'CATEGORIES',
  department: 'ORG',
  origin: 'X-KONTAKT-ORIGIN',
};

const limits = { emails: 5, phones: 5, urls: 10, tags: 50 } as const;

/** A company's values as `POST /v1/companies` checks them. */
const CompanyValues = z.object({
  name: NewCompanyBody.def.getter().shape.name,
  emails: NewCompanyBody.def.getter().shape.emails,
  phones: NewCompanyBody.def.getter().shape.phones,
  website: NewCompanyBody.def.getter().shape.website,
  address: NewCompanyBody.def.getter().shape.address,
});
const WebsiteValue = NewCompanyBody.def.getter().shape.website.def.innerType;
const EmailValue = NewPersonBody.def.getter().shape.emails.def.innerType.def.element;
const UrlValue = NewPersonBody.def.getter().shape.urls.def.innerType.def.element;

/** The image types kept, by their first bytes (a card's TYPE is often wrong or missing). */
const imageType = (bytes: Uint8Array): string | null => {
  const starts = (...sig: number[]) => sig.every((b, i) => bytes[i] === b);
  if (starts(0xff, 0xd8, 0xff)) return 'image/jpeg';
  if (starts(0x89, 0x50, 0x4e, 0x47)) return 'image/png';
  if (starts(0x47, 0x49, 0x46, 0x38)) return 'image/gif';
  if (starts(0x52, 0x49, 0x46, 0x46) && String.fromCharCode(...bytes.subarray(8, 12)) === 'WEBP') return 'image/webp';
  return null;
};

const sha256 = (data: Uint8Array | string): string => createHash('sha256').update(data).digest('hex');

/** A one-line field as one line: line breaks become ", ", other control characters spaces. */
const oneLine = (text: string | undefined): string | undefined =>
  text === undefined
    ? undefined
    : text
        // split and trimmed line by line: one pass, where a pattern around the breaks would backtrack
        .split(/\r\n|[\r\n\u2028\u2029]/)
        .map((line) => line.trim())
        .filter((line) => line !== '')
        .join(', ')
        .replace(/\p{Cc}+/gu, ' ')
        .trim();

/** The country of the card's address (its preferred, else work, else first one that names one), as a code. */
const cardCountry = (contact: VCardContact): string | null => {
  const withCountry = contact.addresses.filter((a) => a.country.trim() !== '');
  const address =
    withCountry.find((a) => a.preferred) ?? withCountry.find((a) => a.types.includes('work')) ?? withCountry[0];
  return address ? normaliseCountry(address.country) : null;
};

/**
 * A card's numbers in E.164: one written nationally is of the card's own country (a Swiss card's
 * 044 …), Germany's when it names none; null for what cannot be dialled.
 */
const dialler = (contact: VCardContact): ((text: string) => string | null) => {
  const country = phoneCountry(cardCountry(contact));
  return (text) => (country ? normalisePhone(text, country) : normalisePhone(text));
};

/** A value named in a message: at most 100 characters of it. */
const shown = (value: string): string => (value.length > 100 ? `${value.slice(0, 100)}…` : value);

/** Warnings kept per card: past this, one more names how many were left out. */
const maxWarningsPerCard = 20;

const cappedProblems = (problems: VCardProblem[]): VCardProblem[] =>
  problems.length <= maxWarningsPerCard
    ? problems
    : [
        ...problems.slice(0, maxWarningsPerCard),
        {
          property: '*',
          line: problems[maxWarningsPerCard]?.line ?? 0,
          message: `${problems.length - maxWarningsPerCard} more not listed`,
        },
      ];

/** Company names as `POST /v1/companies` takes them. */
const maxCompanyName = 200;
const maxNote = 10_000;
const maxTag = 100;

/** Free text keeps its line breaks (as \n) and tabs, nothing else of the control characters. */
const multiLine = (text: string | undefined): string | undefined =>
  text
    ?.replace(/\r\n?/g, '\n')
    .replace(/[^\P{Cc}\n\t]+/gu, ' ')
    .trim();

/**
 * A card's values as Kontakt's fields take them: one line each but the note (Apple writes a street
 * of two lines, `Lindenallee 12\nHinterhaus`: its second line is the address's second line).
 */
const clean = (card: PersonCard): PersonCard => {
  const address = card.address;
  const [street, ...more] = (address?.street ?? '').split(/\r\n|[\r\n]/);
  return {
    ...card,
    salutation: oneLine(card.salutation),
    title: oneLine(card.title),
    firstName: oneLine(card.firstName),
    lastName: oneLine(card.lastName) ?? '',
    position: oneLine(card.position),
    role: oneLine(card.role),
    department: oneLine(card.department),
    companyName: oneLine(card.companyName),
    origin: oneLine(card.origin),
    note: multiLine(card.note),
    tags: card.tags?.map((t) => oneLine(t) ?? ''),
    urls: card.urls?.map((u) => oneLine(u) ?? ''),
    ...(address
      ? {
          address: {
            ...(street?.trim() ? { street: oneLine(street) } : {}),
            ...(address.addressLine2 || more.length > 0
              ? { addressLine2: oneLine([...more, address.addressLine2 ?? ''].filter(Boolean).join(', ')) }
              : {}),
            ...(address.postalCode ? { postalCode: oneLine(address.postalCode) } : {}),
            ...(address.city ? { city: oneLine(address.city) } : {}),
            ...(address.country ? { country: oneLine(address.country) } : {}),
          },
        }
      : {}),
  };
};

type Prepared =
  | { ok: false; errors: VCardProblem[] }
  | {
      ok: true;
      card: PersonCard;
      fields: PersonFields;
      photo: { sha256: string; bytes: Uint8Array; mediaType: string } | null;
      hash: string;
      warnings: VCardProblem[];
    };

/**
 * What a card gives a person, checked as `POST /v1/persons` checks a request: values Kontakt cannot
 * keep dropped with a warning, what makes the whole card unusable (a name too long) an error.
 */
const prepare = (contact: VCardContact, origins: readonly string[] | null): Prepared => {
  const warnings: VCardProblem[] = [...contact.skipped];
  const warn = (property: string, line: number | undefined, message: string) =>
    warnings.push({ property, line: line ?? 0, message });
  const lineOf = (property: string) => contact.lines[property] ?? 0;

  const emails = contact.emails.filter((e) => {
    const ok = EmailValue.safeParse(e.address).success;
    if (!ok) warn('EMAIL', e.line, `${shown(e.address)} is not an email address: not kept`);
    return ok;
  });
  const dial = dialler(contact);
  const phones = contact.phones.flatMap((p) => {
    const number = dial(p.number);
    if (!number) warn('TEL', p.line, `${shown(p.number)} is not a phone number that can be dialled: not kept`);
    return number ? [{ ...p, number }] : [];
  });
  const urls = contact.urls.filter((url, i) => {
    const ok = UrlValue.safeParse(url).success;
    if (!ok) warn('URL', contact.urlLines[i], `${shown(url)} is not an http or https address: not kept`);
    return ok;
  });
  const read = clean(personFromContact({ ...contact, emails, phones, urls }));
  // what is too long to keep whole: a note is cut, a tag or an organisation's name left out
  let note = read.note;
  if (note !== undefined && note.length > maxNote) {
    warn('NOTE', lineOf('NOTE'), `longer than ${maxNote.toLocaleString('en')} characters: cut there`);
    note = note.slice(0, maxNote);
  }
  // tags are the card's categories one for one (personFromContact), so each has its line
  const tags = read.tags?.filter((tag, i) => {
    if (tag.length <= maxTag) return true;
    warn('CATEGORIES', contact.categoryLines[i], `${shown(tag)} is longer than ${maxTag} characters: not kept`);
    return false;
  });
  // a position, role, department, salutation or academic title too long for its field is left out:
  // the card is kept (LinkedIn writes a whole headline as TITLE)
  const fitted: Partial<PersonCard> = {};
  for (const [field, property, max] of [
    ['position', 'TITLE', 100],
    ['role', 'ROLE', 100],
    ['department', 'ORG', 100],
    ['salutation', 'N', 50],
    ['title', 'N', 100],
  ] as const) {
    const value = read[field];
    if (value !== undefined && value.length > max) {
      warn(property, lineOf(property), `${field} longer than ${max} characters: not kept (${shown(value)})`);
      fitted[field] = undefined;
    }
  }
  let companyName = read.companyName;
  if (companyName !== undefined && companyName.length > maxCompanyName) {
    warn('ORG', lineOf('ORG'), `a company name longer than ${maxCompanyName} characters: no company linked or created`);
    companyName = undefined;
  }
  const card: PersonCard = { ...read, ...fitted, note, tags, companyName };

  const capped = <K extends keyof typeof limits>(key: K, values: readonly string[] | undefined, property: string) => {
    if (!values || values.length <= limits[key]) return values;
    warn(property, lineOf(property), `only the first ${limits[key]} are kept (the card has ${values.length})`);
    return values.slice(0, limits[key]);
  };

  let photo: { sha256: string; bytes: Uint8Array; mediaType: string } | null = null;
  let photoLink: string | undefined;
  if (contact.photo && 'uri' in contact.photo) {
    if (contact.photo.uri.length <= 2000) photoLink = contact.photo.uri;
    else warn('PHOTO', lineOf('PHOTO'), 'a link longer than 2,000 characters: not kept');
  } else if (contact.photo) {
    const type = imageType(contact.photo.bytes);
    if (contact.photo.bytes.length > maxPhotoBytes) {
      warn('PHOTO', lineOf('PHOTO'), `larger than ${maxPhotoBytes / 1024} KB: not kept`);
    } else if (!type) {
      warn('PHOTO', lineOf('PHOTO'), 'not a JPEG, PNG, GIF or WebP image: not kept');
    } else {
      photo = { sha256: sha256(contact.photo.bytes), bytes: contact.photo.bytes, mediaType: type };
    }
  }

  let origin = card.origin;
  if (origin !== undefined && !(origins ?? []).some((o) => o === origin)) {
    warn(
      'X-KONTAKT-ORIGIN',
      lineOf('X-KONTAKT-ORIGIN'),
      `${shown(origin)} is not one of the origins in the settings: not kept`,
    );
    origin = undefined;
  }

  const body = {
    salutation: card.salutation,
    title: card.title,
    firstName: card.firstName,
    lastName: card.lastName,
    emails: capped('emails', card.emails, 'EMAIL'),
    phones: capped('phones', card.phones, 'TEL'),
    address: card.address,
    birthday: card.birthday,
    position: card.position,
    role: card.role,
    urls: capped('urls', card.urls, 'URL'),
    note: card.note,
    tags: capped(
      'tags',
      card.tags?.map((t) => t.trim()).filter((t) => t !== ''),
      'CATEGORIES',
    ),
    department: card.department,
    origin,
  };
  const parsed = NewPersonBody.safeParse(JSON.parse(JSON.stringify(body)));
  if (!parsed.success) {
    const seen = new Set<string>();
    const errors = parsed.error.issues.flatMap((issue) => {
      const field = String(issue.path[0] ?? 'N');
      const property = propertyOf[field] ?? 'N';
      const detail = issue.path.length > 1 ? `${issue.path.slice(1).join('.')}: ` : '';
      const message = `${field} ${detail}${issue.message}`;
      if (seen.has(message)) return [];
      seen.add(message);
      return [{ property, line: lineOf(property === 'N' && !contact.lines.N ? 'FN' : property), message }];
    });
    return { ok: false, errors };
  }
  const { force: _, ...valid } = parsed.data;
  const keptPhoto: PersonPhoto | undefined = photo
    ? { sha256: photo.sha256, mediaType: photo.mediaType, size: photo.bytes.length }
    : photoLink
      ? { url: photoLink }
      : undefined;
  const fields: PersonFields = {
    ...Object.fromEntries(Object.entries(valid).filter(([, v]) => v !== undefined)),
    lastName: valid.lastName,
    emails: valid.emails ?? [],
    phones: valid.phones ?? [],
    isMainContact: false,
    ...(keptPhoto ? { photo: keptPhoto } : {}),
  };
  // the card's content, not its bytes: the same card from another client's file or encoding is the same card
  const hash = sha256(
    JSON.stringify({ ...fields, companyName: card.companyName ?? null, photo: photo?.sha256 ?? photoLink ?? null }),
  );
  return { ok: true, card, fields, photo, hash, warnings };
};

/**
 * The key under which a file's cards share a company: the name as written, case and spacing
 * aside ("Firma 1 GmbH" and "Firma 2 GmbH" are two companies, which a search token would fold together).
 */
const sameName = (name: string): string => name.normalize('NFC').trim().replace(/\s+/g, ' ').toLowerCase();

/** What a card's ORG names, resolved: an existing company, a new one, or candidates only. */
type CompanyPlan =
  | { kind: 'linked'; company: CompanyOutcome; id: string }
  | { kind: 'create'; company: CompanyOutcome; record: Company }
  | { kind: 'possible'; company: CompanyOutcome };

export const importVCards = async (
  deps: VCardImportDeps,
  file: Uint8Array,
  options: ImportOptions,
): Promise<ImportAnswer> => {
  const cards = readVCards(file);
  const part = cards.slice(options.from, options.from + maxCardsPerRequest);
  const origins = await deps.settings.get('origins');
  // companies this file created or linked, by folded name: the file's later cards of the same ORG take them
  const companiesOfFile = new Map<string, CompanyPlan>();
  const results: CardResult[] = [];

  /** The company an import created before under this name, while it (or what it was merged into) exists. */
  /** Name guards that point at a company gone (deleted): a new company of the name takes them over. */
  const staleGuards = new Map<string, string>();

  const companyMadeBefore = async (key: string): Promise<{ id: string; record: Company } | null> => {
    const item = await deps.store.getItem(vcardCompanies.key(key), { consistent: true });
    if (!item) return null;
    const guarded = vcardCompanies.parse(item).companyId;
    // through every merge it went into, to the company that holds it now
    const seen = new Set<string>();
    for (let id = guarded; !seen.has(id) && seen.size < 100; ) {
      seen.add(id);
      const loaded = await deps.companies.load(id, { consistent: true });
      if (loaded?.state === 'active') return { id, record: loaded.record };
      if (loaded?.state !== 'merged') break;
      id = loaded.mergedInto;
    }
    staleGuards.set(key, guarded);
    return null;
  };

  /**
   * What a company made from its people's ORG (a name and nothing else) lacks, from its own card:
   * emails, phones, web address, address; only fields it has none of, conditional on its version.
   */
  const fillIn = async (
    made: { id: string; record: Company },
    values: {
      emails?: string[] | undefined;
      phones?: string[] | undefined;
      website?: string | undefined;
      address?: Company['address'];
    },
  ): Promise<boolean> => {
    const current = made.record;
    const next: Company = {
      ...current,
      ...(current.emails.length === 0 && values.emails?.length ? { emails: values.emails } : {}),
      ...(current.phones.length === 0 && values.phones?.length ? { phones: values.phones } : {}),
      ...(current.website === undefined && values.website ? { website: values.website } : {}),
      ...(current.address === undefined && values.address ? { address: values.address } : {}),
    };
    if (JSON.stringify(next) === JSON.stringify(current) || options.dryRun) return false;
    try {
      await deps.companies.update(current, {
        ...next,
        updatedAt: deps.now().toISOString(),
        version: current.version + 1,
      });
      return true;
    } catch (error) {
      // changed meanwhile by someone else: theirs stands
      if (isConflict(error)) return false;
      throw error;
    }
  };

  /**
   * ORG's company: found as duplicate protection finds one, by its name with what the card says
   * beside it (the email domain, phone, web address and address: as an inbox lead naming a company
   * is matched), since a name alone ("Müller GmbH") is only ever `possible`. A new company carries
   * the name (and the department) only: the card's addresses and numbers are the person's.
   */
  const planCompany = async (card: PersonCard, fields: PersonFields): Promise<CompanyPlan> => {
    const name = card.companyName ?? '';
    const key = sameName(name);
    const known = companiesOfFile.get(key);
    if (known) return known;
    const made = await companyMadeBefore(key);
    if (made) return { kind: 'linked', id: made.id, company: { status: 'linked', name, id: made.id } };
    const now = deps.now();
    const draft = createCompany(
      ulid(now.getTime()),
      { name, type: 'company', relationship: 'prospect', emails: [], phones: [] },
      now,
      { by: 'user', userId: options.userId },
    );
    const evidence: Company = {
      ...draft,
      emails: fields.emails,
      phones: fields.phones,
      ...(fields.urls?.[0] ? { website: fields.urls[0] } : {}),
      ...(fields.address ? { address: fields.address } : {}),
    };
    const candidates = await deps.findCandidates(companyLookups(evidence), { kinds: ['company'] });
    const match = candidates.find((c) => c.level === 'match');
    if (match) return { kind: 'linked', id: match.id, company: { status: 'linked', name, id: match.id } };
    // a request beside this one may have created it since the first look (its name then shows as
    // a `possible` candidate): its guard says so
    const since = await companyMadeBefore(key);
    if (since) return { kind: 'linked', id: since.id, company: { status: 'linked', name, id: since.id } };
    if (candidates.length > 0) return { kind: 'possible', company: { status: 'possible', name, candidates } };
    const record = card.department
      ? ensureDepartment(draft, card.department, () => ulid(now.getTime())).company
      : draft;
    return { kind: 'create', record, company: { status: 'created', name, id: record.id } };
  };

  /**
   * A company's own card (Apple's company entries, KIND:org, a card named only by its ORG): the
   * company, through duplicate protection like `POST /v1/companies`, with the card's emails, phones,
   * web address and address; never a person named after it.
   */
  const importCompanyCard = async (index: number, contact: VCardContact): Promise<CardResult> => {
    const name = oneLine(contact.organization?.name || contact.formattedName || '') ?? '';
    const orgLine = contact.lines.ORG ?? contact.lines.FN ?? 0;
    const base = { index, kind: 'company' as const, name: shown(name) };
    if (name === '' || name.length > maxCompanyName) {
      return {
        ...base,
        status: 'invalid',
        errors: [
          {
            property: 'ORG',
            line: orgLine,
            message: name === '' ? 'the company’s card names no company' : `longer than ${maxCompanyName} characters`,
          },
        ],
      };
    }
    const warnings: VCardProblem[] = [...contact.skipped];
    const warn = (property: string, line: number | undefined, message: string) =>
      warnings.push({ property, line: line ?? orgLine, message });
    const dial = dialler(contact);
    const emails: string[] = [];
    for (const e of contact.emails) {
      if (!EmailValue.safeParse(e.address).success)
        warn('EMAIL', e.line, `${shown(e.address)} is not an email address: not kept`);
      else if (emails.length >= limits.emails) warn('EMAIL', e.line, `only the first ${limits.emails} are kept`);
      else emails.push(e.address);
    }
    const phones: string[] = [];
    for (const p of contact.phones) {
      const number = dial(p.number);
      if (!number) warn('TEL', p.line, `${shown(p.number)} is not a phone number that can be dialled: not kept`);
      else if (phones.length >= limits.phones) warn('TEL', p.line, `only the first ${limits.phones} are kept`);
      else phones.push(number);
    }
    // a company keeps one web address: its first that is one
    let website: string | undefined;
    for (const [i, url] of contact.urls.entries()) {
      const line = contact.urlLines[i];
      if (website === undefined && WebsiteValue.safeParse(url).success) website = url;
      else
        warn(
          'URL',
          line,
          website === undefined
            ? `${shown(url)} is not a web address: not kept`
            : `a company keeps one web address: ${shown(url)} not kept`,
        );
    }
    // what a company record has no place for
    const notKept = (property: string, what: string) => {
      if (contact.lines[property] !== undefined)
        warn(property, contact.lines[property], `a company keeps no ${what}: not kept`);
    };
    notKept('NOTE', 'note');
    notKept('CATEGORIES', 'tags');
    notKept('PHOTO', 'photo');
    if ((contact.organization?.units.length ?? 0) > 0)
      warn('ORG', orgLine, 'a company’s card names no department: its units are not kept');
    const address = clean(personFromContact(contact)).address;
    const parsed = CompanyValues.safeParse(JSON.parse(JSON.stringify({ name, emails, phones, website, address })));
    if (!parsed.success) {
      return {
        ...base,
        status: 'invalid',
        errors: parsed.error.issues.slice(0, maxWarningsPerCard).map((issue) => {
          const field = String(issue.path[0] ?? 'name');
          const property = field === 'address' ? 'ADR' : field === 'website' ? 'URL' : 'ORG';
          return { property, line: contact.lines[property] ?? orgLine, message: `${field} ${issue.message}` };
        }),
      };
    }
    const values = parsed.data;
    const done = (result: Omit<CardResult, 'index' | 'kind' | 'name'>): CardResult => ({
      ...base,
      ...(warnings.length > 0 ? { warnings: cappedProblems(warnings) } : {}),
      ...result,
    });
    const madeBefore = (id: string, reason: string): Candidate => certainMatch('company', id, reason);
    const hash = sha256(JSON.stringify({ kind: 'company', ...values }));
    const key = sameName(values.name);
    const earlierCard = await deps.store.getItem(vcardCards.key(hash), { consistent: true });
    if (earlierCard) {
      return done({
        status: 'duplicate',
        candidates: [sameCard('company', vcardCards.parse(earlierCard).companyId ?? '')],
      });
    }
    const made = await companyMadeBefore(key);
    if (made) {
      // the company an import made from its people's ORG, with its name only: this card fills in
      // what it lacks (a person's card naming the company often comes first in a file by name)
      const filled = await fillIn(made, values);
      return done({
        status: 'duplicate',
        candidates: [
          madeBefore(
            made.id,
            filled
              ? 'created by a vCard import before; this card filled in what it lacked'
              : 'created by a vCard import before',
          ),
        ],
        company: { status: 'linked', name: values.name, id: made.id },
      });
    }
    const now = deps.now();
    const record = createCompany(
      ulid(now.getTime()),
      {
        name: values.name,
        type: 'company',
        relationship: 'prospect',
        emails: values.emails ?? [],
        phones: values.phones ?? [],
        ...(values.website ? { website: values.website } : {}),
        ...(values.address ? { address: values.address } : {}),
      },
      now,
      { by: 'user', userId: options.userId },
    );
    const candidates = await deps.findCandidates(companyLookups(record), { kinds: ['company'] });
    if (candidates.length > 0 && !options.force) return done({ status: 'duplicate', candidates });
    const company: CompanyOutcome = { status: 'created', name: values.name };
    if (options.dryRun) return done({ status: 'created', company });
    const at = now.toISOString();
    try {
      await deps.companies.create(record, [
        vcardCardPut(deps.tableName, { hash, companyId: record.id, importedAt: at }),
        vcardCompanyPut(deps.tableName, { name: key, companyId: record.id, createdAt: at }, staleGuards.get(key)),
      ]);
    } catch (error) {
      // a request beside this one created it first
      const first = await companyMadeBefore(key);
      if (first)
        return done({ status: 'duplicate', candidates: [madeBefore(first.id, 'created by a vCard import before')] });
      throw error;
    }
    companiesOfFile.set(key, {
      kind: 'linked',
      id: record.id,
      company: { status: 'linked', name: values.name, id: record.id },
    });
    return done({ status: 'created', id: record.id, company: { ...company, id: record.id } });
  };

  let slowestMs = 0;
  let stoppedAt: number | null = null;
  for (const raw of part) {
    const remaining = options.remainingMs?.() ?? Number.POSITIVE_INFINITY;
    if (results.length > 0 && remaining < reserveMs + 2 * slowestMs) {
      stoppedAt = raw.index;
      break;
    }
    const started = performance.now();
    results.push(...(await importCard(raw)));
    slowestMs = Math.max(slowestMs, performance.now() - started);
  }
  return {
    results,
    cardsTotal: cards.length,
    nextFrom: stoppedAt ?? (options.from + part.length < cards.length ? options.from + part.length : null),
    dryRun: options.dryRun,
  };

  async function importCard(raw: (typeof part)[number]): Promise<CardResult[]> {
    const results: CardResult[] = [];
    const reading = readContact(raw);
    if (!reading.ok) {
      results.push({ index: raw.index, status: 'invalid', errors: cappedProblems(reading.errors) });
      return results;
    }
    const contact = reading.contact;
    if (contact.kind === 'group' || contact.kind === 'location') {
      const by = contact.kindBy ?? { property: 'KIND', line: raw.line };
      results.push({
        index: raw.index,
        status: 'invalid',
        ...(contact.formattedName ? { name: shown(contact.formattedName) } : {}),
        errors: [
          {
            ...by,
            message:
              contact.kind === 'group'
                ? 'a contact group (a list of other cards), not a person: not imported'
                : 'a place, not a person: not imported',
          },
        ],
      });
      return results;
    }
    if (contact.kind === 'org') {
      results.push(await importCompanyCard(raw.index, contact));
      return results;
    }
    const name = shown(contact.formattedName ?? [contact.name.first, contact.name.last].filter(Boolean).join(' '));
    const prepared = prepare(contact, origins);
    if (!prepared.ok) {
      results.push({ index: raw.index, status: 'invalid', name, errors: cappedProblems(prepared.errors) });
      return results;
    }
    const { card, warnings } = prepared;
    const base = {
      index: raw.index,
      kind: 'person' as const,
      name,
      ...(warnings.length > 0 ? { warnings: cappedProblems(warnings) } : {}),
    };

    const guard = await deps.store.getItem(vcardCards.key(prepared.hash), { consistent: true });
    if (guard) {
      const earlier = vcardCards.parse(guard);
      results.push({ ...base, status: 'duplicate', candidates: [sameCard('person', earlier.personId ?? '')] });
      return results;
    }

    const ready = prepared;
    const attempt = async () => {
      const plan = card.companyName ? await planCompany(card, ready.fields) : null;
      let fields = ready.fields;
      const asks: CompanyAsks = {};
      if (plan?.kind === 'linked') {
        const { department: _, ...rest } = fields;
        fields = { ...rest, companyId: plan.id };
        asks.department = card.department;
      } else if (plan?.kind === 'create') {
        const wanted = card.department === undefined ? null : foldedName(card.department);
        const departmentId = plan.record.departments?.find((d) => foldedName(d.name) === wanted)?.id;
        const { department: _, ...rest } = fields;
        fields = { ...rest, companyId: plan.record.id, ...(departmentId ? { departmentId } : {}) };
      }
      const photo = ready.photo;
      const at = deps.now().toISOString();
      const result = await storeNewPerson(deps, fields, {
        force: options.force,
        asks,
        userId: options.userId,
        dryRun: options.dryRun,
        ...(plan?.kind === 'create' ? { newCompany: plan.record } : {}),
        beforeWrite: async () => {
          if (photo) await (await deps.files()).putPhoto(photo.sha256, photo.bytes, photo.mediaType);
        },
        extra: (person) => [
          vcardCardPut(deps.tableName, { hash: ready.hash, personId: person.id, importedAt: at }),
          // the company this import creates, by its name: a later part, a retry or another request
          // naming it finds it, where duplicate protection would find a bare name only `possible`
          ...(plan?.kind === 'create'
            ? [
                vcardCompanyPut(
                  deps.tableName,
                  { name: sameName(plan.company.name), companyId: plan.record.id, createdAt: at },
                  staleGuards.get(sameName(plan.company.name)),
                ),
              ]
            : []),
        ],
      });
      return { ...result, plan };
    };

    // a conflict with a request running beside this one (the same company's version, the same new
    // company's name) is tried again, planning afresh: the company it made is then found
    let stored:
      | Awaited<ReturnType<typeof attempt>>
      | { sameCard: string; plan: null }
      | { refused: VCardProblem; plan: null };
    for (let tries = 1; ; tries += 1) {
      try {
        stored = await attempt();
        break;
      } catch (error) {
        const earlier = await deps.store.getItem(vcardCards.key(prepared.hash), { consistent: true });
        if (earlier) {
          stored = { sameCard: vcardCards.parse(earlier).personId ?? '', plan: null };
          break;
        }
        const refused = error instanceof KontaktError ? clientProblem(error) : null;
        if (refused) {
          // what this card asks breaks a rule (its company is being merged, its department would be
          // one too many): the card is answered, the file goes on
          stored = { refused: { ...refused, line: contact.lines[refused.property] ?? raw.line }, plan: null };
          break;
        }
        if (tries >= 4 || !isConflict(error)) throw error;
        if (card.companyName) companiesOfFile.delete(sameName(card.companyName));
        // requests beside this one write the same company: wait a little, differently each time
        await new Promise((resolve) => setTimeout(resolve, 20 * tries + Math.random() * 80 * tries));
      }
    }
    const plan = stored.plan;

    if ('refused' in stored) {
      results.push({ ...base, status: 'invalid', errors: [stored.refused] });
      return results;
    }
    if ('sameCard' in stored) {
      results.push({ ...base, status: 'duplicate', candidates: [sameCard('person', stored.sameCard)] });
      return results;
    }
    if ('candidates' in stored) {
      // nothing was created, so neither was a company; a company found is still worth naming
      results.push({
        ...base,
        status: 'duplicate',
        candidates: stored.candidates,
        ...(plan && plan.kind !== 'create' ? { company: plan.company } : {}),
      });
      return results;
    }
    if (plan) {
      // the file's later cards naming this company take it, created or not
      const key = sameName(plan.company.name);
      if (plan.kind === 'create' && !options.dryRun) {
        companiesOfFile.set(key, {
          kind: 'linked',
          id: plan.record.id,
          company: { ...plan.company, status: 'linked' },
        });
      } else {
        companiesOfFile.set(key, plan);
      }
    }
    const company = plan
      ? options.dryRun && plan.kind === 'create'
        ? { ...plan.company, id: undefined }
        : plan.company
      : null;
    results.push({
      ...base,
      status: 'created',
      ...(options.dryRun ? {} : { id: stored.person.id }),
      ...(company ? { company: JSON.parse(JSON.stringify(company)) as CompanyOutcome } : {}),
    });
    return results;
  }
};

/** The refusals that are about one card's input, not about the request or the service. */
const cardRefusals = new Set([
  'validation-failed',
  'unprocessable',
  'not-found',
  'merge-in-progress',
  'already-merged',
]);

/** Which property of a card a refusal (400, 404, 422) was about, as a problem of the card. */
const clientProblem = (error: KontaktError): VCardProblem | null => {
  if (!cardRefusals.has(error.code)) return null;
  const field = error.errors?.[0]?.field ?? '';
  const property = field.startsWith('department') || field === 'companyId' ? 'ORG' : (propertyOf[field] ?? 'N');
  return { property, line: 0, message: error.errors?.[0]?.message ?? error.message };
};

/** A write that lost to a request beside it: a version or a guard written meanwhile. */
const isConflict = (error: unknown): boolean =>
  error instanceof TransactionCanceledException ||
  (error instanceof KontaktError && (error.code === 'concurrent-change' || error.code === 'stale-version'));

/** A candidate that is certainly the record: an import made it, for the reason given. */
const certainMatch = (kind: 'person' | 'company', id: string, reason: string): Candidate => ({
  kind,
  id,
  score: 1,
  level: 'match',
  reasons: [reason],
});

/** The candidate that says this card was imported before, as the record it created then. */
const sameCard = (kind: 'person' | 'company', id: string): Candidate =>
  certainMatch(kind, id, 'the same card was imported before');

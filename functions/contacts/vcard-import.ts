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
import { ulid } from 'ulid';
import { type Company, createCompany, ensureDepartment, foldedName } from '../../domain/companies/company.ts';
import { normalisePhone } from '../../domain/duplicates/normalise-phone.ts';
import { companyLookups } from '../../domain/duplicates/record-profiles.ts';
import type { Candidate } from '../../domain/inbox/inbox-entry.ts';
import type { PersonFields, PersonPhoto } from '../../domain/persons/person.ts';
import { type PersonCard, personFromContact } from '../../domain/vcards/person-vcard.ts';
import { readContact, type VCardContact } from '../../domain/vcards/vcard-contact.ts';
import { readVCards, type VCardProblem } from '../../domain/vcards/vcard-lines.ts';
import type { Store } from '../shared/store.ts';
import type { ContactFiles } from './contact-files.ts';
import { NewPersonBody } from './contacts-input.ts';
import { type CompanyAsks, type NewPersonDeps, storeNewPerson } from './persons.ts';
import { vcardCardPut, vcardCards } from './vcard-card.entity.ts';

/** A photo is kept up to this size; Outlook and phones write far smaller ones. */
export const maxPhotoBytes = 1024 * 1024;

/**
 * Cards one request takes: each is a duplicate check and a transaction (about 20 ms), and an API
 * request has 30 seconds; a longer file is imported in parts (`from`, `nextFrom`).
 */
export const maxCardsPerRequest = 250;

export type VCardImportDeps = NewPersonDeps & {
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
  text
    ?.replace(/\s*(?:\r\n|[\r\n\u2028\u2029])+\s*/g, ', ')
    .replace(/\p{Cc}+/gu, ' ')
    .trim();

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
    if (!ok) warn('EMAIL', e.line, `${e.address} is not an email address: not kept`);
    return ok;
  });
  const phones = contact.phones.flatMap((p) => {
    const number = normalisePhone(p.number);
    if (!number) warn('TEL', p.line, `${p.number} is not a phone number that can be dialled: not kept`);
    return number ? [{ ...p, number }] : [];
  });
  const urls = contact.urls.filter((url) => {
    const ok = UrlValue.safeParse(url).success;
    if (!ok) warn('URL', lineOf('URL'), `${url.slice(0, 100)} is not an http or https address: not kept`);
    return ok;
  });
  const card = clean(personFromContact({ ...contact, emails, phones, urls }));

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
      `${origin} is not one of the origins in the settings: not kept`,
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
    if (candidates.length > 0) return { kind: 'possible', company: { status: 'possible', name, candidates } };
    const record = card.department
      ? ensureDepartment(draft, card.department, () => ulid(now.getTime())).company
      : draft;
    return { kind: 'create', record, company: { status: 'created', name, id: record.id } };
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
      results.push({ index: raw.index, status: 'invalid', errors: reading.errors });
      return results;
    }
    const contact = reading.contact;
    const name = contact.formattedName ?? [contact.name.first, contact.name.last].filter(Boolean).join(' ');
    const prepared = prepare(contact, origins);
    if (!prepared.ok) {
      results.push({ index: raw.index, status: 'invalid', name, errors: prepared.errors });
      return results;
    }
    const { card, warnings } = prepared;
    const base = { index: raw.index, name, ...(warnings.length > 0 ? { warnings } : {}) };

    const guard = await deps.store.getItem(vcardCards.key(prepared.hash), { consistent: true });
    if (guard) {
      const earlier = vcardCards.parse(guard);
      results.push({ ...base, status: 'duplicate', candidates: [sameCard(earlier.personId)] });
      return results;
    }

    const plan = card.companyName ? await planCompany(card, prepared.fields) : null;
    let fields = prepared.fields;
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

    const photo = prepared.photo;
    const stored = await storeNewPerson(deps, fields, {
      force: options.force,
      asks,
      userId: options.userId,
      dryRun: options.dryRun,
      ...(plan?.kind === 'create' ? { newCompany: plan.record } : {}),
      beforeWrite: async () => {
        if (photo) await (await deps.files()).putPhoto(photo.sha256, photo.bytes, photo.mediaType);
      },
      extra: (person) => [
        vcardCardPut(deps.tableName, {
          hash: prepared.hash,
          personId: person.id,
          importedAt: deps.now().toISOString(),
        }),
      ],
    }).catch(async (error: unknown) => {
      // the same card imported by a request running beside this one: its guard came first
      const earlier = await deps.store.getItem(vcardCards.key(prepared.hash), { consistent: true });
      if (earlier) return { sameCard: vcardCards.parse(earlier).personId };
      throw error;
    });
    if ('sameCard' in stored) {
      results.push({ ...base, status: 'duplicate', candidates: [sameCard(stored.sameCard)] });
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

/** The candidate that says this card was imported before, as the person it created then. */
const sameCard = (personId: string): Candidate => ({
  kind: 'person',
  id: personId,
  score: 1,
  level: 'match',
  reasons: ['the same card was imported before'],
});

/** What person, company, merge and duplicate-check requests must look like. */
import * as z from 'zod/mini';
import { companyTypes, relationships } from '../../domain/companies/company.ts';
import { lifecycleStages } from '../../domain/companies/lifecycle.ts';
import { CalendarDate } from '../inbox/contact-input.ts';
import { LimitParam } from '../shared/cursor.ts';
import { SearchText } from '../shared/validation.ts';

const text = (max: number) => z.string().check(z.trim(), z.minLength(1, 'must not be empty'), z.maxLength(max));
const optionalText = (max: number) => z.optional(text(max));
const recordId = z.string().check(z.minLength(1), z.maxLength(64));

/** Phones are checked and brought to E.164 by the use case, which names the bad entry (`phones.1`). */
const Phone = z.string().check(z.maxLength(50), z.regex(/^[0-9+()/.\-\s]+$/, 'not a phone number'));
/** A web address as people write it: with or without its scheme, never a script. */
const WebAddress = z.string().check(
  z.trim(),
  z.minLength(1, 'must not be empty'),
  z.maxLength(2000),
  z.refine((url) => !/^[a-z][a-z0-9+.-]*:/i.test(url) || /^https?:\/\//i.test(url), 'use an http or https address'),
);
const Email = z.email('not a valid email address').check(z.maxLength(254));

export const AddressInput = z.lazy(() =>
  z.strictObject({
    street: optionalText(200),
    addressLine2: optionalText(200),
    postalCode: z.optional(z.string().check(z.trim(), z.maxLength(20))),
    city: optionalText(200),
    country: optionalText(100),
  }),
);

const personFields = {
  salutation: optionalText(50),
  title: optionalText(100),
  /** optional, as in Salesforce: the last name is what a person record needs */
  firstName: optionalText(100),
  lastName: text(100),
  emails: z.optional(z.array(Email).check(z.maxLength(5, 'give at most 5'))),
  phones: z.optional(z.array(Phone).check(z.maxLength(5, 'give at most 5'))),
  address: z.optional(AddressInput),
  birthday: z.optional(CalendarDate),
  companyId: z.optional(recordId),
  isMainContact: z.optional(z.boolean()),
  supervisorId: z.optional(recordId),
  /** by name: with a company, that company's department of this name (added to its list when new) */
  department: optionalText(100),
  /** one of the company's departments by id */
  departmentId: z.optional(recordId),
  position: optionalText(100),
  role: optionalText(100),
  urls: z.optional(z.array(WebAddress).check(z.maxLength(10, 'give at most 10'))),
  note: optionalText(10_000),
  tags: z.optional(z.array(text(100)).check(z.maxLength(50, 'give at most 50'))),
  origin: optionalText(100),
  /** a person without a company only (B2C): one with a company has the company's stage */
  lifecycleStage: z.optional(z.enum(lifecycleStages)),
};

export const NewPersonBody = z.lazy(() =>
  z.strictObject({
    ...personFields,
    /** create even when duplicate protection finds candidates */
    force: z.optional(z.boolean()),
  }),
);

const nullable = <S extends z.ZodMiniType>(schema: S) => z.optional(z.nullable(schema));

const AddressPatch = z.strictObject({
  street: nullable(text(200)),
  addressLine2: nullable(text(200)),
  postalCode: nullable(z.string().check(z.trim(), z.maxLength(20))),
  city: nullable(text(200)),
  country: nullable(text(100)),
});

export const PersonPatchBody = z.lazy(() =>
  z.strictObject({
    version: z.number().check(z.int()),
    salutation: nullable(text(50)),
    title: nullable(text(100)),
    firstName: nullable(text(100)),
    lastName: z.optional(text(100)),
    emails: z.optional(personFields.emails.def.innerType),
    phones: z.optional(personFields.phones.def.innerType),
    address: nullable(AddressPatch),
    birthday: nullable(CalendarDate),
    companyId: nullable(recordId),
    isMainContact: z.optional(z.boolean()),
    supervisorId: nullable(recordId),
    department: nullable(text(100)),
    departmentId: nullable(recordId),
    position: nullable(text(100)),
    role: nullable(text(100)),
    urls: nullable(personFields.urls.def.innerType),
    note: nullable(text(10_000)),
    tags: nullable(personFields.tags.def.innerType),
    /** null removes the photo (a photo comes from a vCard) */
    photo: z.optional(z.null()),
    origin: nullable(text(100)),
    lifecycleStage: z.optional(z.enum(lifecycleStages)),
  }),
);

export const PersonListQuery = z.lazy(() =>
  z.strictObject({
    limit: LimitParam,
    cursor: z.optional(z.string()),
    companyId: z.optional(recordId),
    q: z.optional(SearchText),
  }),
);

const Website = z
  .string()
  .check(
    z.maxLength(200),
    z.regex(/^(https?:\/\/)?[a-z0-9.-]+\.[a-z]{2,}(\/\S*)?$/i, 'not a web address such as https://example.de'),
  );

const companyFields = {
  name: text(200),
  type: z.optional(z.enum(companyTypes)),
  relationship: z.optional(z.enum(relationships)),
  lifecycleStage: z.optional(z.enum(lifecycleStages)),
  address: z.optional(AddressInput),
  emails: personFields.emails,
  phones: personFields.phones,
  website: z.optional(Website),
  parentCompanyId: z.optional(recordId),
};

export const NewCompanyBody = z.lazy(() => z.strictObject({ ...companyFields, force: z.optional(z.boolean()) }));

export const CompanyPatchBody = z.lazy(() =>
  z.strictObject({
    version: z.number().check(z.int()),
    name: z.optional(text(200)),
    type: z.optional(z.enum(companyTypes)),
    relationship: z.optional(z.enum(relationships)),
    lifecycleStage: z.optional(z.enum(lifecycleStages)),
    address: nullable(AddressPatch),
    emails: z.optional(personFields.emails.def.innerType),
    phones: z.optional(personFields.phones.def.innerType),
    website: nullable(Website),
    parentCompanyId: nullable(recordId),
    /** a person of the company, who then carries its address; null: none */
    mainContactId: nullable(recordId),
    /**
     * the whole list: an entry with an id renames that department (for every person in it), one
     * without adds one; a department left out is removed, unless a person is still in it
     */
    departments: z.optional(
      z
        .array(z.strictObject({ id: z.optional(recordId), name: text(100) }))
        .check(z.maxLength(200, 'give at most 200')),
    ),
  }),
);

export const CompanyListQuery = z.lazy(() =>
  z.strictObject({
    limit: LimitParam,
    cursor: z.optional(z.string()),
    relationship: z.optional(z.enum(relationships)),
    lifecycleStage: z.optional(z.enum(lifecycleStages)),
    type: z.optional(z.enum(companyTypes)),
    parentCompanyId: z.optional(recordId),
    q: z.optional(SearchText),
  }),
);

/** A company's persons or branches: a page, or with `view=tree` the whole structure. */
export const CompanyStructureQuery = z.lazy(() =>
  z.strictObject({
    view: z.optional(z.enum(['tree'])),
    limit: LimitParam,
    cursor: z.optional(z.string()),
  }),
);

export const TimelineQuery = z.lazy(() =>
  z.strictObject({
    limit: LimitParam,
    cursor: z.optional(z.string()),
  }),
);

/** A person's vCard: 3.0 (what Outlook reads) unless 4.0 is asked for. */
export const PersonVCardQuery = z.lazy(() => z.strictObject({ version: z.optional(z.enum(['3.0', '4.0'])) }));

/** A company's people's vCards: one file, or `split=true` for a zip of one file per person. */
export const CompanyVCardsQuery = z.lazy(() =>
  z.strictObject({ version: z.optional(z.enum(['3.0', '4.0'])), split: z.optional(z.enum(['true', 'false'])) }),
);

export const RecordIdPath = z.lazy(() => z.object({ id: recordId }));
export const MergeBody = z.lazy(() => z.strictObject({ duplicateId: recordId }));

/** A person or company as a UI has it before saving: the fields duplicate protection compares. */
export const DuplicateCheckBody = z.lazy(() =>
  z.strictObject({
    person: z.optional(
      z.strictObject({
        firstName: optionalText(100),
        lastName: optionalText(100),
        emails: personFields.emails,
        phones: personFields.phones,
        birthday: personFields.birthday,
        address: personFields.address,
        companyName: optionalText(200),
      }),
    ),
    company: z.optional(
      z.strictObject({
        name: text(200),
        emails: personFields.emails,
        phones: personFields.phones,
        website: z.optional(Website),
        address: personFields.address,
      }),
    ),
  }),
);

const flag = z.optional(z.enum(['true', 'false']));

/** How a vCard file is imported: checked only (`dryRun`), past duplicate warnings (`force`), from which card, or from an upload. */
export const VCardImportQuery = z.lazy(() =>
  z.strictObject({
    dryRun: flag,
    force: flag,
    /** the card to start at (0-based): a file of more cards than one request takes is imported in parts */
    from: z.optional(z.string().check(z.regex(/^\d{1,6}$/, 'a card number (0, 250, …)'))),
    /** a file PUT to the upload URL of `POST /v1/contacts/vcards/uploads`, instead of a body */
    uploadId: z.optional(z.string().check(z.regex(/^[0-9A-HJKMNP-TV-Z]{26}$/, 'the uploadId of an upload'))),
  }),
);

/** An email's attachment by its place in the email's `attachments` (0-based). */
export const EmailAttachmentPath = z.lazy(() =>
  z.object({
    id: recordId,
    index: z.string().check(z.regex(/^\d{1,3}$/, 'the attachment’s place in the list (0, 1, …)')),
  }),
);

/** Whether a vCard import from an email only checks, or creates past duplicate warnings; from which card. */
export const EmailVCardImportQuery = z.lazy(() =>
  z.strictObject({
    dryRun: flag,
    force: flag,
    from: z.optional(z.string().check(z.regex(/^\d{1,6}$/, 'a card number (0, 250, …)'))),
  }),
);

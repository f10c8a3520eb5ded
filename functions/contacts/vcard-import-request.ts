/**
 * The vCard routes that read files: `POST /v1/contacts/vcards` (the file as the body, or one PUT to
 * an upload URL for files over 4 MB), the upload URL itself, the import of a vCard attached to an
 * email, and a person's stored photo.
 */
import { ulid } from 'ulid';
import type * as z from 'zod/mini';
import { KontaktError, notFound, validationError } from '../../domain/shared/errors.ts';
import type { EmailRepository } from '../emails/email.repository.ts';
import type { HttpRequest, HttpResult } from '../shared/http.ts';
import type { ContactFiles } from './contact-files.ts';
import type { EmailAttachmentPath, EmailVCardImportQuery, RecordIdPath, VCardImportQuery } from './contacts-input.ts';
import type { PersonRepository } from './person.repository.ts';
import { type Collection, loadActive, MergedInto, redirectAnswer } from './record-access.ts';
import { type ImportAnswer, importVCards, type VCardImportDeps } from './vcard-import.ts';

/** A body up to this size comes with the request (Lambda takes 6 MB, base64 included); a larger file is uploaded. */
export const maxVCardBodyBytes = 4 * 1024 * 1024;
/** An uploaded file or an attachment is read up to this size. */
export const maxVCardFileBytes = 50 * 1024 * 1024;

export type VCardRequestDeps = Omit<VCardImportDeps, 'files'> & {
  files: () => Promise<Pick<ContactFiles, 'putPhoto' | 'uploadUrl' | 'upload' | 'attachment' | 'photo'>>;
};

const noCards = (field: string): KontaktError =>
  validationError([{ field, message: 'holds no vCard: a card runs from BEGIN:VCARD to END:VCARD' }]);

const answer = (result: ImportAnswer, field: string): HttpResult => {
  if (result.cardsTotal === 0) throw noCards(field);
  return { status: 200, body: result };
};

export const importVCardFile =
  (deps: VCardRequestDeps) =>
  async (request: HttpRequest<undefined, undefined, z.infer<typeof VCardImportQuery>>): Promise<HttpResult> => {
    const { dryRun, force, from, uploadId } = request.query;
    const body = request.bytes ?? null;
    if (body && uploadId) {
      throw validationError([{ field: 'uploadId', message: 'send the file or name an upload, not both' }]);
    }
    let file: Uint8Array;
    if (uploadId) {
      const found = await (await deps.files()).upload(uploadId, maxVCardFileBytes);
      if (found === 'missing') throw notFound('vCard upload', uploadId);
      if (found === 'too-large') {
        throw new KontaktError('payload-too-large', `The uploaded file exceeds ${maxVCardFileBytes} bytes`);
      }
      file = found;
    } else if (body) {
      // a text body API Gateway passed on as UTF-8 text had its bytes that were not UTF-8 replaced:
      // what they were is lost, and an import would store the replacement characters as names
      if (!request.event.isBase64Encoded && Buffer.from(body).toString('utf8').includes('\uFFFD')) {
        throw validationError([
          {
            field: 'body',
            message:
              'arrived as text with bytes that were not UTF-8 (replaced on the way): send the file as application/octet-stream, or upload it',
          },
        ]);
      }
      file = body;
    } else {
      throw validationError([
        {
          field: 'body',
          message: 'send a vCard file (text/vcard), or name a file uploaded to POST /v1/contacts/vcards/uploads',
        },
      ]);
    }
    const result = await importVCards(deps, file, {
      dryRun: dryRun === 'true',
      force: force === 'true',
      userId: request.user?.id,
      from: from === undefined ? 0 : Number(from),
      ...(request.remainingMs ? { remainingMs: request.remainingMs } : {}),
    });
    if (result.cardsTotal > 0 && result.results.length === 0) {
      throw validationError([{ field: 'from', message: `the file has ${result.cardsTotal} cards` }]);
    }
    return answer(result, uploadId ? 'uploadId' : 'body');
  };

export const createVCardUpload = (deps: Pick<VCardRequestDeps, 'files' | 'now'>) => async (): Promise<HttpResult> => {
  const uploadId = ulid(deps.now().getTime());
  const uploadUrl = await (await deps.files()).uploadUrl(uploadId);
  return {
    status: 201,
    body: { uploadId, uploadUrl, importUrl: `/v1/contacts/vcards?uploadId=${uploadId}` },
  };
};

/** Media types and file endings of a vCard attachment. */
const vcardTypes = ['text/vcard', 'text/x-vcard', 'text/directory', 'text/x-vcalendar'];
const isVCardAttachment = (attachment: { filename: string | null; contentType: string }): boolean =>
  vcardTypes.includes(attachment.contentType.split(';')[0]?.trim().toLowerCase() ?? '') ||
  /\.(vcf|vcard)$/i.test(attachment.filename ?? '');

export const importEmailVCard =
  (deps: VCardRequestDeps & { emails: Pick<EmailRepository, 'get'> }) =>
  async (
    request: HttpRequest<undefined, z.infer<typeof EmailAttachmentPath>, z.infer<typeof EmailVCardImportQuery>>,
  ): Promise<HttpResult> => {
    const email = await deps.emails.get(request.path.id);
    if (!email) throw notFound('email', request.path.id);
    const index = Number(request.path.index);
    const attachment = email.attachments[index];
    if (!attachment) {
      throw notFound('attachment', `${request.path.index} of email ${email.id} (it has ${email.attachments.length})`);
    }
    if (!isVCardAttachment(attachment)) {
      throw new KontaktError(
        'unsupported-media-type',
        `Attachment ${index} is ${attachment.contentType}${attachment.filename ? ` (${attachment.filename})` : ''}, not a vCard`,
      );
    }
    const found = await (await deps.files()).attachment(attachment.key, maxVCardFileBytes);
    if (found === 'missing') throw notFound('attachment', `${index} of email ${email.id}`);
    if (found === 'too-large') {
      throw new KontaktError('payload-too-large', `The attachment exceeds ${maxVCardFileBytes} bytes`);
    }
    const result = await importVCards(deps, found, {
      dryRun: request.query.dryRun === 'true',
      force: request.query.force === 'true',
      userId: request.user?.id,
      from: request.query.from === undefined ? 0 : Number(request.query.from),
      ...(request.remainingMs ? { remainingMs: request.remainingMs } : {}),
    });
    return answer(result, 'index');
  };

const persons: Collection = { what: 'person', basePath: '/v1/persons' };

/**
 * `GET /v1/persons/{id}/photo`: the stored image. A photo kept as a link is not served (nor
 * redirected to: a link from an imported card is anyone's address); the person shows it as `photo.url`.
 */
export const getPersonPhoto =
  (deps: { persons: Pick<PersonRepository, 'load'>; files: VCardRequestDeps['files'] }) =>
  async (request: HttpRequest<undefined, z.infer<typeof RecordIdPath>, undefined>): Promise<HttpResult> => {
    const person = await loadActive(deps.persons, persons, request.path.id, request.event.rawPath);
    if (person instanceof MergedInto) return redirectAnswer(person, request.event.rawPath);
    const photo = person.photo;
    if (!photo) throw notFound('photo of person', person.id);
    if ('url' in photo) throw notFound('stored photo of person', `${person.id} (the photo is a link: see photo.url)`);
    const bytes = await (await deps.files()).photo(photo.sha256);
    if (!bytes) throw notFound('photo of person', person.id);
    return {
      status: 200,
      rawBody: Buffer.from(bytes).toString('base64'),
      base64: true,
      headers: { 'content-type': photo.mediaType, 'cache-control': 'private, max-age=86400' },
    };
  };

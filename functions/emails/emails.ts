/** The email routes' use cases: list and read mail, release the quarantine, a record's mail and address. */
import type * as z from 'zod/mini';
import { type NumberedKind, type NumberedRecord, recordAddress } from '../../domain/emails/smart-bcc.ts';
import { notFound } from '../../domain/shared/errors.ts';
import { recordNumbers } from '../../domain/shared/record-number.ts';
import type { TicketMailReceivedV1 } from '../../events/ticket-mail-received.v1.ts';
import type { RecordRef } from '../contacts/reference.entity.ts';
import { defaultLimit } from '../shared/cursor.ts';
import { type HttpRequest, type HttpResult, routeTable } from '../shared/http.ts';
import { type EmailRepository, linkMap } from './email.repository.ts';
import { type EmailIdPath, type EmailListQuery, type LinkedEmailsQuery, toEmailResponse } from './email-response.ts';
import { emailsRoutes } from './emails.routes.ts';
import { type JudgeEmail, mailFactsOf } from './judge-email.ts';
import type { MailDirectory } from './mail-directory.ts';

export type EmailsDeps = {
  emails: EmailRepository;
  directory: MailDirectory;
  judge: JudgeEmail;
  recordAddressKey: () => Promise<string>;
  mailDomain: string;
  /** hands a released mail for the service address to email to ticket */
  ticketMail: { publish: (event: TicketMailReceivedV1) => Promise<void> };
  now: () => Date;
};

type Path = z.infer<typeof EmailIdPath>;
type Paged = z.infer<typeof LinkedEmailsQuery>;

const numbers: Record<NumberedKind, ReturnType<typeof recordNumbers>> = {
  opportunity: recordNumbers('OPP'),
  ticket: recordNumbers('TIC'),
};
const what: Record<NumberedKind, string> = { opportunity: 'opportunity', ticket: 'ticket' };

/** An opportunity or ticket by id or number (`OPP-12`, `tic-7`), or a 404. */
const numberedRecord = async (deps: EmailsDeps, kind: NumberedKind, idOrNumber: string): Promise<NumberedRecord> => {
  const number = numbers[kind].parse(idOrNumber);
  const found =
    number === null ? await deps.directory.byId(kind, idOrNumber) : await deps.directory.byNumber(kind, number);
  if (!found) throw notFound(what[kind], idOrNumber);
  return found;
};

export const listEmails =
  (deps: Pick<EmailsDeps, 'emails'>) =>
  async (request: HttpRequest<undefined, undefined, z.infer<typeof EmailListQuery>>): Promise<HttpResult> => {
    const page = await deps.emails.list(
      request.query.limit ?? defaultLimit,
      request.query.cursor,
      request.query.status,
    );
    return { status: 200, body: { items: page.items.map(toEmailResponse), nextCursor: page.nextCursor } };
  };

export const getEmail =
  (deps: Pick<EmailsDeps, 'emails'>) =>
  async (request: HttpRequest<undefined, Path, undefined>): Promise<HttpResult> => {
    const email = await deps.emails.get(request.path.id);
    if (!email) throw notFound('email', request.path.id);
    return { status: 200, body: toEmailResponse(email) };
  };

/** The admin vouches for the mail: it is judged again without the sender and authenticity checks, and linked. */
export const releaseEmail =
  (deps: EmailsDeps) =>
  async (request: HttpRequest<undefined, Path, undefined>): Promise<HttpResult> => {
    const email = await deps.emails.get(request.path.id, true);
    if (!email) throw notFound('email', request.path.id);
    if (email.released !== null && email.ticketMail) {
      // released before, and its hand-over to email to ticket may have failed: handed over again (taken once)
      await deps.ticketMail.publish({ type: 'ticket-mail-received', version: 1, emailId: email.id });
      return { status: 200, body: toEmailResponse(email) };
    }
    // the admin vouches for it: judged with passing verdicts and as a release
    const verdict = await deps.judge(
      mailFactsOf(email, { spam: 'PASS', virus: 'PASS', spf: 'PASS', dkim: 'PASS', dmarc: 'PASS' }),
      { release: true },
    );
    const released = await deps.emails.release(email.id, {
      status: verdict.status,
      links: linkMap(verdict.links),
      unmatchedAddresses: verdict.unmatchedAddresses,
      unlinkedNumbers: verdict.unlinkedNumbers,
      ticketMail: verdict.ticketMail,
      released: { userId: request.user?.id ?? 'unknown', at: deps.now().toISOString() },
    });
    // a mail to the service address, once released, is taken by email to ticket as if it had passed
    if (released.ticketMail)
      await deps.ticketMail.publish({ type: 'ticket-mail-received', version: 1, emailId: released.id });
    return { status: 200, body: toEmailResponse(released) };
  };

const page = async (deps: EmailsDeps, target: RecordRef, query: Paged): Promise<HttpResult> => {
  const found = await deps.emails.listLinkedTo(target, query.limit ?? defaultLimit, query.cursor);
  return { status: 200, body: { items: found.items.map(toEmailResponse), nextCursor: found.nextCursor } };
};

/** The emails of a person or company (by id). */
export const contactEmails =
  (deps: EmailsDeps, kind: 'PERSON' | 'COMPANY') =>
  async (request: HttpRequest<undefined, Path, Paged>): Promise<HttpResult> => {
    const target = await deps.directory.contact(kind, request.path.id);
    if (!target) throw notFound(kind === 'PERSON' ? 'person' : 'company', request.path.id);
    return page(deps, target, request.query);
  };

/** The emails of an opportunity or ticket (by id or number). */
export const numberedEmails =
  (deps: EmailsDeps, kind: NumberedKind) =>
  async (request: HttpRequest<undefined, Path, Paged>): Promise<HttpResult> => {
    const record = await numberedRecord(deps, kind, request.path.id);
    return page(deps, { kind: kind === 'opportunity' ? 'OPP' : 'TIC', id: record.id }, request.query);
  };

export const numberedAddress =
  (deps: EmailsDeps, kind: NumberedKind) =>
  async (request: HttpRequest<undefined, Path, undefined>): Promise<HttpResult> => {
    const record = await numberedRecord(deps, kind, request.path.id);
    const number = numbers[kind].parse(record.number);
    if (number === null) throw new Error(`${what[kind]} ${record.id} has no number`);
    const address = recordAddress(await deps.recordAddressKey(), kind, number, deps.mailDomain);
    return { status: 200, body: { number: record.number, address } };
  };

/** Every email route's use case, for the function's handler and the tests alike. */
export const emailRouteHandlers = (deps: EmailsDeps) =>
  routeTable(emailsRoutes, {
    'GET /v1/emails': listEmails(deps),
    'GET /v1/emails/{id}': getEmail(deps),
    'POST /v1/emails/{id}/release': releaseEmail(deps),
    'GET /v1/persons/{id}/emails': contactEmails(deps, 'PERSON'),
    'GET /v1/companies/{id}/emails': contactEmails(deps, 'COMPANY'),
    'GET /v1/opportunities/{id}/emails': numberedEmails(deps, 'opportunity'),
    'GET /v1/tickets/{id}/emails': numberedEmails(deps, 'ticket'),
    'GET /v1/opportunities/{id}/email-address': numberedAddress(deps, 'opportunity'),
    'GET /v1/tickets/{id}/email-address': numberedAddress(deps, 'ticket'),
  });

/**
 * A user's alternative addresses for Smart BCC: added by the user, confirmed by a link mailed to
 * the address. The link's GET only shows a page with a button; the POST from that page confirms,
 * because mail scanners and link previews open links and must not confirm anything.
 */
import { createHash, randomBytes } from 'node:crypto';
import * as z from 'zod/mini';
import { conflict, KontaktError, notFound, validationError } from '../../domain/shared/errors.ts';
import { normaliseEmail } from '../../domain/shared/normalise-email.ts';
import type { User } from '../../domain/users/user.ts';
import type { HttpRequest, HttpResult } from '../shared/http.ts';
import type { UserRepository } from './user.repository.ts';
import type { UserAddress, UserAddressRepository } from './user-address.repository.ts';

/** a confirmation link is good for three days */
export const confirmationHours = 72;
export const confirmationPath = '/v1/email-addresses/confirmation';

export const NewAddressBody = z.strictObject({
  address: z.email('not a valid email address').check(z.maxLength(254)),
});
export const AddressPath = z.object({ address: z.string().check(z.minLength(3), z.maxLength(254)) });
export const TokenQuery = z.object({ token: z.string().check(z.minLength(20), z.maxLength(100)) });
export const TokenForm = z.strictObject({ token: z.string().check(z.minLength(20), z.maxLength(100)) });

export const AddressOut = z.object({
  address: z.string(),
  status: z.enum(['pending', 'confirmed']),
  requestedAt: z.string(),
  confirmedAt: z.nullable(z.string()),
});
export const AddressListOut = z.object({ items: z.array(AddressOut) });

const toAddressResponse = (a: UserAddress): z.infer<typeof AddressOut> => ({
  address: a.address,
  status: a.status,
  requestedAt: a.requestedAt,
  confirmedAt: a.confirmedAt,
});

export type ConfirmationMail = { to: string; subject: string; text: string };

export type EmailAddressesDeps = {
  addresses: UserAddressRepository;
  users: Pick<UserRepository, 'list'>;
  /** Kontakt's own receiving domain: its addresses are Kontakt's, never a user's (mail to them is stored and listed) */
  mailDomain: string;
  sendMail: (mail: ConfirmationMail) => Promise<void>;
  now: () => Date;
};

const hashOf = (token: string): string => createHash('sha256').update(token).digest('base64url');

/** The API's own origin, as the request reached it (API Gateway's domain in AWS, the local server locally). */
const originOf = (request: HttpRequest<unknown, unknown, unknown>): string => {
  const host = request.event.requestContext.domainName;
  const local = /^(127\.0\.0\.1|localhost|\[::1\])(:\d+)?$/.test(host);
  const proto = request.headers['x-forwarded-proto'] ?? (local ? 'http' : 'https');
  return `${proto}://${host}`;
};

const everyUser = async (users: Pick<UserRepository, 'list'>): Promise<User[]> => {
  const all: User[] = [];
  let cursor: string | undefined;
  do {
    const page = await users.list(100, cursor);
    all.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return all;
};

export const addAddress =
  (deps: EmailAddressesDeps) =>
  async (request: HttpRequest<z.infer<typeof NewAddressBody>, undefined, undefined>): Promise<HttpResult> => {
    const user = request.user as User;
    const address = normaliseEmail(request.body.address);
    if (address.endsWith(`@${deps.mailDomain.toLowerCase()}`))
      throw validationError([{ field: 'address', message: "is an address of Kontakt's own mail domain" }]);
    const owner = (await everyUser(deps.users)).find((u) => normaliseEmail(u.email) === address);
    if (owner?.id === user.id)
      throw validationError([{ field: 'address', message: 'is your login address, which Smart BCC knows already' }]);
    if (owner) throw conflict('address-taken', `${address} is another user's login address`);
    const existing = await deps.addresses.get(address);
    if (existing?.status === 'confirmed') {
      if (existing.userId === user.id) return { status: 200, body: toAddressResponse(existing) };
      throw conflict('address-taken', `${address} is confirmed for another user`);
    }
    const now = deps.now();
    const token = randomBytes(24).toString('base64url');
    const record = {
      address,
      userId: user.id,
      status: 'pending' as const,
      tokenHash: hashOf(token),
      requestedAt: now.toISOString(),
      confirmedAt: null,
      expiresAt: Math.floor(now.getTime() / 1000) + confirmationHours * 3600,
    };
    if (!(await deps.addresses.request(record)))
      throw conflict('address-taken', `${address} is confirmed for another user`);
    const link = `${originOf(request)}${confirmationPath}?token=${token}`;
    await deps.sendMail({
      to: address,
      subject: 'Kontakt: confirm this address for Smart BCC',
      text: [
        `${user.name} (${user.email}) asked Kontakt to accept mail from ${address} at the Smart BCC address.`,
        '',
        `Open this link and press "Confirm" within ${confirmationHours} hours:`,
        link,
        '',
        'If you did not ask for this, ignore this mail: nothing changes without the confirmation.',
      ].join('\n'),
    });
    return {
      status: 202,
      body: toAddressResponse(record),
      headers: { location: `/v1/me/email-addresses/${encodeURIComponent(address)}` },
    };
  };

export const listAddresses =
  (deps: EmailAddressesDeps) =>
  async (request: HttpRequest<undefined, undefined, undefined>): Promise<HttpResult> => {
    const items = await deps.addresses.listOf((request.user as User).id);
    return { status: 200, body: { items: items.map(toAddressResponse) } };
  };

export const removeAddress =
  (deps: EmailAddressesDeps) =>
  async (request: HttpRequest<undefined, z.infer<typeof AddressPath>, undefined>): Promise<HttpResult> => {
    const address = normaliseEmail(request.path.address);
    if (!(await deps.addresses.remove((request.user as User).id, address))) throw notFound('email address', address);
    return { status: 204 };
  };

const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

const page = (status: number, title: string, body: string): HttpResult => ({
  status,
  rawBody: `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="robots" content="noindex"><title>${escapeHtml(title)}</title></head><body><h1>${escapeHtml(title)}</h1>${body}</body></html>`,
  headers: {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    'referrer-policy': 'no-referrer',
    'content-security-policy': "default-src 'none'; form-action 'self'",
  },
});

const noLongerValid = 'This link is no longer valid: it expired, was replaced by a newer request, or was used already';

/**
 * An unknown, expired or used link: a page for a browser (it asks for HTML), else the API's
 * problem+json like every other refusal (API.md conventions).
 */
const unknownLink = (request: HttpRequest<unknown, unknown, unknown>): HttpResult => {
  if (!(request.headers.accept ?? '').toLowerCase().includes('text/html'))
    throw new KontaktError('not-found', noLongerValid);
  return page(
    404,
    'This link is no longer valid',
    '<p>It expired, was replaced by a newer request, or was used already.</p>',
  );
};

/** The link's page: what will be confirmed, and a button. Opening it changes nothing. */
export const showConfirmation =
  (deps: EmailAddressesDeps) =>
  async (request: HttpRequest<undefined, undefined, z.infer<typeof TokenQuery>>): Promise<HttpResult> => {
    const pending = await deps.addresses.pendingFor(
      hashOf(request.query.token),
      Math.floor(deps.now().getTime() / 1000),
    );
    if (!pending) return unknownLink(request);
    return page(
      200,
      'Confirm your address for Kontakt',
      `<p>Accept mail from <strong>${escapeHtml(pending.address)}</strong> at Kontakt's Smart BCC address?</p>` +
        `<form method="post" action="${confirmationPath}"><input type="hidden" name="token" value="${escapeHtml(request.query.token)}"><button type="submit">Confirm</button></form>`,
    );
  };

export const confirmAddress =
  (deps: EmailAddressesDeps) =>
  async (request: HttpRequest<z.infer<typeof TokenForm>, undefined, undefined>): Promise<HttpResult> => {
    const now = deps.now();
    const pending = await deps.addresses.pendingFor(hashOf(request.body.token), Math.floor(now.getTime() / 1000));
    if (!pending || !(await deps.addresses.confirm(pending, now.toISOString()))) return unknownLink(request);
    return page(
      200,
      'Address confirmed',
      `<p>Kontakt now accepts mail from <strong>${escapeHtml(pending.address)}</strong>.</p>`,
    );
  };

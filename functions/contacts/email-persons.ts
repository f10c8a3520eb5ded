/**
 * A person from an address of a received email that matched nobody: created through duplicate
 * protection like any person (409 with the candidates unless `force`), then linked to the email.
 * Nothing is created silently: only this request makes a person of an address.
 */
import { ulid } from 'ulid';
import * as z from 'zod/mini';
import { personLookups } from '../../domain/duplicates/record-profiles.ts';
import type { EmailLink } from '../../domain/emails/smart-bcc.ts';
import { createPerson } from '../../domain/persons/person.ts';
import { notFound, validationError } from '../../domain/shared/errors.ts';
import { normaliseEmail } from '../../domain/shared/normalise-email.ts';
import type { EmailRepository } from '../emails/email.repository.ts';
import type { HttpRequest, HttpResult } from '../shared/http.ts';
import { toPersonResponse } from './contacts-response.ts';
import type { PersonsDeps } from './persons.ts';
import { possibleDuplicates } from './possible-duplicates.ts';

const name = (max: number) =>
  z.optional(z.string().check(z.trim(), z.minLength(1, 'must not be empty'), z.maxLength(max)));

export const EmailPersonBody = z.strictObject({
  address: z.email('not a valid email address').check(z.maxLength(254)),
  /** taken from the address's display name when not given */
  lastName: name(100),
  firstName: name(100),
  force: z.optional(z.boolean()),
});
export const EmailIdPath = z.object({ id: z.string().check(z.minLength(1), z.maxLength(64)) });

/** "Max Mustermann" → Max / Mustermann; "Mustermann, Max" → Max / Mustermann; one word is the last name. */
export const namesFromDisplayName = (display: string | null): { firstName?: string; lastName?: string } => {
  const clean = (display ?? '').replace(/["']/g, '').replace(/\s+/g, ' ').trim();
  if (clean === '' || clean.includes('@')) return {};
  const comma = clean.indexOf(',');
  if (comma > 0) {
    const last = clean.slice(0, comma).trim();
    const first = clean.slice(comma + 1).trim();
    return { ...(first ? { firstName: first.slice(0, 100) } : {}), ...(last ? { lastName: last.slice(0, 100) } : {}) };
  }
  const words = clean.split(' ');
  const last = words.pop() ?? '';
  return { ...(words.length > 0 ? { firstName: words.join(' ').slice(0, 100) } : {}), lastName: last.slice(0, 100) };
};

export const createPersonFromEmail =
  (
    deps: Pick<PersonsDeps, 'persons' | 'findCandidates' | 'now'> & {
      emails: Pick<EmailRepository, 'get' | 'linkPerson'>;
    },
  ) =>
  async (
    request: HttpRequest<z.infer<typeof EmailPersonBody>, z.infer<typeof EmailIdPath>, undefined>,
  ): Promise<HttpResult> => {
    const email = await deps.emails.get(request.path.id, true);
    if (!email) throw notFound('email', request.path.id);
    const address = normaliseEmail(request.body.address);
    if (!email.unmatchedAddresses.includes(address))
      throw validationError([{ field: 'address', message: "is not one of the email's unmatched addresses" }]);
    const where: { via: EmailLink['via']; display: string | null }[] = [
      ...(email.from?.address === address ? [{ via: 'sender' as const, display: email.from.name }] : []),
      ...email.to.filter((m) => m.address === address).map((m) => ({ via: 'to' as const, display: m.name })),
      ...email.cc.filter((m) => m.address === address).map((m) => ({ via: 'cc' as const, display: m.name })),
      ...(email.forwardedFrom?.address === address
        ? [{ via: 'forwarded-from' as const, display: email.forwardedFrom.name }]
        : []),
    ];
    const found = where[0] ?? { via: 'to' as const, display: null };
    const fromDisplay = namesFromDisplayName(where.find((w) => w.display)?.display ?? null);
    const lastName = request.body.lastName ?? fromDisplay.lastName;
    const firstName = request.body.firstName ?? (request.body.lastName ? undefined : fromDisplay.firstName);
    if (!lastName)
      throw validationError([{ field: 'lastName', message: 'is required: the address has no display name' }]);
    const now = deps.now();
    const person = createPerson(
      ulid(now.getTime()),
      { lastName, ...(firstName ? { firstName } : {}), emails: [address], phones: [], isMainContact: false },
      now,
    );
    if (!request.body.force) {
      const candidates = await deps.findCandidates(personLookups(person), { kinds: ['person'] });
      if (candidates.length > 0) throw possibleDuplicates('person', candidates);
    }
    await deps.persons.create(person);
    await deps.emails.linkPerson(email.id, person.id, address, found.via);
    return {
      status: 201,
      body: toPersonResponse(person, undefined),
      headers: { location: `/v1/persons/${person.id}` },
    };
  };

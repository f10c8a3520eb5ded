/** Reads one inbox entry as API.md shapes it. */
import * as z from 'zod/mini';
import { notFound } from '../../domain/shared/errors.ts';
import type { InboxEntryRepository } from '../adapters/inbox-entry.repository.ts';
import type { HttpRequest, HttpResult } from '../shared/http.ts';

export const InboxEntryPath = z.object({ id: z.string().check(z.minLength(1), z.maxLength(64)) });

export const getInboxEntry =
  (inbox: InboxEntryRepository) =>
  async (request: HttpRequest<undefined, z.infer<typeof InboxEntryPath>, undefined>): Promise<HttpResult> => {
    const entry = await inbox.get(request.path.id);
    if (!entry) throw notFound('inbox entry', request.path.id);
    return { status: 200, body: entry };
  };

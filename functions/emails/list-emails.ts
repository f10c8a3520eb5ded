/** Lists received emails, newest first. */
import type * as z from 'zod/mini';
import { defaultLimit } from '../shared/cursor.ts';
import type { HttpRequest, HttpResult } from '../shared/http.ts';
import type { EmailRepository } from './email.repository.ts';
import { type EmailListQuery, toEmailResponse } from './email-response.ts';

export const listEmails =
  (emails: Pick<EmailRepository, 'list'>) =>
  async (request: HttpRequest<undefined, undefined, z.infer<typeof EmailListQuery>>): Promise<HttpResult> => {
    const page = await emails.list(request.query.limit ?? defaultLimit, request.query.cursor);
    return { status: 200, body: { items: page.items.map(toEmailResponse), nextCursor: page.nextCursor } };
  };

/** Lists received emails, newest first. */
import * as z from 'zod/mini';
import type { EmailRepository } from '../adapters/email.repository.ts';
import { defaultLimit, LimitParam } from '../shared/cursor.ts';
import type { HttpRequest, HttpResult } from '../shared/http.ts';

export const EmailListQuery = z.object({ limit: LimitParam, cursor: z.optional(z.string()) });

export const listEmails =
  (emails: EmailRepository) =>
  async (request: HttpRequest<undefined, undefined, z.infer<typeof EmailListQuery>>): Promise<HttpResult> => {
    const page = await emails.list(request.query.limit ?? defaultLimit, request.query.cursor);
    return {
      status: 200,
      body: {
        items: page.items.map((email) => ({
          id: email.id,
          messageId: email.messageId,
          subject: email.subject,
          from: email.from,
          to: email.to,
          cc: email.cc,
          date: email.date,
          receivedAt: email.receivedAt,
          attachments: email.attachments.map(({ filename, size, contentType }) => ({ filename, size, contentType })),
          truncated: email.truncated,
          truncatedFields: email.truncatedFields,
        })),
        nextCursor: page.nextCursor,
      },
    };
  };

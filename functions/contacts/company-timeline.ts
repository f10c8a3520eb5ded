/**
 * `GET /v1/companies/{id}/timeline` (seed 003: the company sees everything its people did): the
 * activities, emails, opportunities and tickets that link the company, newest first, a page at a
 * time. The page comes from the timeline index of the company's reference items (reference.entity.ts
 * `companyTimeline`), the records from one BatchGetItem: two reads per page, however many people.
 *
 * Which records show: those that name the company — an opportunity, ticket or activity of the
 * company, and every email Smart BCC linked to it, which it does for each email of one of the
 * company's persons. A record stays where it happened: a person who changes company leaves their
 * past with the old company, and a merge moves a company's records to the survivor.
 */
import { decodeTime } from 'ulid';
import * as z from 'zod/mini';
import { activities } from '../activities/activity.entity.ts';
import { emails } from '../emails/email.entity.ts';
import { opportunities } from '../opportunities/opportunity.entity.ts';
import { defaultLimit } from '../shared/cursor.ts';
import type { HttpRequest, HttpResult } from '../shared/http.ts';
import type { Store } from '../shared/store.ts';
import type { CompanyRepository } from './company.repository.ts';
import type { RecordIdPath, TimelineQuery } from './contacts-input.ts';
import type { TimelineItem } from './contacts-response.ts';
import { type Collection, loadActive, MergedInto, redirectAnswer } from './record-access.ts';
import { companyTimeline, type RecordRef, recordKey, referenceFrom } from './reference.entity.ts';

export type TimelineDeps = {
  companies: Pick<CompanyRepository, 'load'>;
  store: Pick<Store, 'queryItems' | 'getItems'>;
};

const companies: Collection = { what: 'company', basePath: '/v1/companies' };

/** A ticket as the timeline shows it (the ticket entity would bring its service clocks to this function). */
const TicketSummary = z.looseObject({
  id: z.string(),
  number: z.string(),
  subject: z.string(),
  status: z.string(),
  personId: z.optional(z.nullable(z.string())),
});

type Item = z.infer<typeof TimelineItem>;

const summary = (ref: RecordRef, item: Record<string, unknown>): Item | null => {
  const at = new Date(decodeTime(ref.id)).toISOString();
  switch (ref.kind) {
    case 'OPP': {
      const opp = opportunities.parse(item);
      return {
        kind: 'opportunity',
        id: opp.id,
        at,
        number: opp.number,
        title: opp.title,
        status: opp.status,
        personId: opp.personId,
      };
    }
    case 'ACT': {
      const activity = activities.parse(item);
      return {
        kind: 'activity',
        id: activity.id,
        at,
        number: null,
        title: activity.subject,
        status: activity.status,
        personId: activity.personId,
      };
    }
    case 'TIC': {
      const ticket = TicketSummary.parse(item);
      return {
        kind: 'ticket',
        id: ticket.id,
        at,
        number: ticket.number,
        title: ticket.subject,
        status: ticket.status,
        personId: ticket.personId ?? null,
      };
    }
    case 'EMAIL': {
      const email = emails.parse(item);
      return {
        kind: 'email',
        id: email.id,
        at: email.receivedAt,
        number: null,
        title: email.subject,
        status: email.status,
        personId: null,
      };
    }
    default:
      return null;
  }
};

export const getCompanyTimeline =
  (deps: TimelineDeps) =>
  async (
    request: HttpRequest<undefined, z.infer<typeof RecordIdPath>, z.infer<typeof TimelineQuery>>,
  ): Promise<HttpResult> => {
    const company = await loadActive(deps.companies, companies, request.path.id, request.event.rawPath);
    if (company instanceof MergedInto) return redirectAnswer(company, request.event.rawPath);
    const page = await deps.store.queryItems(companyTimeline(company.id), {
      limit: request.query.limit ?? defaultLimit,
      cursor: request.query.cursor,
      newestFirst: true,
      keysOnly: true,
    });
    // a record linking the company through two fields shows once
    const refs = [
      ...new Map(
        page.items.flatMap((item) => {
          const ref = referenceFrom(item);
          return ref ? [[`${ref.kind}#${ref.id}`, ref] as const] : [];
        }),
      ).values(),
    ];
    const records = await deps.store.getItems(refs.map(recordKey));
    const items = refs.flatMap((ref) => {
      const key = recordKey(ref);
      const record = records.get(`${key.pk}|${key.sk}`);
      const shown = record ? summary(ref, record) : null;
      return shown ? [shown] : [];
    });
    return { status: 200, body: { items, nextCursor: page.nextCursor } };
  };

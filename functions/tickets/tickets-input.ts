/** What ticket requests must look like: creation, list filters, merge patches and updates. */
import * as z from 'zod/mini';
import { ticketStatuses } from '../../domain/tickets/ticket.ts';
import { MoneyInput } from '../inbox/contact-input.ts';
import { LimitParam } from '../shared/cursor.ts';
import { SearchText } from '../shared/validation.ts';

const text = (max: number) => z.string().check(z.trim(), z.minLength(1, 'must not be empty'), z.maxLength(max));
const listValue = z.string().check(z.minLength(1), z.maxLength(50));
const userId = z.string().check(z.minLength(1), z.maxLength(128));
const recordId = z.string().check(z.minLength(1), z.maxLength(64));
const nullable = <S extends z.ZodMiniType>(schema: S) => z.optional(z.nullable(schema));

/** An order or an invoice the ticket is about: free text until orders and invoices exist. */
const Reference = z.strictObject({
  kind: z.enum(['order', 'invoice']),
  number: text(100),
});

export const NewTicketBody = z.lazy(() =>
  z.strictObject({
    /** from the settings list ticket-types */
    type: listValue,
    subject: text(300),
    /** the problem as the customer describes it */
    description: z.optional(z.string().check(z.trim(), z.maxLength(20_000))),
    value: nullable(MoneyInput),
    /** normal unless given */
    priority: z.optional(listValue),
    companyId: nullable(recordId),
    personId: nullable(recordId),
    /** nobody unless given (an assignment rule may then choose) */
    responsibleUserId: nullable(userId),
    reference: nullable(Reference),
  }),
);

/** `status` is not here: it changes through an update, so the log says who changed it. */
export const TicketPatchBody = z.lazy(() =>
  z.strictObject({
    version: z.number().check(z.int()),
    type: z.optional(listValue),
    subject: z.optional(text(300)),
    description: z.optional(z.string().check(z.trim(), z.maxLength(20_000))),
    value: nullable(MoneyInput),
    priority: z.optional(listValue),
    companyId: nullable(recordId),
    personId: nullable(recordId),
    responsibleUserId: nullable(userId),
    reference: nullable(Reference),
  }),
);

export const TicketUpdateBody = z.lazy(() =>
  z.strictObject({
    text: text(20_000),
    status: z.optional(z.enum(ticketStatuses)),
  }),
);

/** `{id}` is the id or the number (`TIC-7`, any case). */
export const TicketIdPath = z.lazy(() => z.object({ id: z.string().check(z.minLength(1), z.maxLength(64)) }));

const booleanParam = z.pipe(
  z.enum(['true', 'false']),
  z.transform((value) => value === 'true'),
);

export const TicketListQuery = z.lazy(() =>
  z.strictObject({
    limit: LimitParam,
    cursor: z.optional(z.string()),
    status: z.optional(z.enum(ticketStatuses)),
    type: z.optional(listValue),
    priority: z.optional(listValue),
    responsibleUserId: z.optional(userId),
    companyId: z.optional(recordId),
    personId: z.optional(recordId),
    /** true: only tickets past a due time, soonest due first */
    overdue: z.optional(booleanParam),
    /** a ticket's number, or words that each start a word of its subject, its type or its reference's number */
    q: z.optional(SearchText),
  }),
);

const minutes = z.number().check(z.int('must be whole minutes'), z.minimum(1), z.maximum(525_600));
const code = z.string().check(z.regex(/^[a-z][a-z0-9_-]{0,49}$/, 'use a short code such as billing'));

/** The service desk's settings, replaced whole, carrying the version they were read at (0: never stored). */
export const ServiceDeskBody = z.lazy(() =>
  z.strictObject({
    version: z.number().check(z.int(), z.minimum(0)),
    hours: z.strictObject({
      /** IANA time zone, such as Europe/Berlin */
      timeZone: z.string().check(z.minLength(1), z.maxLength(64)),
      /** HH:MM */
      opens: z.string().check(z.maxLength(5)),
      /** HH:MM, after opens */
      closes: z.string().check(z.maxLength(5)),
    }),
    /** per priority, in working minutes; normal is required (priorities without their own use it) */
    targets: z.record(listValue, z.strictObject({ firstResponseMinutes: minutes, resolutionMinutes: minutes })),
    teams: z
      .array(
        z.strictObject({
          id: code,
          name: text(100),
          memberIds: z.array(userId).check(z.maxLength(100, 'at most 100 members')),
        }),
      )
      .check(z.maxLength(50, 'at most 50 teams')),
    assignmentRules: z
      .array(
        z.strictObject({
          ticketType: listValue,
          assignTo: z.union([z.strictObject({ userId }), z.strictObject({ teamId: code })]),
        }),
      )
      .check(z.maxLength(100, 'at most 100 rules')),
  }),
);

/**
 * Tickets from HTTP: open, read by id or number with the log, list (by status, type, priority,
 * user, company, person, overdue, q), change, and add updates that move the status.
 *
 * Service hours and targets come from the service desk settings (`/v1/service-desk`, the defaults
 * until an admin stores a change: 08:00–17:00 Europe/Berlin), on the working days of the `holidays`
 * settings list; its assignment rules choose the responsible user of a ticket opened without one.
 */

import { ulid } from 'ulid';
import type * as z from 'zod/mini';
import { requireListed } from '../../domain/settings/settings.ts';
import { conflict, KontaktError, notFound, unprocessable } from '../../domain/shared/errors.ts';
import { assignByRule, checkServiceDeskSettings } from '../../domain/tickets/service-desk.ts';
import {
  addUpdate,
  createTicket,
  type NewTicket,
  parseTicketNumber,
  patchTicket,
  type ServiceDesk,
  type Ticket,
  type TicketUpdate,
} from '../../domain/tickets/ticket.ts';
import type { ActivityRepository } from '../activities/activity.repository.ts';
import type { LinkTargets } from '../contacts/link-targets.ts';
import type { EmailRepository } from '../emails/email.repository.ts';
import type { SettingsRepository } from '../settings/settings.repository.ts';
import { defaultLimit } from '../shared/cursor.ts';
import { type HttpRequest, type HttpResult, routeTable } from '../shared/http.ts';
import { mapBounded } from '../shared/map-bounded.ts';
import { countMetric, metricNames } from '../shared/metrics.ts';
import { retrying } from '../shared/retry.ts';
import type { UserRepository } from '../users/user.repository.ts';
import type { ServiceDeskRepository } from './service-desk.repository.ts';
import type { TicketRepository } from './ticket.repository.ts';
import {
  toServiceDeskResponse,
  toTicketResponse,
  toTicketUpdateResponse,
  toTicketWithUpdatesResponse,
  toTimelineResponse,
} from './ticket-response.ts';
import { ticketsRoutes as routes } from './tickets.routes.ts';
import type {
  NewTicketBody,
  ServiceDeskBody,
  TicketIdPath,
  TicketListQuery,
  TicketPatchBody,
  TicketUpdateBody,
} from './tickets-input.ts';

export type TicketDeps = {
  tickets: TicketRepository;
  desk: Pick<ServiceDeskRepository, 'get' | 'put'>;
  activities: Pick<ActivityRepository, 'listByTicket'>;
  emails: Pick<EmailRepository, 'listLinkedTo'>;
  links: LinkTargets;
  users: Pick<UserRepository, 'findUser'>;
  settings: Pick<SettingsRepository, 'get'>;
  now: () => Date;
};

type Path = z.infer<typeof TicketIdPath>;

const callerId = (request: { user: { id: string } | null }): string => {
  if (!request.user) throw new Error('ticket routes run for users only');
  return request.user.id;
};

/** The service desk's hours on the configured holidays, and the targets per priority. */
const serviceDesk = async (deps: Pick<TicketDeps, 'settings' | 'desk'>): Promise<ServiceDesk> => {
  const [settings, holidays] = await Promise.all([deps.desk.get(), deps.settings.get('holidays')]);
  return { hours: { ...settings.hours, holidays }, targets: settings.targets };
};

/** By number (`TIC-7`, any case) or by id; unknown is 404. */
export const loadTicket = async (
  deps: Pick<TicketDeps, 'tickets'>,
  idOrNumber: string,
  options: { consistent?: boolean } = {},
): Promise<Ticket> => {
  const number = parseTicketNumber(idOrNumber);
  const found =
    number === null ? await deps.tickets.get(idOrNumber, options) : await deps.tickets.getByNumber(number, options);
  if (!found) throw notFound('ticket', idOrNumber);
  return found;
};

const requireUser = async (deps: TicketDeps, field: string, id: string | null | undefined): Promise<void> => {
  if (id && !(await deps.users.findUser(id))) throw unprocessable(field, `no user ${id}`);
};

/** The links a change adds must name a company and a person that exist and are not merged away (422). */
const requireLinks = async (deps: TicketDeps, next: Ticket, before: Ticket | null): Promise<void> => {
  if (next.companyId && next.companyId !== before?.companyId) {
    await deps.links.require('companyId', 'COMPANY', next.companyId);
  }
  if (next.personId && next.personId !== before?.personId) {
    await deps.links.require('personId', 'PERSON', next.personId);
  }
};

/** Type and priority from their settings lists (422 naming the field otherwise). */
const requireListedValues = async (deps: TicketDeps, values: { type?: string; priority?: string }): Promise<void> => {
  if (values.type !== undefined) requireListed('type', values.type, await deps.settings.get('ticket-types'));
  if (values.priority !== undefined) requireListed('priority', values.priority, await deps.settings.get('priorities'));
};

export const openTicket =
  (deps: TicketDeps) =>
  async (request: HttpRequest<z.infer<typeof NewTicketBody>, undefined, undefined>): Promise<HttpResult> => {
    const { body } = request;
    const priority = body.priority ?? 'normal';
    await requireListedValues(deps, { type: body.type, priority });
    await requireUser(deps, 'responsibleUserId', body.responsibleUserId);
    const input: NewTicket = {
      type: body.type,
      subject: body.subject,
      description: body.description ?? '',
      value: body.value ?? null,
      priority,
      // a ticket of a person is one of the person's company (its timeline shows it)
      companyId: await deps.links.companyAt(body),
      personId: body.personId ?? null,
      responsibleUserId: body.responsibleUserId ?? null,
      reference: body.reference ?? null,
      createdBy: callerId(request),
    };
    const settings = await deps.desk.get();
    const desk: ServiceDesk = {
      hours: { ...settings.hours, holidays: await deps.settings.get('holidays') },
      targets: settings.targets,
    };
    const now = deps.now();
    // every rule is checked before a number is taken, so numbers skip only where a write failed
    await requireLinks(deps, createTicket('draft', 1, input, desk, now), null);
    const assignment =
      input.responsibleUserId === null
        ? await assignByRule(settings, input.type, (userId) => deps.tickets.countActive(userId))
        : null;
    const assigned = assignment ? { ...input, responsibleUserId: assignment.userId } : input;
    const ticket = createTicket(ulid(now.getTime()), await deps.tickets.nextNumber(), assigned, desk, now);
    const updates: TicketUpdate[] = assignment
      ? [
          {
            id: ulid(now.getTime()),
            at: now.toISOString(),
            authorId: null,
            text: assignment.text,
            rule: assignment.rule,
          },
        ]
      : [];
    await deps.tickets.create(ticket, updates);
    countMetric(metricNames.ticketsOpened, 1, { via: 'api' });
    return {
      status: 201,
      body: toTicketWithUpdatesResponse(ticket, updates),
      headers: { location: `/v1/tickets/${ticket.id}` },
    };
  };

export const getTicket =
  (deps: Pick<TicketDeps, 'tickets'>) =>
  async (request: HttpRequest<undefined, Path, undefined>): Promise<HttpResult> => {
    const ticket = await loadTicket(deps, request.path.id);
    return { status: 200, body: toTicketWithUpdatesResponse(ticket, await deps.tickets.updates(ticket.id)) };
  };

export const listTickets =
  (deps: TicketDeps) =>
  async (request: HttpRequest<undefined, undefined, z.infer<typeof TicketListQuery>>): Promise<HttpResult> => {
    const { overdue, ...filters } = request.query;
    const page = await deps.tickets.list({
      ...filters,
      limit: filters.limit ?? defaultLimit,
      ...(overdue ? { overdue: { now: deps.now() } } : {}),
    });
    return { status: 200, body: { items: page.items.map(toTicketResponse), nextCursor: page.nextCursor } };
  };

export const patchTicketFromRequest =
  (deps: TicketDeps) =>
  async (request: HttpRequest<z.infer<typeof TicketPatchBody>, Path, undefined>): Promise<HttpResult> => {
    const ticket = await loadTicket(deps, request.path.id, { consistent: true });
    const { version, ...patch } = request.body;
    if (version !== ticket.version) {
      throw conflict('stale-version', `ticket ${ticket.number} is at version ${ticket.version}, not ${version}`);
    }
    const next = patchTicket(ticket, patch, await serviceDesk(deps), deps.now());
    if (next === ticket) return { status: 200, body: toTicketResponse(ticket) };
    await requireListedValues(deps, {
      ...(next.type === ticket.type ? {} : { type: next.type }),
      ...(next.priority === ticket.priority ? {} : { priority: next.priority }),
    });
    if (next.responsibleUserId !== ticket.responsibleUserId) {
      await requireUser(deps, 'responsibleUserId', next.responsibleUserId);
    }
    await requireLinks(deps, next, ticket);
    await deps.tickets.update(ticket, next);
    return { status: 200, body: toTicketResponse(next) };
  };

const isStale = (error: unknown): boolean =>
  error instanceof KontaktError && (error.code === 'stale-version' || error.code === 'concurrent-change');

/** An update carries no version: one that lost a race reads the ticket again and applies itself to what won. */
const maxUpdateAttempts = 3;

export const addTicketUpdate =
  (deps: TicketDeps) =>
  async (request: HttpRequest<z.infer<typeof TicketUpdateBody>, Path, undefined>): Promise<HttpResult> => {
    const desk = await serviceDesk(deps);
    const authorId = callerId(request);
    const update = await retrying(
      async () => {
        const ticket = await loadTicket(deps, request.path.id, { consistent: true });
        const now = deps.now();
        const added = addUpdate(
          ticket,
          {
            id: ulid(now.getTime()),
            authorId,
            text: request.body.text,
            ...(request.body.status === undefined ? {} : { status: request.body.status }),
          },
          desk,
          now,
        );
        await deps.tickets.update(ticket, added.ticket, [added.update]);
        return added.update;
      },
      { attempts: maxUpdateAttempts, retryable: isStale },
    );
    return { status: 201, body: toTicketUpdateResponse(update) };
  };

/** A ticket's activities and emails on its timeline at most (each the newest): a ticket worked for years stays one answer. */
const maxTimelineActivities = 500;
const maxTimelineEmails = 100;

export const getTicketTimeline =
  (deps: Pick<TicketDeps, 'tickets' | 'activities' | 'emails'>) =>
  async (request: HttpRequest<undefined, Path, undefined>): Promise<HttpResult> => {
    const ticket = await loadTicket(deps, request.path.id);
    const [updates, activities, emails] = await Promise.all([
      deps.tickets.updates(ticket.id),
      deps.activities.listByTicket(ticket.id, { limit: maxTimelineActivities }),
      deps.emails.listLinkedTo({ kind: 'TIC', id: ticket.id }, maxTimelineEmails),
    ]);
    return { status: 200, body: toTimelineResponse(updates, activities.items, emails.items) };
  };

export const getServiceDesk = (deps: Pick<TicketDeps, 'desk'>) => async (): Promise<HttpResult> => ({
  status: 200,
  body: toServiceDeskResponse(await deps.desk.get()),
});

/** Replaces the settings; the users a team or rule names must exist (422 naming the field). */
export const putServiceDesk =
  (deps: TicketDeps) =>
  async (request: HttpRequest<z.infer<typeof ServiceDeskBody>, undefined, undefined>): Promise<HttpResult> => {
    const { version, ...settings } = request.body;
    checkServiceDeskSettings(settings);
    const types = await deps.settings.get('ticket-types');
    settings.assignmentRules.forEach((rule, i) => {
      requireListed(`assignmentRules.${i}.ticketType`, rule.ticketType, types);
    });
    // every user named, each read once, a few at a time; the first unknown one is named by its field
    const named = [
      ...settings.teams.flatMap((team, i) =>
        team.memberIds.map((id, j) => ({ id, field: `teams.${i}.memberIds.${j}` })),
      ),
      ...settings.assignmentRules.flatMap((rule, i) =>
        'userId' in rule.assignTo ? [{ id: rule.assignTo.userId, field: `assignmentRules.${i}.assignTo.userId` }] : [],
      ),
    ];
    const ids = [...new Set(named.map((n) => n.id))];
    const known = await mapBounded(ids, 16, async (id) => (await deps.users.findUser(id)) !== null);
    const unknown = new Set(ids.filter((_, i) => !known[i]));
    const first = named.find((n) => unknown.has(n.id));
    if (first) throw unprocessable(first.field, `no user ${first.id}`);
    return { status: 200, body: toServiceDeskResponse(await deps.desk.put(settings, version, deps.now())) };
  };

export const ticketRouteHandlers = (deps: TicketDeps) =>
  routeTable(routes, {
    'POST /v1/tickets': openTicket(deps),
    'GET /v1/tickets': listTickets(deps),
    'GET /v1/tickets/{id}': getTicket(deps),
    'PATCH /v1/tickets/{id}': patchTicketFromRequest(deps),
    'POST /v1/tickets/{id}/updates': addTicketUpdate(deps),
    'GET /v1/tickets/{id}/timeline': getTicketTimeline(deps),
    'GET /v1/service-desk': getServiceDesk(deps),
    'PUT /v1/service-desk': putServiceDesk(deps),
  });

/** The ticket routes' contracts: every user reads tickets; service and admin write them. */
import type { AnyRouteSpec } from '../shared/http.ts';
import {
  ServiceDeskOut,
  TicketOut,
  TicketPageOut,
  TicketUpdateOut,
  TicketWithUpdatesOut,
  TimelineOut,
} from './ticket-response.ts';
import {
  NewTicketBody,
  ServiceDeskBody,
  TicketIdPath,
  TicketListQuery,
  TicketPatchBody,
  TicketUpdateBody,
} from './tickets-input.ts';

const writers = ['service', 'admin'] as const;

export const ticketsRoutes = {
  'POST /v1/tickets': {
    summary: 'Opens a ticket (status new), numbered TIC-n, due by its priority’s targets in service hours',
    auth: writers,
    body: NewTicketBody,
    responds: { status: 201, description: 'the ticket with its log', schema: TicketWithUpdatesOut },
  },
  'GET /v1/tickets': {
    summary:
      'Tickets, newest first, filtered by status, type, priority, responsibleUserId, companyId, personId and q; overdue=true: those past a due time, soonest due first',
    auth: 'user',
    query: TicketListQuery,
    responds: { status: 200, description: 'a page of tickets', schema: TicketPageOut },
  },
  'GET /v1/tickets/{id}': {
    summary: 'One ticket with its update log, by id or by number (TIC-7, any case)',
    auth: 'user',
    path: TicketIdPath,
    responds: { status: 200, description: 'the ticket with its log', schema: TicketWithUpdatesOut },
  },
  'PATCH /v1/tickets/{id}': {
    summary:
      'Changes a ticket: a merge patch carrying the current version; the status changes through an update; a closed ticket is read-only',
    auth: writers,
    path: TicketIdPath,
    body: TicketPatchBody,
    responds: { status: 200, description: 'the ticket', schema: TicketOut },
  },
  'POST /v1/tickets/{id}/updates': {
    summary:
      'Adds an update to the ticket’s log, optionally setting its status (waiting pauses its clocks; an update reopens a resolved or closed ticket)',
    auth: writers,
    path: TicketIdPath,
    body: TicketUpdateBody,
    responds: { status: 201, description: 'the update', schema: TicketUpdateOut },
  },
  'GET /v1/tickets/{id}/timeline': {
    summary: 'The ticket’s updates and activities, newest first (an activity at its due time, or when it was done)',
    auth: 'user',
    path: TicketIdPath,
    responds: { status: 200, description: 'the whole timeline (nextCursor is always null)', schema: TimelineOut },
  },
  'GET /v1/service-desk': {
    summary: 'The service desk: its hours, the targets per priority, its teams and assignment rules',
    auth: 'user',
    responds: { status: 200, description: 'the settings (version 0: the defaults)', schema: ServiceDeskOut },
  },
  'PUT /v1/service-desk': {
    summary:
      'Replaces the service desk settings (carrying the version read); rules assign new tickets of a type to a user or to the team member with the fewest active tickets',
    auth: 'admin',
    body: ServiceDeskBody,
    responds: { status: 200, description: 'the settings', schema: ServiceDeskOut },
  },
} as const satisfies Record<string, AnyRouteSpec>;

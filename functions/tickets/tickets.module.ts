/** Service tickets (seed 004): numbers, the lifecycle with its update log, due times in service hours. */

import { defineModule, routesOf } from '../shared/module.ts';
import { ticketsRoutes } from './tickets.routes.ts';

export default defineModule({
  functions: {
    'tickets-api': {
      entry: 'tickets-api.handler.ts',
      description: 'Service tickets: numbers, status and update log, due times, lists',
      timeoutSeconds: 10,
      memoryMb: 512,
      access: { table: 'readWrite' },
      routes: routesOf(ticketsRoutes),
    },
    'ticket-mail-worker': {
      entry: 'ticket-mail-worker.handler.ts',
      description: 'Email to ticket: opens a ticket from a mail to the service address, or adds a reply to its ticket',
      timeoutSeconds: 30,
      memoryMb: 512,
      access: { table: 'readWrite', recordAddressKey: 'read' },
      consumes: { queue: 'ticket-mail', batchSize: 5, visibilityTimeoutSeconds: 180, maxReceiveCount: 5 },
      // the service address's local part, the type of a ticket opened by mail, the tickets one sender may open by mail an hour
      environment: { SERVICE_LOCAL_PART: 'service', TICKET_MAIL_TYPE: 'question', TICKET_MAIL_LIMIT_PER_HOUR: '5' },
    },
    'ticket-reminders': {
      entry: 'ticket-reminders.handler.ts',
      description: 'Every minute: emails the responsible users of tickets that became overdue',
      timeoutSeconds: 60,
      memoryMb: 512,
      access: { table: 'readWrite', sendEmail: true },
      scheduleMinutes: 1,
    },
  },
});

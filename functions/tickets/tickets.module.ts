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

/** Activities, the activity plans that create them, and their reminders. */

import { defineModule, routesOf } from '../shared/module.ts';
import { activitiesRoutes } from './activities.routes.ts';

export default defineModule({
  functions: {
    'activities-api': {
      entry: 'activities-api.handler.ts',
      description: 'Activities: create, list by opportunity or by user and due date, reschedule, reassign, done',
      timeoutSeconds: 10,
      memoryMb: 512,
      access: { table: 'readWrite' },
      routes: routesOf(activitiesRoutes),
    },
    'activity-plan-worker': {
      entry: 'activity-plan-worker.handler.ts',
      description: 'Creates the activities of a pipeline’s plan on working days, once per opportunity, plan and start',
      timeoutSeconds: 30,
      memoryMb: 512,
      access: { table: 'readWrite' },
      consumes: { queue: 'activity-plans', batchSize: 5, visibilityTimeoutSeconds: 180, maxReceiveCount: 5 },
    },
    'activity-reminders': {
      entry: 'activity-reminders.handler.ts',
      description: 'Every minute: flags open activities that fell due and emails their responsible users',
      timeoutSeconds: 60,
      memoryMb: 512,
      access: { table: 'readWrite', sendEmail: true },
      scheduleMinutes: 1,
    },
  },
});

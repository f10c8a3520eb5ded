/** Web forms: the public submissions and the admins’ configuration. */

import { idempotencyRecords } from '../inbox/idempotency-record.entity.ts';
import { inboxEntries } from '../inbox/inbox-entry.entity.ts';
import { defineModule, routesOf } from '../shared/module.ts';
import { webforms } from './webform.entity.ts';
import { webformAdminRoutes, webformPublicRoutes } from './webforms.routes.ts';

export default defineModule({
  functions: {
    'webform-submissions': {
      entry: 'webform-submissions.handler.ts',
      description: 'Stores web-form submissions in the inbox, answers CORS preflights, serves the embed script',
      timeoutSeconds: 10,
      memoryMb: 512,
      // faces the internet: reads forms and Idempotency-Key records, writes entries and records, nothing else
      access: {
        // update: a form stored before signing gets its secret on first read (webform.repository.ts)
        table: { get: [webforms, idempotencyRecords], put: [inboxEntries, idempotencyRecords], update: [webforms] },
        send: ['duplicate-check'],
      },
      routes: routesOf(webformPublicRoutes),
      servedThroughEdge: true,
    },
    'webforms-api': {
      entry: 'webforms-api.handler.ts',
      description: 'Web-form configuration (admins)',
      timeoutSeconds: 10,
      memoryMb: 512,
      access: { table: 'readWrite' },
      routes: routesOf(webformAdminRoutes),
    },
  },
});

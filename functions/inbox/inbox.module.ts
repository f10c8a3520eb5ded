/** The inbox. */

import { defineModule, routesOf } from '../shared/module.ts';
import { inboxRoutes } from './inbox.routes.ts';

export default defineModule({
  functions: {
    'inbox-api': {
      entry: 'inbox-api.handler.ts',
      description: 'The inbox that sales works from',
      timeoutSeconds: 10,
      memoryMb: 512,
      access: { table: 'readWrite', send: ['duplicate-check'] },
      routes: routesOf(inboxRoutes),
    },
  },
});

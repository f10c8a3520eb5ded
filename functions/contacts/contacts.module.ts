/** Persons and companies, their merges and the duplicate check on request. */

import { defineModule, routesOf } from '../shared/module.ts';
import { contactsRoutes } from './contacts.routes.ts';

export default defineModule({
  functions: {
    'contacts-api': {
      entry: 'contacts-api.handler.ts',
      description: 'Persons and companies behind duplicate protection, their merges, and the duplicate check',
      // a merge moves links in chunks of transactions; 150 links take about a second, thousands need the headroom
      timeoutSeconds: 29,
      memoryMb: 512,
      access: { table: 'readWrite' },
      routes: routesOf(contactsRoutes),
    },
    'merge-resumer': {
      entry: 'merge-resumer.handler.ts',
      description: 'Every five minutes: finishes merges of persons and companies whose request stopped halfway',
      timeoutSeconds: 300,
      memoryMb: 512,
      access: { table: 'readWrite' },
      scheduleMinutes: 5,
    },
  },
});

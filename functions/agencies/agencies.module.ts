/** Lead agencies and the leads they deliver. */

import { defineModule, routesOf } from '../shared/module.ts';
import { agencyAdminRoutes, agencyLeadRoutes } from './agencies.routes.ts';

export default defineModule({
  functions: {
    'agencies-api': {
      entry: 'agencies-api.handler.ts',
      description: 'Lead agencies and their API keys (admins)',
      timeoutSeconds: 10,
      memoryMb: 512,
      access: { table: 'readWrite' },
      routes: routesOf(agencyAdminRoutes),
    },
    'agency-leads': {
      entry: 'agency-leads.handler.ts',
      description: 'Takes batches of purchased leads from agencies with their own API keys',
      timeoutSeconds: 20,
      memoryMb: 512,
      access: { table: 'readWrite', send: ['duplicate-check'] },
      routes: routesOf(agencyLeadRoutes),
    },
  },
});

/** Lead agencies and the leads they deliver. */

import { idempotencyRecords } from '../inbox/idempotency-record.entity.ts';
import { inboxEntries } from '../inbox/inbox-entry.entity.ts';
import { defineModule, routesOf } from '../shared/module.ts';
import { agencyAdminRoutes, agencyLeadRoutes } from './agencies.routes.ts';
import { agencies, agencyApiKeys, agencyLeadGuards, agencyRates } from './agency.entity.ts';

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
      // faces the internet: finds the agency by its key's hash, counts its leads per minute, stores
      // entries with their once-only guards; never lists agencies, users or other keys
      access: {
        table: {
          get: [agencyApiKeys, agencies, idempotencyRecords, agencyLeadGuards],
          put: [inboxEntries, agencyLeadGuards, idempotencyRecords],
          update: [agencyRates],
        },
        send: ['duplicate-check'],
      },
      routes: routesOf(agencyLeadRoutes),
    },
  },
});

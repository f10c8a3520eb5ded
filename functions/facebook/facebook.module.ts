/** Facebook lead ads: the webhook and the worker that fetches each lead. */

import { inboxEntries } from '../inbox/inbox-entry.entity.ts';
import { type Consumer, defineModule, routesOf } from '../shared/module.ts';
import { facebookRoutes } from './facebook.routes.ts';
import { facebookLeads } from './facebook-lead.entity.ts';

/**
 * How the facebook-leads queue retries: the worker backs off from 30 s, doubling up to an hour (its
 * handler sets each failed message's visibility), so a lead whose Graph fetch keeps failing reaches
 * the DLQ about two hours after its first failure (30 s + 1 + 2 + 4 + 8 + 16 + 32 min between the
 * eight receives, then an hour until the receive that moves it).
 */
const facebookLeadsConsumer = {
  queue: 'facebook-leads',
  batchSize: 5,
  visibilityTimeoutSeconds: 180,
  maxReceiveCount: 8,
  // its backoff keeps a failing lead about two hours before the DLQ: a Graph outage that long is the DLQ's alarm
  oldestMessageAlarmSeconds: 3 * 3600,
} as const satisfies Consumer;

export default defineModule({
  functions: {
    'facebook-webhook': {
      entry: 'facebook-webhook.handler.ts',
      description: 'Answers Meta’s webhook verification and enqueues signed leadgen changes',
      timeoutSeconds: 10,
      memoryMb: 256,
      access: { send: ['facebook-leads'], facebookSecret: 'read' },
      routes: routesOf(facebookRoutes),
    },
    'facebook-worker': {
      entry: 'facebook-worker.handler.ts',
      description: 'Fetches each Facebook lead from the Graph API and stores it in the inbox, once per leadgen id',
      timeoutSeconds: 30,
      memoryMb: 512,
      // a lead from Meta: its guard by leadgen id and the entry, nothing else of the table
      access: {
        table: { get: [facebookLeads], put: [inboxEntries, facebookLeads] },
        send: ['duplicate-check'],
        facebookSecret: 'read',
      },
      // Meta retries for 36 hours; Graph errors back off over the receives before the DLQ
      consumes: facebookLeadsConsumer,
    },
  },
});

/** Mail received through SES: the receipt, the worker that stores it, the list. */

import { defineModule, routesOf } from '../shared/module.ts';
import { emailsRoutes } from './emails.routes.ts';

export default defineModule({
  functions: {
    'emails-api': {
      entry: 'emails-api.handler.ts',
      description: 'Emails received through Smart BCC, their quarantine and release, the mail of a record',
      timeoutSeconds: 10,
      memoryMb: 512,
      // readWrite: an admin's release links a quarantined mail (and hands one for the service address to email to ticket)
      access: { table: 'readWrite', recordAddressKey: 'read', send: ['ticket-mail'] },
      environment: { SERVICE_LOCAL_PART: 'service' },
      routes: routesOf(emailsRoutes),
    },
    'ses-receipt': {
      entry: 'ses-receipt.handler.ts',
      description: 'Reads SES verdicts and envelope recipients and enqueues received mail',
      timeoutSeconds: 10,
      memoryMb: 256,
      access: { send: ['inbound-email'] },
      sesReceipt: true,
    },
    'email-worker': {
      entry: 'email-worker.handler.ts',
      description: 'Parses received mail (streaming, attachments kept in S3) and stores the email',
      timeoutSeconds: 60,
      memoryMb: 1024,
      access: {
        table: 'readWrite',
        mailBucket: { read: ['inbound/'], readWrite: ['attachments/', 'html/'] },
        recordAddressKey: 'read',
        send: ['ticket-mail'],
      },
      environment: { SERVICE_LOCAL_PART: 'service' },
      // one mail per invocation: a 40 MB mail may take a good part of the timeout (README, limits of
      // a stored mail), and a timeout fails the whole batch, so a batch of several would let one
      // slow mail send its neighbours to the DLQ
      consumes: { queue: 'inbound-email', batchSize: 1, visibilityTimeoutSeconds: 360, maxReceiveCount: 5 },
    },
    'mail-retention': {
      entry: 'mail-retention.handler.ts',
      description:
        'Erases received mail whose retention is over: linked 6 years (§ 257 HGB), unlinked and quarantined sooner',
      timeoutSeconds: 300,
      memoryMb: 256,
      access: { table: 'readWrite', mailBucket: { readWrite: ['inbound/', 'attachments/', 'html/'] } },
      mailRetention: true,
      // once a day: retention is counted in days and years
      scheduleMinutes: 1440,
    },
  },
});

/**
 * The mail retention sweep (domain/emails/mail-retention.ts): every email whose retention for its
 * status is over is erased — its record with its guards and reference items, and its raw mail,
 * attachments and HTML part in the mail bucket — oldest first, quarantine first. An email a user
 * links while it is being looked at stays (each is read again, strongly consistent, and judged by
 * what it is now; the erase is conditional on that). A run that runs out of time stops between
 * emails; the next run goes on. An email that fails is logged and tried again by the next run.
 */

import type { Email } from '../../domain/emails/email.ts';
import { type MailRetention, retentionCutoff } from '../../domain/emails/mail-retention.ts';
import type { EmailStatus } from '../../domain/emails/smart-bcc.ts';
import { logger } from '../shared/logger.ts';
import type { EmailRepository } from './email.repository.ts';
import type { MailStore } from './mail-store.ts';

export type ExpireMailDeps = {
  emails: Pick<EmailRepository, 'listReceivedBefore' | 'erase' | 'get'>;
  objects: Pick<MailStore, 'deleteAll'>;
  /** the mail bucket, where the worker stored attachments */
  bucket: string;
  retention: MailRetention;
  now: () => Date;
  /** time left in this run; the sweep stops with `stopBeforeMs` to spare */
  remainingMs: () => number;
};

const statuses: readonly EmailStatus[] = ['quarantined', 'unlinked', 'linked'];
const batch = 25;
const stopBeforeMs = 15_000;

/** The objects of a stored email, by bucket. */
const objectsOf = (email: Email, bucket: string): Map<string, string[]> => {
  const byBucket = new Map<string, string[]>();
  const add = (b: string, key: string) => byBucket.set(b, [...(byBucket.get(b) ?? []), key]);
  add(email.raw.bucket, email.raw.key);
  if (email.html) add(email.html.bucket, email.html.key);
  for (const attachment of email.attachments) add(bucket, attachment.key);
  return byBucket;
};

export type ExpiryReport = Record<EmailStatus, number> & { kept: number; failed: number; finished: boolean };

export const expireMail = (deps: ExpireMailDeps) => async (): Promise<ExpiryReport> => {
  const report: ExpiryReport = { quarantined: 0, unlinked: 0, linked: 0, kept: 0, failed: 0, finished: true };
  const now = deps.now();
  /** whether this email, as read now, is past its retention under the status it has now */
  const due = (email: Email): boolean =>
    new Date(email.receivedAt) < retentionCutoff(email.status, now, deps.retention);
  for (const status of statuses) {
    const cutoff = retentionCutoff(status, now, deps.retention);
    const passed = new Set<string>();
    for (;;) {
      if (deps.remainingMs() < stopBeforeMs) return { ...report, finished: false };
      const listed = (await deps.emails.listReceivedBefore(status, cutoff, batch + passed.size)).filter(
        (email) => !passed.has(email.id),
      );
      if (listed.length === 0) break;
      for (const email of listed) {
        if (deps.remainingMs() < stopBeforeMs) return { ...report, finished: false };
        passed.add(email.id);
        try {
          // the list lags behind the record: read it again, as it is now, and judge that
          const current = await deps.emails.get(email.id, true);
          if (!current) continue;
          if (!due(current)) {
            report.kept += 1;
            continue;
          }
          // its files first (deleting them again is harmless), then the record, only while it is
          // still what was judged; one linked in the moment between loses its files, which the
          // fresh read above keeps to a moment
          for (const [bucket, keys] of objectsOf(current, deps.bucket)) await deps.objects.deleteAll(bucket, keys);
          if (await deps.emails.erase(current)) report[current.status] += 1;
          else report.kept += 1;
        } catch (error) {
          // one email that cannot go now must not hold up the rest: the next run tries it again
          report.failed += 1;
          logger.error('an email past its retention could not be erased', { emailId: email.id, error });
        }
      }
    }
  }
  return report;
};
